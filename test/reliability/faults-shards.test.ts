/**
 * Faults applied to documents read in page-range shards (shards of 10 pages, so a 30-page drop is
 * read by three invocations): an execution environment SIGKILLed while it writes a shard's pages,
 * and DynamoDB throttling one shard's page writes past the SDK's retries. The shard is retried
 * alone, from its own message; the document completes once, every page once, nothing lost.
 */
import { existsSync, readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { pageLayoutKey } from '../../lambdas/shared/s3-keys.js';
import { SERVICE_ERRORS, type FaultProxy } from '../../local/fault-proxy.js';
import { DEFAULT_HANDLER_MODULE } from '../../local/runtime.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf, numberedPages } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { documentEvents, FaultOutcomes } from './fault-outcomes.js';
import { HUNG_MS, INVOCATION_CLOCKS, settleMs } from './invocation-clocks.js';
import { environmentPids } from './runtime-checks.js';

const PAGES = 30;

let local: TestRuntime;
let faults: FaultProxy;
let probe: PipelineProbe;
const outcomes = new FaultOutcomes('shards');

beforeAll(async () => {
  // The invocation faults' clocks: only the faults cause redeliveries.
  local = await startTestRuntime({ faultInjection: true, pagesPerShard: 10, ...INVOCATION_CLOCKS });
  faults = local.runtime.faults!;
  probe = new PipelineProbe(local);
  outcomes.use(local);
  // A sharded warm-up document, so the lane's and its shards' environments are warm.
  const warmUp = 'incoming/warm-up/long.pdf';
  await put(warmUp, longPdf('warm-up'));
  await probe.terminal(probe.dropFolderId(warmUp), settleMs(2));
}, 2 * settleMs(2));

afterAll(async () => {
  if (local) await outcomes.write();
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

const texts = (label: string) => numberedPages(PAGES, label);
const longPdf = (label: string) => makePdf(texts(label));

async function put(key: string, body: Uint8Array) {
  await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: body }));
}

/** Every page once, in order, with its text, and one completion event. */
async function expectWhole(expect: ExpectStatic, documentId: string, label: string) {
  const pages = await probe.pages(documentId);
  expect(pages.map((page) => page.pageNumber)).toEqual(Array.from({ length: PAGES }, (_, index) => index + 1));
  expect(pages.map((page) => page.text?.trim())).toEqual(texts(label));
  await waitFor(() => documentEvents(local, documentId).length > 0, { timeoutMs: 60_000, description: 'the completion event' });
  expect(documentEvents(local, documentId).map((event) => event['detail-type'])).toEqual(['Document Completed']);
}

describe('an execution environment SIGKILLed mid-shard', () => {
  it('loses nothing: the shard comes back after the visibility timeout and the document completes once', async ({ expect }) => {
    // Arrange: writing page 15's layout (the second shard's) hangs, so that shard is mid-way when the kill comes.
    const key = 'incoming/faults/killed-mid-shard.pdf';
    const documentId = probe.dropFolderId(key);
    const hold = faults.inject({ service: 's3', operations: ['PutObject'], matching: pageLayoutKey(documentId, 1, 15), times: 1, action: { kind: 'latency', ms: HUNG_MS } });
    await put(key, longPdf('killed'));
    await waitFor(() => hold.injected === 1, { timeoutMs: settleMs(0), description: 'the second shard to be writing its pages' });

    // Act
    const killed = environmentPids(DEFAULT_HANDLER_MODULE);
    for (const pid of killed) process.kill(pid, 'SIGKILL');
    const record = await probe.terminal(documentId, settleMs(1));

    // Assert
    await outcomes.check(
      { name: 'Execution environment SIGKILLed mid-shard', fault: `SIGKILL to every extraction environment (${killed.length}) while a shard writes its pages`, expected: 'COMPLETED, every page once' },
      [documentId],
      () => killed.length,
      async () => {
        expect(killed.length).toBeGreaterThan(0);
        expect(record).toMatchObject({ status: 'COMPLETED', pageCount: PAGES, shardCount: 3, shardsDone: 3 });
        await expectWhole(expect, documentId, 'killed');
      },
    );
  }, 3 * settleMs(1));
});

describe('throttled writes on one shard', () => {
  it('past the SDK’s retries: that shard alone is redelivered, the document completes once', async ({ expect }) => {
    // Arrange: the batch write holding page 15 (the second shard's) is throttled four times, every try the SDK makes.
    const key = 'incoming/faults/throttled-shard.pdf';
    const documentId = probe.dropFolderId(key);
    const throttle = faults.inject({
      service: 'dynamodb',
      operations: ['BatchWriteItem'],
      matching: [documentId, 'PAGE#000015#'],
      times: 4,
      action: { kind: 'error', error: SERVICE_ERRORS.throttling },
    });

    // Act
    await put(key, longPdf('throttled'));
    const record = await probe.terminal(documentId, settleMs(1));

    // Assert
    await outcomes.check(
      { name: 'DynamoDB throttling one shard’s page writes, past the SDK’s retries', fault: 'ThrottlingException ×4 on one shard’s BatchWriteItem', expected: 'COMPLETED, the shard on its 2nd delivery' },
      [documentId],
      () => throttle.injected,
      async () => {
        expect(throttle.injected).toBe(4);
        // Shard retries are the shard message's own: the document's attempts stay at 1.
        expect(record).toMatchObject({ status: 'COMPLETED', attempts: 1, shardCount: 3, shardsDone: 3 });
        expect(existsSync(local.runtime.layout.extractLog) && readFileSync(local.runtime.layout.extractLog, 'utf8')).toContain('Shard left on the queue for another attempt');
        await expectWhole(expect, documentId, 'throttled');
      },
    );
  }, 3 * settleMs(1));
});
