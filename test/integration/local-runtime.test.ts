/**
 * The local runtime's own mechanics, on the real emulators, with a fixture handler instead of
 * the extractor: S3 → SQS forwarding, the SQS event source and the Lambda execution
 * environments. One runtime serves the whole file; its clocks are shortened so that timeouts
 * and redeliveries happen within seconds.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, sleep } from '../../local/child-processes.js';
import { DEFAULT_SCAN_INTERVAL_MS } from '../../local/notifications.js';
import { EMULATOR_ACCOUNT_ID, LOCAL_NAMES } from '../../local/settings.js';
import {
  DIRECTIVES,
  fixtureBody,
  readFixtureRecords,
  recordsFor,
  TEST_EVENT_ID,
  type FixtureRecord,
} from '../support/fixture-records.js';
import { FIXTURE_HANDLER, removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';

const FUNCTION_TIMEOUT_SECONDS = 3;
/**
 * Well above the function timeout plus the 1 s batching window and a new environment's start
 * (which counts against the visibility timeout, not the function's) on a saturated machine, so
 * a healthy batch is never redelivered, however busy the machine.
 */
const VISIBILITY_TIMEOUT_SECONDS = 12;
/** A ceiling for what must happen soon (a forward, a delivery, a redelivery): generous, so a busy machine still makes it. */
const SOON_MS = 60_000;
/** Long enough for the forwarder's periodic scan to have run twice. */
const TWO_SCANS_MS = 2 * DEFAULT_SCAN_INTERVAL_MS + 500;

let local: TestRuntime;
/** The interactive lane's queue, which `uploads/` feeds. */
let queueArn: string;
/** The bulk lane's queue, which `incoming/` feeds. */
let bulkQueueArn: string;

beforeAll(async () => {
  local = await startTestRuntime({
    handlerModule: FIXTURE_HANDLER,
    functionTimeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
    queueVisibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    shutdownGraceMs: 500,
  });
  const { Attributes } = await local.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: local.outputs.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  queueArn = Attributes!.QueueArn!;
  const bulk = await local.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: local.outputs.BulkQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  bulkQueueArn = bulk.Attributes!.QueueArn!;
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

const records = () => readFixtureRecords(local.clients.dynamoDb, local.outputs.TableName);

async function put(key: string, body: string | Uint8Array = `content of ${key}`): Promise<string> {
  const { ETag } = await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: body }));
  return ETag!;
}

/** Waits until every id has been received at least `receiveCount` times; returns all records. */
function waitForIds(ids: readonly string[], timeoutMs: number, receiveCount = 1): Promise<FixtureRecord[]> {
  return waitFor(
    async () => {
      const all = await records();
      return ids.every((id) => all.some((record) => record.id === id && record.receiveCount >= receiveCount)) && all;
    },
    { timeoutMs, intervalMs: 200, description: `${ids.length} id(s), e.g. ${ids[0]}, received ${receiveCount}×` },
  );
}

function ledgerKeys(): string[] {
  return readFileSync(local.runtime.layout.forwardLedger, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { kind: string; key?: string })
    .flatMap((entry) => (entry.kind === 'object' && entry.key !== undefined ? [entry.key] : []));
}

describe('S3 → SQS forwarding', () => {
  it('sends the s3:TestEvent once to each lane\'s queue, when the queues are first set up', async () => {
    const testEvents = await waitFor(
      async () => {
        const found = recordsFor(await readFixtureRecords(local.clients.dynamoDb, local.outputs.TableName), TEST_EVENT_ID);
        return found.length >= 2 && found;
      },
      { timeoutMs: SOON_MS, description: 'a test event from each lane' },
    );

    expect(testEvents.map((record) => String(record.sqsRecord.eventSourceARN).split(':').at(-1)).sort()).toEqual(
      ['pdf-pipeline-extract', 'pdf-pipeline-extract-bulk'],
    );
    for (const testEvent of testEvents) {
      expect(JSON.parse(testEvent.body)).toMatchObject({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: local.outputs.BucketName });
    }
  });

  it('delivers uploads under incoming/ and uploads/ as S3 event notifications whose keys decode back', async () => {
    const awkwardKey = "incoming/user-1/a b+c%d ünï (1)~!*'.pdf";
    const plainKey = 'uploads/user-1/plain.pdf';
    const eTag = await put(awkwardKey, 'awkward bytes');
    await put(plainKey);

    const all = await waitForIds([awkwardKey, plainKey], SOON_MS);

    const [awkward] = recordsFor(all, awkwardKey);
    // The key as S3 encodes it: `+` for a space, %XX for UTF-8 bytes and reserved characters.
    expect(awkward!.rawKey).toBe('incoming/user-1/a+b%2Bc%25d+%C3%BCn%C3%AF+%281%29%7E%21*%27.pdf');
    const notification = JSON.parse(awkward!.body) as { Records: Array<Record<string, any>> };
    expect(notification.Records).toHaveLength(1);
    const [event] = notification.Records;
    expect(event).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: local.outputs.Region,
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: LOCAL_NAMES.notificationConfiguration,
        bucket: { name: local.outputs.BucketName, arn: `arn:aws:s3:::${local.outputs.BucketName}` },
        object: { size: Buffer.byteLength('awkward bytes'), eTag: eTag.replaceAll('"', '') },
      },
    });
    expect(event!.s3.object.sequencer).toMatch(/^[0-9A-F]{18}$/);
    expect(new Date(event!.eventTime).toISOString()).toBe(event!.eventTime);

    // The SQS record around it is what Lambda's event source builds, from the bulk lane's queue.
    expect(awkward!.sqsRecord).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: bulkQueueArn,
      awsRegion: local.outputs.Region,
      md5OfBody: createHash('md5').update(awkward!.body).digest('hex'),
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(Number((awkward!.sqsRecord.attributes as Record<string, string>).SentTimestamp)).toBeGreaterThan(0);
    expect(recordsFor(all, plainKey).map((record) => record.sqsRecord.eventSourceARN)).toEqual([queueArn]);
  });

  it('never forwards results/ or keys outside the notified prefixes', async () => {
    const ignored = ['results/doc-1/pages.json', 'other/user-1/x.pdf', 'incomingx/user-1/y.pdf', 'upload/user-1/z.pdf'];
    for (const key of ignored) await put(key);
    const marker = 'incoming/user-1/after-ignored.pdf';
    await put(marker);

    await waitForIds([marker], SOON_MS);
    await sleep(TWO_SCANS_MS);

    const all = await records();
    for (const key of ignored) expect(recordsFor(all, key)).toEqual([]);
    expect(ledgerKeys().filter((key) => ignored.includes(key))).toEqual([]);
  });

  it('delivers a burst of 150 uploads exactly once each', async () => {
    const keys = Array.from({ length: 150 }, (_, index) => `incoming/burst/doc-${String(index).padStart(3, '0')}.pdf`);
    for (let start = 0; start < keys.length; start += 25) {
      await Promise.all(keys.slice(start, start + 25).map((key) => put(key)));
    }

    await waitForIds(keys, 3 * SOON_MS);
    await sleep(TWO_SCANS_MS); // a duplicate would have been sent by now

    const all = await records();
    for (const key of keys) expect(recordsFor(all, key).map((record) => record.receiveCount)).toEqual([1]);
    const forwarded = ledgerKeys().filter((key) => key.startsWith('incoming/burst/'));
    expect(forwarded).toHaveLength(keys.length);
    expect(new Set(forwarded).size).toBe(keys.length);
  }, 5 * SOON_MS);
});

describe('SQS event source', () => {
  it('redelivers only the records reported in batchItemFailures, after the visibility timeout', async () => {
    const failing = `partial-${DIRECTIVES.failOnce}`;
    const succeeding = ['partial-ok-1', 'partial-ok-2'];
    // One SendMessageBatch: the first poller to wake receives all three in one receive.
    await local.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: local.outputs.QueueUrl,
        Entries: [failing, ...succeeding].map((id, index) => ({ Id: String(index), MessageBody: fixtureBody(id) })),
      }),
    );

    await waitForIds([failing], SOON_MS, 2);
    // The successes were received with it: had they been kept, they would be back by now too.
    await sleep(1_500);

    const after = await records();
    const [first, second, ...more] = recordsFor(after, failing);
    expect(more).toEqual([]);
    expect(second!.receiveCount).toBe(2);
    expect(second!.messageId).toBe(first!.messageId);
    // It came back only once the visibility timeout had run out (counted from the receive,
    // which precedes the invocation by at most the batching window).
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual((VISIBILITY_TIMEOUT_SECONDS - 1.5) * 1000);
    for (const id of succeeding) {
      const received = recordsFor(after, id);
      expect(received.map((record) => record.receiveCount)).toEqual([1]);
      // They shared the failing record's batch and were deleted from it.
      expect(first!.batchMessageIds).toContain(received[0]!.messageId);
    }
  }, 3 * SOON_MS);
});

describe('Lambda execution environments', () => {
  it('passes a Lambda-like context and the function environment', async () => {
    const [record] = recordsFor(await waitForIds([TEST_EVENT_ID], SOON_MS), TEST_EVENT_ID);
    expect(record!.context).toMatchObject({
      functionName: local.runtime.settings.function.functionName,
      memoryLimitInMB: String(local.runtime.settings.function.memoryMb),
      invokedFunctionArn: `arn:aws:lambda:${local.outputs.Region}:${EMULATOR_ACCOUNT_ID}:function:${local.runtime.settings.function.functionName}`,
    });
    expect(record!.context.remainingTimeMs).toBeGreaterThan(0);
    expect(record!.context.remainingTimeMs).toBeLessThanOrEqual(FUNCTION_TIMEOUT_SECONDS * 1000);
    expect(record!.env).toMatchObject({ ...local.runtime.functionEnvironment.stack, ...local.runtime.functionEnvironment.sdk });
    // Nothing of the test process's own environment leaks in.
    expect(record!.envNames).not.toContain('VITEST');
  });

  it('kills an invocation that passes the function timeout and keeps serving', async () => {
    const hanging = `timeout-${DIRECTIVES.hangOnce}`;
    await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: local.outputs.QueueUrl, MessageBody: fixtureBody(hanging) }));
    const [hungAttempt] = recordsFor(await waitForIds([hanging], SOON_MS), hanging);

    // The other environment takes new work while the first one hangs.
    const meanwhile = 'served-while-hanging';
    await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: local.outputs.QueueUrl, MessageBody: fixtureBody(meanwhile) }));
    const [served] = recordsFor(await waitForIds([meanwhile], SOON_MS), meanwhile);
    expect(served!.pid).not.toBe(hungAttempt!.pid);

    // Killed at the timeout; redelivered once the visibility timeout ran out, to a fresh environment.
    const [, retried] = recordsFor(await waitForIds([hanging], SOON_MS, 2), hanging);
    expect(isAlive(hungAttempt!.pid)).toBe(false);
    expect(retried!.pid).not.toBe(hungAttempt!.pid);
    expect(readFileSync(local.runtime.layout.extractLog, 'utf8')).toContain(
      `Task timed out after ${FUNCTION_TIMEOUT_SECONDS.toFixed(2)} seconds`,
    );
  }, 3 * SOON_MS);

  it('replaces an environment whose process crashes', async () => {
    const crashing = `exit-${DIRECTIVES.crashOnce}`;
    await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: local.outputs.QueueUrl, MessageBody: fixtureBody(crashing) }));

    const [crashed, retried] = recordsFor(await waitForIds([crashing], SOON_MS, 2), crashing);
    expect(isAlive(crashed!.pid)).toBe(false);
    expect(retried!.pid).not.toBe(crashed!.pid);
    expect(readFileSync(local.runtime.layout.extractLog, 'utf8')).toContain('Runtime exited with error: exit status 1');

    const after = 'served-after-crash';
    await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: local.outputs.QueueUrl, MessageBody: fixtureBody(after) }));
    await waitForIds([after], SOON_MS);
  }, 3 * SOON_MS);
});
