/**
 * Service faults on the extractor's (and the API's) own SDK traffic, injected by the fault proxy
 * in front of the emulators: DynamoDB throttling and 500s on its writes, S3 SlowDown and 500s on
 * reads and writes, connections cut mid-answer after the emulator acted, and duplicate and
 * out-of-order S3 events. Every fault is transient, so every document must end COMPLETED, never
 * FAILED: a few faults are absorbed by the SDK's own retries (one attempt), more than its four
 * tries are taken up by the queue's redelivery (a second attempt).
 *
 * The cases run side by side in one runtime, each fault matched to its own document, so the
 * redelivery clock (the visibility timeout) is paid once rather than once per case.
 */
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { SERVICE_ERRORS, type Fault, type FaultProxy, type FaultRule } from '../../local/fault-proxy.js';
import { ApiClient } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { documentEvents, FaultOutcomes } from './fault-outcomes.js';
import { objectCreatedMessage } from '../support/s3-notification.js';

/** Long enough that a busy machine's slowest invocation never outlives it, so only the faults cause redeliveries. */
const VISIBILITY_TIMEOUT_SECONDS = 15;
const TERMINAL_WAIT_MS = 90_000;

let local: TestRuntime;
let faults: FaultProxy;
let probe: PipelineProbe;
const outcomes = new FaultOutcomes('services');

beforeAll(async () => {
  local = await startTestRuntime({ faultInjection: true, queueVisibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS });
  faults = local.runtime.faults!;
  probe = new PipelineProbe(local);
  outcomes.use(local);
  // Both bulk-lane environments warm, so no cold start counts against a case's clock.
  const warmUp = Array.from({ length: 6 }, (_, index) => `incoming/warm-up/${index}.pdf`);
  await Promise.all(warmUp.map((key) => put(key, makePdf([`warm-up ${key}`]))));
  await Promise.all(warmUp.map((key) => probe.terminal(probe.dropFolderId(key), TERMINAL_WAIT_MS)));
}, 180_000);

afterAll(async () => {
  if (local) await outcomes.write();
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

async function put(key: string, body: Uint8Array | string) {
  await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: body }));
}

/** Injects the rules, then drops one document into the folder; resolves with its id and the rules' tallies. */
async function dropWithFaults(key: string, body: Uint8Array, rules: (documentId: string) => FaultRule[]) {
  const documentId = probe.dropFolderId(key);
  const injected = rules(documentId).map((rule) => faults.inject(rule));
  await put(key, body);
  return { documentId, injected: () => injected.reduce((sum, fault: Fault) => sum + fault.injected, 0) };
}

const WRITES = ['PutItem', 'UpdateItem', 'BatchWriteItem'];

describe.concurrent('transient service errors on the extractor', () => {
  it('DynamoDB ProvisionedThroughputExceeded on its writes, twice: absorbed by the SDK, COMPLETED in one attempt', async ({ expect }) => {
    // Arrange
    const { documentId, injected } = await dropWithFaults('incoming/faults/ddb-throughput.pdf', makePdf(['throughput']), (id) => [
      { service: 'dynamodb', operations: WRITES, matching: id, times: 2, action: { kind: 'error', error: SERVICE_ERRORS.provisionedThroughputExceeded } },
    ]);

    // Act
    const record = await probe.terminal(documentId, TERMINAL_WAIT_MS);

    // Assert
    await outcomes.check(
      { name: 'DynamoDB throughput exceeded, within the SDK’s retries', fault: 'ProvisionedThroughputExceededException (400) ×2 on the extractor’s writes', expected: 'COMPLETED in 1 attempt' },
      [documentId],
      injected,
      async () => {
        expect(injected()).toBe(2);
        expect(record).toMatchObject({ status: 'COMPLETED', attempts: 1, pageCount: 1 });
      },
    );
  });

  it('DynamoDB ThrottlingException on the completing write, past the SDK’s retries: redelivered, COMPLETED on attempt 2', async ({ expect }) => {
    // Arrange
    const { documentId, injected } = await dropWithFaults('incoming/faults/ddb-throttled.pdf', makePdf(['throttled']), (id) => [
      { service: 'dynamodb', operations: ['UpdateItem'], matching: [id, 'COMPLETED'], times: 4, action: { kind: 'error', error: SERVICE_ERRORS.throttling } },
    ]);

    // Act
    const record = await probe.terminal(documentId, TERMINAL_WAIT_MS);

    // Assert
    await outcomes.check(
      { name: 'DynamoDB throttling, past the SDK’s retries', fault: 'ThrottlingException (400) ×4 on UpdateItem (the completing write)', expected: 'COMPLETED on attempt 2' },
      [documentId],
      injected,
      async () => {
        expect(injected()).toBe(4);
        expect(record).toMatchObject({ status: 'COMPLETED', attempts: 2, pageCount: 1 });
        expect(record.lastError).toBeUndefined();
        expect((await probe.pages(documentId)).map((page) => page.text)).toEqual([expect.stringContaining('throttled')]);
      },
    );
  });

  it('DynamoDB InternalServerError on the page writes, past the SDK’s retries: redelivered, COMPLETED on attempt 2', async ({ expect }) => {
    // Arrange
    const { documentId, injected } = await dropWithFaults('incoming/faults/ddb-500.pdf', makePdf(['one', 'two']), (id) => [
      { service: 'dynamodb', operations: ['BatchWriteItem'], matching: id, times: 4, action: { kind: 'error', error: SERVICE_ERRORS.internalServerError } },
    ]);

    // Act
    const record = await probe.terminal(documentId, TERMINAL_WAIT_MS);

    // Assert
    await outcomes.check(
      { name: 'DynamoDB 500s, past the SDK’s retries', fault: 'InternalServerError (500) ×4 on BatchWriteItem (the pages)', expected: 'COMPLETED on attempt 2' },
      [documentId],
      injected,
      async () => {
        expect(injected()).toBe(4);
        expect(record).toMatchObject({ status: 'COMPLETED', attempts: 2, pageCount: 2 });
        expect(await probe.pages(documentId)).toHaveLength(2);
      },
    );
  });

  it('S3 SlowDown on reading the original, past the SDK’s retries: redelivered, COMPLETED on attempt 2', async ({ expect }) => {
    // Arrange
    const key = 'incoming/faults/s3-slow-down.pdf';
    const { documentId, injected } = await dropWithFaults(key, makePdf(['slow down']), () => [
      { service: 's3', operations: ['GetObject'], matching: key, times: 4, action: { kind: 'error', error: SERVICE_ERRORS.slowDown } },
    ]);

    // Act
    const record = await probe.terminal(documentId, TERMINAL_WAIT_MS);

    // Assert
    await outcomes.check(
      { name: 'S3 SlowDown on GetObject, past the SDK’s retries', fault: 'SlowDown (503) ×4 on GetObject', expected: 'COMPLETED on attempt 2' },
      [documentId],
      injected,
      async () => {
        expect(injected()).toBe(4);
        expect(record).toMatchObject({ status: 'COMPLETED', attempts: 2, pageCount: 1 });
      },
    );
  });

  it('S3 InternalError on writing spilled results, past the SDK’s retries: redelivered, COMPLETED on attempt 2 with the spill in place', async ({ expect }) => {
    // Arrange: a page too large for an item, so its text is written to S3.
    const { documentId, injected } = await dropWithFaults('incoming/faults/s3-500-spill.pdf', makePdf(['lorem ipsum '.repeat(40_000)]), (id) => [
      { service: 's3', operations: ['PutObject'], matching: `results/${id}/`, times: 4, action: { kind: 'error', error: SERVICE_ERRORS.internalError } },
    ]);

    // Act
    const record = await probe.terminal(documentId, TERMINAL_WAIT_MS);

    // Assert
    await outcomes.check(
      { name: 'S3 500s on PutObject, past the SDK’s retries', fault: 'InternalError (500) ×4 on PutObject (a spilled page)', expected: 'COMPLETED on attempt 2' },
      [documentId],
      injected,
      async () => {
        expect(injected()).toBe(4);
        expect(record).toMatchObject({ status: 'COMPLETED', attempts: 2, pageCount: 1 });
        const [page] = await probe.pages(documentId);
        expect(page?.textRef?.key).toContain(`results/${documentId}/`);
        const spilled = await local.clients.s3.send(new HeadObjectCommand({ Bucket: page!.textRef!.bucket, Key: page!.textRef!.key }));
        expect(spilled.ContentLength).toBeGreaterThan(400_000);
      },
    );
  });
});

describe.concurrent('connections cut mid-answer', () => {
  it('S3: the original’s body cut halfway is read again, COMPLETED with its full text', async ({ expect }) => {
    // Arrange
    const key = 'incoming/faults/s3-dropped.pdf';
    const { documentId, injected } = await dropWithFaults(key, makePdf(['read in full, not in half']), () => [
      { service: 's3', operations: ['GetObject'], matching: key, times: 1, action: { kind: 'drop' } },
    ]);

    // Act
    const record = await probe.terminal(documentId, TERMINAL_WAIT_MS);

    // Assert
    await outcomes.check(
      { name: 'S3 connection cut mid-body', fault: 'socket destroyed halfway through GetObject’s body ×1', expected: 'COMPLETED, full text' },
      [documentId],
      injected,
      async () => {
        expect(injected()).toBe(1);
        expect(record).toMatchObject({ status: 'COMPLETED', pageCount: 1 });
        expect((await probe.pages(documentId))[0]?.text).toContain('read in full, not in half');
      },
    );
  });

  it('DynamoDB: the claim and the completing write take effect but their answers are cut; retried, one completion recorded', async ({ expect }) => {
    // Arrange: the retries find the writes already made (their conditions no longer hold).
    const { documentId, injected } = await dropWithFaults('incoming/faults/ddb-dropped.pdf', makePdf(['written once']), (id) => [
      { service: 'dynamodb', operations: ['PutItem'], matching: id, times: 1, action: { kind: 'drop' } },
      { service: 'dynamodb', operations: ['UpdateItem'], matching: [id, 'COMPLETED'], times: 1, action: { kind: 'drop' } },
    ]);

    // Act
    const record = await probe.terminal(documentId, TERMINAL_WAIT_MS);
    await waitFor(() => documentEvents(local, documentId).length > 0, { timeoutMs: 60_000, description: 'the completion event' });
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // time for a second event to show, were there one

    // Assert
    await outcomes.check(
      { name: 'DynamoDB connections cut after the write', fault: 'socket destroyed mid-answer ×1 on PutItem (claim) and ×1 on UpdateItem (completion)', expected: 'COMPLETED, one completion event' },
      [documentId],
      injected,
      async () => {
        expect(injected()).toBe(2);
        expect(record).toMatchObject({ status: 'COMPLETED', generation: 1, pageCount: 1 });
        expect(await probe.pages(documentId)).toHaveLength(1);
        expect(documentEvents(local, documentId).map((event) => event['detail-type'])).toEqual(['Document Completed']);
      },
    );
  });

  it('SQS: the API’s purge request is sent, its answer cut and sent again; the document is purged once, nothing dead-lettered', async ({ expect }) => {
    // Arrange: a completed upload, and its owner about to delete it.
    const client = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue('faults-deleter'));
    const accepted = await uploadDirect(client, makePdf(['to be deleted']));
    const documentId = accepted.body.documentId as string;
    await documentIn(client, documentId, ['COMPLETED'], TERMINAL_WAIT_MS);
    const fault = faults.inject({ service: 'sqs', operations: ['SendMessage'], matching: documentId, times: 1, action: { kind: 'drop' } });

    // Act
    const deleted = await client.call('deleteDocument', { id: documentId });
    const tombstone = await waitFor(
      async () => {
        const current = await probe.documents.get(documentId);
        return current?.purgedAt ? current : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'the purge' },
    );

    // Assert
    await outcomes.check(
      { name: 'SQS connection cut after the send', fault: 'socket destroyed mid-answer ×1 on the API’s SendMessage (purge request)', expected: 'purged once, nothing dead-lettered' },
      [documentId],
      () => fault.injected,
      async () => {
        expect(fault.injected).toBe(1);
        expect(deleted.status).toBe(202);
        expect(tombstone).toMatchObject({ deletedAt: expect.any(String), purgedAt: expect.any(String) });
        const original = await local.clients.s3
          .send(new HeadObjectCommand({ Bucket: local.outputs.BucketName, Key: tombstone.objectKey }))
          .then(() => 'present', (error: Error) => error.name);
        expect(original).toBe('NotFound');
        const { Attributes } = await local.clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: local.runtime.api.purgeDeadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        );
        expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
      },
    );
  });
});

describe('duplicate and out-of-order S3 events', () => {
  it('the newer version’s event twice and then the older one’s: one document, the newest content, no work repeated', async ({ expect }) => {
    // Arrange: version 1 completes, then version 2 overwrites it and completes as generation 2.
    const key = 'incoming/faults/versions.pdf';
    const documentId = probe.dropFolderId(key);
    await put(key, makePdf(['version one']));
    const first = await probe.terminal(documentId, TERMINAL_WAIT_MS);
    await put(key, makePdf(['version two', 'has two pages']));
    const second = await waitFor(
      async () => {
        const record = await probe.documents.get(documentId);
        return record?.generation === 2 && record.status === 'COMPLETED' ? record : undefined;
      },
      { timeoutMs: TERMINAL_WAIT_MS, intervalMs: 200, description: 'generation 2 to complete' },
    );
    // Each completion's event follows its write through the table's stream.
    await waitFor(() => documentEvents(local, documentId).length === 2, { timeoutMs: TERMINAL_WAIT_MS, description: 'both completion events' });

    // Act: S3 delivers at least once and in no particular order.
    await sendEvent(key, second.sequencer!);
    await sendEvent(key, second.sequencer!);
    await sendEvent(key, first.sequencer!);
    await queuesDrained();
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // time for an event to show, were there one

    // Assert
    await outcomes.check(
      { name: 'Duplicate and out-of-order S3 events', fault: 'the newest event delivered twice more, then the older version’s event', expected: 'unchanged: generation 2, newest content' },
      [documentId],
      () => 3,
      async () => {
        expect(await probe.documents.get(documentId)).toEqual(second);
        const current = (await probe.pages(documentId)).filter((page) => page.generation === second.generation);
        expect(current.map((page) => page.text)).toEqual([expect.stringContaining('version two'), expect.stringContaining('has two pages')]);
        expect(documentEvents(local, documentId).map((event) => [event['detail-type'], event.detail.generation])).toEqual([
          ['Document Completed', 1],
          ['Document Completed', 2],
        ]);
        expect((await probe.allDocuments()).filter((record) => record.objectKey === key)).toHaveLength(1);
      },
    );
  });
});

/** The message S3 sends for a created object, to the drop folder's (bulk) queue. */
async function sendEvent(key: string, sequencer: string) {
  const body = objectCreatedMessage(local.outputs, key, sequencer);
  await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: local.outputs.BulkQueueUrl, MessageBody: body }));
}

async function queuesDrained() {
  await waitFor(
    async () => {
      for (const QueueUrl of [local.outputs.QueueUrl, local.outputs.BulkQueueUrl]) {
        const { Attributes } = await local.clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        );
        if (Attributes?.ApproximateNumberOfMessages !== '0' || Attributes.ApproximateNumberOfMessagesNotVisible !== '0') return false;
      }
      return true;
    },
    { timeoutMs: 90_000, description: 'the queues to drain' },
  );
}

