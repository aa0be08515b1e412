/**
 * What the local runtime keeps across a restart: objects uploaded but not yet forwarded are
 * forwarded by the next run, nothing is forwarded twice, and messages a stopped run was still
 * processing become visible again at once instead of after their visibility timeout.
 */
import { readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { LANES } from '../../lambdas/shared/contract.js';
import { sleep } from '../../local/child-processes.js';
import type { InFlightMessage } from '../../local/in-flight-store.js';
import { DEFAULT_SCAN_INTERVAL_MS } from '../../local/notifications.js';
import { DIRECTIVES, fixtureBody, readFixtureRecords, recordsFor, TEST_EVENT_ID } from '../support/fixture-records.js';
import {
  FIXTURE_HANDLER,
  makeStateDir,
  removeStateDir,
  startTestRuntime,
  waitFor,
  type TestRuntime,
  type TestRuntimeOptions,
} from '../support/local-runtime.js';

const TWO_SCANS_MS = 2 * DEFAULT_SCAN_INTERVAL_MS + 500;
/** A ceiling for what must happen soon (a forward, a delivery): generous, so a busy machine still makes it. */
const SOON_MS = 60_000;

let running: TestRuntime | undefined;
const stateDirs: string[] = [];

afterEach(async () => {
  await running?.stop();
  running = undefined;
  for (const dir of stateDirs.splice(0)) removeStateDir(dir);
});

async function start(stateDir: string, options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  running = await startTestRuntime({ handlerModule: FIXTURE_HANDLER, shutdownGraceMs: 200, ...options, stateDir });
  return running;
}

async function stop(): Promise<void> {
  await running?.stop();
  running = undefined;
}

function freshStateDir(): string {
  const dir = makeStateDir();
  stateDirs.push(dir);
  return dir;
}

async function waitForReceive(local: TestRuntime, id: string, receiveCount: number, timeoutMs: number) {
  return waitFor(
    async () => {
      const received = recordsFor(await readFixtureRecords(local.clients.dynamoDb, local.outputs.TableName), id);
      return received.some((record) => record.receiveCount >= receiveCount) && received;
    },
    { timeoutMs, intervalMs: 200, description: `${id} received ${receiveCount}×` },
  );
}

describe('restarting the local runtime', () => {
  it('forwards objects uploaded while forwarding was down, and nothing twice', async () => {
    const stateDir = freshStateDir();
    const before = 'incoming/user-1/before-restart.pdf';
    const whileDown = ['incoming/user-1/while-down.pdf', 'uploads/user-1/while down ünï.pdf'];

    // Run 1: an ordinary upload is forwarded.
    let local = await start(stateDir);
    await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: before, Body: 'first' }));
    await waitForReceive(local, before, 1, SOON_MS);
    await stop();

    // Run 2 stands for a runtime that stopped after the uploads but before forwarding them.
    local = await start(stateDir, { forwardNotifications: false });
    for (const key of whileDown) {
      await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: key }));
    }
    await sleep(DEFAULT_SCAN_INTERVAL_MS);
    const unforwarded = await readFixtureRecords(local.clients.dynamoDb, local.outputs.TableName);
    for (const key of whileDown) expect(recordsFor(unforwarded, key)).toEqual([]);
    await stop();

    // Run 3 finds them in its start-up scan; the earlier upload and the test event stay sent once.
    local = await start(stateDir);
    for (const key of whileDown) await waitForReceive(local, key, 1, SOON_MS);
    await sleep(TWO_SCANS_MS);
    const all = await readFixtureRecords(local.clients.dynamoDb, local.outputs.TableName);
    for (const key of [before, ...whileDown]) expect(recordsFor(all, key).map((record) => record.receiveCount)).toEqual([1]);
    expect(recordsFor(all, TEST_EVENT_ID)).toHaveLength(LANES.length); // one per lane's queue
  }, 5 * SOON_MS);

  it('makes the stopped run’s in-flight messages visible again at once', async () => {
    const stateDir = freshStateDir();
    // Clocks as long as on AWS would make the redelivery wait minutes without the release.
    const options = { functionTimeoutSeconds: 60, queueVisibilityTimeoutSeconds: 600 };
    const id = `restart-${DIRECTIVES.hangOnce}`;

    let local = await start(stateDir, options);
    await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: local.outputs.QueueUrl, MessageBody: fixtureBody(id) }));
    const [hung] = await waitForReceive(local, id, 1, SOON_MS);
    await stop(); // the hanging invocation is cut off by the shutdown

    // Its batch (which may also hold the S3 test event) is on file for the next run.
    const inFlight = JSON.parse(readFileSync(local.runtime.layout.inFlightFiles.interactive, 'utf8')) as InFlightMessage[];
    expect(inFlight.map((message) => message.messageId)).toContain(hung!.messageId);

    local = await start(stateDir, options);
    // Within a tenth of the 600 s visibility timeout: only the release brings it back this soon.
    const [first, second] = await waitForReceive(local, id, 2, SOON_MS);
    expect(second!.messageId).toBe(first!.messageId);
    const current = local;
    await waitFor(() => readFileSync(current.runtime.layout.inFlightFiles.interactive, 'utf8').trim() === '[]', {
      timeoutMs: SOON_MS,
      description: 'the redelivered message to be settled',
    });
  }, 5 * SOON_MS);
});
