/**
 * Invocations that do not finish: an execution environment SIGKILLed while its document is
 * PROCESSING, a service answer that comes after the function timeout (the handler's middleware
 * ends the invocation with a TimeoutError just before Lambda would), and a document whose every
 * attempt times out. Clocks are seconds instead of minutes (function timeout, budget per
 * document, visibility timeout), so redeliveries and the five attempts `maxReceiveCount` allows
 * fit in a test; the rules are the deployed ones:
 * an invocation that ends this way deletes nothing, its messages come back after the visibility
 * timeout, and the last allowed delivery records POISON before the message goes to the DLQ.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ADMIN_GROUP } from '../../lambdas/shared/contract.js';
import { uploadKey } from '../../lambdas/shared/s3-keys.js';
import type { FaultProxy } from '../../local/fault-proxy.js';
import { DEFAULT_HANDLER_MODULE } from '../../local/runtime.js';
import { LOCAL_CONFIG } from '../../local/settings.js';
import { ApiClient } from '../support/api-client.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { FaultOutcomes } from './fault-outcomes.js';
import { FUNCTION_TIMEOUT_SECONDS, HUNG_MS, INVOCATION_CLOCKS, settleMs } from './invocation-clocks.js';
import { environmentPids } from './runtime-checks.js';

/** Deliveries before SQS moves a message to the DLQ. */
const MAX_RECEIVES = LOCAL_CONFIG.queue.maxReceiveCount;
const OWNER = 'faults-owner';

let local: TestRuntime;
let faults: FaultProxy;
let probe: PipelineProbe;
const outcomes = new FaultOutcomes('invocations', [
  { name: 'The whole runtime SIGKILLed mid-run, then restarted: every document completes', where: 'test/integration/pipeline-crash.test.ts' },
  { name: 'A burst of 200 drop-folder files at the bulk lane’s maximum concurrency of 2: all COMPLETED once, nothing in the DLQ', where: 'test/integration/pipeline.test.ts' },
  { name: 'An environment that crashes or passes the timeout is replaced; only reported records are redelivered', where: 'test/integration/local-runtime.test.ts' },
  { name: 'Redrive from the DLQ by the `redrive` command: transient, POISON and still-failing documents', where: 'test/integration/operations.test.ts' },
]);

beforeAll(async () => {
  local = await startTestRuntime({ faultInjection: true, ...INVOCATION_CLOCKS });
  faults = local.runtime.faults!;
  probe = new PipelineProbe(local);
  outcomes.use(local);
  // Warm environments in both lanes, so no cold start counts against a case's clock.
  const warmUp = [...Array.from({ length: 6 }, (_, index) => `incoming/warm-up/${index}.pdf`), ...Array.from({ length: 6 }, () => uploadKey(OWNER, randomUUID()))];
  await Promise.all(warmUp.map((key) => put(key, makePdf([`warm-up ${key}`]))));
  await Promise.all(warmUp.map((key) => probe.terminal(idOf(key), settleMs(2))));
}, 2 * settleMs(2));

afterAll(async () => {
  if (local) await outcomes.write();
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

async function put(key: string, body: Uint8Array) {
  await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: body }));
}

/** The document an object is: an upload's id is in its key, a dropped file's is derived from it. */
function idOf(key: string): string {
  return key.startsWith('uploads/') ? key.slice(key.lastIndexOf('/') + 1, -'.pdf'.length) : probe.dropFolderId(key);
}

function extractLog(): string {
  return readFileSync(local.runtime.layout.extractLog, 'utf8');
}

async function deadLetterQueueDepth(queueUrl: string) {
  // The `DeadLetterQueueNotEmpty` alarms watch CloudWatch's ApproximateNumberOfMessagesVisible
  // (lib/constructs/monitoring.ts), which is this attribute of the queue.
  const { Attributes = {} } = await local.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
}

describe('an execution environment SIGKILLed mid-batch', () => {
  it('loses nothing: its messages come back after the visibility timeout and every document completes', async ({ expect }) => {
    // Arrange: three uploads; reading the first one's original hangs, so it is PROCESSING when the kill comes.
    const keys = [uploadKey(OWNER, randomUUID()), uploadKey(OWNER, randomUUID()), uploadKey(OWNER, randomUUID())];
    const ids = keys.map(idOf);
    const hold = faults.inject({ service: 's3', operations: ['GetObject'], matching: keys[0], times: 1, action: { kind: 'latency', ms: HUNG_MS } });
    await Promise.all(keys.map((key, index) => put(key, makePdf([`killed mid-batch ${index}`]))));
    await waitFor(async () => hold.injected === 1 && (await probe.documents.get(ids[0]!))?.status === 'PROCESSING', {
      timeoutMs: settleMs(0),
      description: 'the first document to be PROCESSING',
    });

    // Act
    const killed = environmentPids(DEFAULT_HANDLER_MODULE);
    for (const pid of killed) process.kill(pid, 'SIGKILL');
    const records = await Promise.all(ids.map((id) => probe.terminal(id, settleMs(1))));

    // Assert
    await outcomes.check(
      {
        name: 'Execution environment SIGKILLed mid-batch',
        fault: `SIGKILL to every extraction environment (${killed.length}) while a document is PROCESSING`,
        expected: 'COMPLETED ×3 after the visibility timeout',
      },
      ids,
      () => killed.length,
      async () => {
        expect(killed.length).toBeGreaterThan(0);
        expect(records.map((record) => record.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
        expect(records[0]!.attempts).toBe(2);
        expect(extractLog()).toContain('Runtime exited with error: SIGKILL');
        for (const id of ids) expect(await probe.pages(id)).toHaveLength(1);
      },
    );
  }, 3 * settleMs(1));
});

describe.concurrent('a dependency that answers after the function timeout', () => {
  it('once: the invocation is cut off at the function timeout, the message comes back and the document completes on attempt 2', async ({ expect }) => {
    // Arrange
    const key = uploadKey(OWNER, randomUUID());
    const documentId = idOf(key);
    const slow = faults.inject({ service: 'dynamodb', operations: ['BatchWriteItem'], matching: documentId, times: 1, action: { kind: 'latency', ms: HUNG_MS } });

    // Act
    await put(key, makePdf(['late but whole']));
    const record = await probe.terminal(documentId, settleMs(1));

    // Assert
    await outcomes.check(
      {
        name: 'Latency past the function timeout, once',
        fault: `DynamoDB BatchWriteItem (the pages) held past the ${FUNCTION_TIMEOUT_SECONDS} s function timeout ×1`,
        expected: 'invocation ends at the timeout (TimeoutError), then COMPLETED on attempt 2',
      },
      [documentId],
      () => slow.injected,
      async () => {
        expect(slow.injected).toBe(1);
        expect(record).toMatchObject({ status: 'COMPLETED', attempts: 2, pageCount: 1 });
        // The handler's middleware answers TimeoutError just before Lambda would end the environment; either ends it.
        expect(extractLog()).toMatch(new RegExp(`Invoke Error \\{"name":"TimeoutError"|Task timed out after ${FUNCTION_TIMEOUT_SECONDS.toFixed(2)} seconds`));
        expect(await deadLetterQueueDepth(local.outputs.DeadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
      },
    );
  }, 2 * settleMs(1));

  it('on every attempt: the document ends FAILED/POISON, its message reaches the DLQ, and a redrive after the fix completes it', async ({ expect }) => {
    // Arrange: every read of this dropped file's original hangs.
    const key = 'incoming/faults-owner/always-times-out.pdf';
    const documentId = idOf(key);
    const hung = faults.inject({ service: 's3', operations: ['GetObject'], matching: key, action: { kind: 'latency', ms: HUNG_MS } });
    const admin = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue('faults-admin', { groups: [ADMIN_GROUP] }));

    // Act: five deliveries, the last of which records POISON; the next receive moves it to the DLQ.
    await put(key, makePdf(['poisoned, then fixed']));
    const poisoned = await probe.terminal(documentId, settleMs(MAX_RECEIVES));
    await waitFor(async () => (await deadLetterQueueDepth(local.outputs.BulkDeadLetterQueueUrl)).visible === 1, {
      timeoutMs: settleMs(1),
      intervalMs: 500,
      description: 'the message in the bulk lane’s DLQ',
    });
    const depthBeforeRedrive = await deadLetterQueueDepth(local.outputs.BulkDeadLetterQueueUrl);
    const hangs = hung.injected;
    hung.remove(); // the fix
    const redriven = await admin.call('redriveDeadLetters', { query: { lane: 'bulk', maxPerSecond: 10 } });
    const fixed = await waitFor(
      async () => {
        const record = await probe.documents.get(documentId);
        return record?.status === 'COMPLETED' ? record : undefined;
      },
      { timeoutMs: settleMs(1), intervalMs: 250, description: 'the redriven document to complete' },
    );

    // Assert
    await outcomes.check(
      {
        ended: `${poisoned.status} ${poisoned.error?.code ?? ''} in the DLQ, then COMPLETED after the redrive`,
        attempts: poisoned.attempts,
        name: 'Timing out on every attempt (poison), then redriven',
        fault: `S3 GetObject held past the function timeout on every attempt; then lifted and \`POST /v1/admin/redrive\``,
        expected: 'FAILED POISON after 5 deliveries, DLQ depth 1; COMPLETED after the redrive',
      },
      [documentId],
      () => hangs,
      async () => {
        expect(poisoned).toMatchObject({ status: 'FAILED', attempts: MAX_RECEIVES, error: { code: 'POISON' } });
        expect(hangs).toBe(MAX_RECEIVES - 1); // the fifth delivery records POISON without reading the object
        expect(depthBeforeRedrive).toEqual({ visible: 1, inFlight: 0 });
        expect(redriven.status).toBe(202);
        expect(redriven.body.lanes).toEqual([expect.objectContaining({ lane: 'bulk', moved: 1 })]);
        expect(fixed).toMatchObject({ status: 'COMPLETED', pageCount: 1, generation: 1 });
        expect(fixed.error).toBeUndefined();
        expect((await probe.pages(documentId))[0]?.text).toContain('poisoned, then fixed');
        expect(await deadLetterQueueDepth(local.outputs.BulkDeadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
      },
    );
  }, 2 * settleMs(MAX_RECEIVES + 2));
});
