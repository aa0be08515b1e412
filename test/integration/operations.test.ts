/**
 * Operating the pipeline on the local runtime: document events (one per terminal transition and
 * generation, none for duplicates, none repeated by a restart), DLQ redrive (a document
 * re-driven after transient failures completes; a POISON document gets a fresh set of attempts;
 * one that keeps failing ends FAILED/POISON back in the DLQ, once), and the stats.
 *
 * Notifications are sent by the test (the forwarder is off), so each scenario decides exactly
 * which events reach the queue, with which sequencer. The redelivery clock (the visibility
 * timeout) is a few seconds, so five failed deliveries fit in a test; a delivery that takes longer
 * (a cold start on a busy machine) may be received twice at once, which the pipeline handles like
 * any duplicate, so assertions never depend on exact attempt counts beyond what the rules fix.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redrive } from '../../cli/commands/redrive.js';
import { collectStats } from '../../cli/commands/stats.js';
import { localTarget } from '../../cli/ops/target.js';
import { deriveDocumentId } from '../../lambdas/extract/document-id.js';
import type { DocumentEventDetail } from '../../lambdas/shared/document-events.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import type { BusEvent } from '../../local/event-bus.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { objectCreatedMessage } from '../support/s3-notification.js';

/**
 * A visibility timeout of seconds, so failed attempts come back within a test; longer than a
 * warm extraction takes on a saturated machine, so only failures cause redeliveries.
 */
const RUNTIME_OPTIONS = { forwardNotifications: false, queueVisibilityTimeoutSeconds: 8 } as const;

let local: TestRuntime;
let probe: PipelineProbe;

/** Starts the runtime and warms an execution environment with the S3 test event. */
async function start(stateDir?: string) {
  local = await startTestRuntime({ ...RUNTIME_OPTIONS, stateDir });
  probe = new PipelineProbe(local);
  await send(local.outputs.QueueUrl, JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: local.outputs.BucketName }));
  await waitFor(
    async () => {
      const queue = await depth(local.outputs.QueueUrl);
      return queue.visible === 0 && queue.inFlight === 0;
    },
    { timeoutMs: 60_000, description: 'the warm-up message to be consumed' },
  );
}

beforeAll(async () => {
  await start();
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

type Event = BusEvent & { detail: DocumentEventDetail };

function events(): Event[] {
  const file = local.outputs.EventLog;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Event);
}

const eventsOf = (documentId: string) => events().filter((event) => event.detail.documentId === documentId);

async function put(key: string, body: Uint8Array | string) {
  await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: body }));
}

/** The message S3 sends for a created object. */
function notification(key: string, sequencer: string, bucket = local.outputs.BucketName) {
  return objectCreatedMessage(local.outputs, key, sequencer, { bucket });
}

async function send(queueUrl: string, body: string) {
  await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}

async function depth(queueUrl: string) {
  const { Attributes = {} } = await local.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
}

/** The queue drained, and the event log unchanged over a few stream polls. */
async function settled() {
  await waitFor(
    async () => {
      const queues = await Promise.all([depth(local.outputs.QueueUrl), depth(local.outputs.BulkQueueUrl)]);
      return queues.every((queue) => queue.visible === 0 && queue.inFlight === 0);
    },
    { timeoutMs: 90_000, description: 'the queues to drain' },
  );
  let last = -1;
  await waitFor(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      const count = events().length;
      const stable = count === last;
      last = count;
      return stable;
    },
    { timeoutMs: 60_000, description: 'the event log to settle' },
  );
}

/** A document record as the pipeline would have left it. */
async function recordAs(documentId: string, key: string, sequencer: string, fields: Partial<DocumentRecord>) {
  const now = new Date().toISOString();
  await probe.documents.create({
    documentId,
    ownerId: key.split('/')[1],
    source: 'drop-folder',
    lane: 'bulk',
    status: 'PROCESSING',
    bucket: local.outputs.BucketName,
    objectKey: key,
    sourceKey: key,
    sequencer,
    generation: 1,
    attempts: 1,
    createdAt: now,
    updatedAt: now,
    ...fields,
  });
}

describe('document events', () => {
  it('emit exactly one event per terminal transition and generation, none for duplicates or a restart', async () => {
    // Arrange: a completed PDF, a non-PDF, an ownerless file, and a PDF overwritten once.
    const completed = 'incoming/ev-user/report.pdf';
    const notPdf = 'incoming/ev-user/page.pdf';
    const ownerless = 'incoming/stray.pdf';
    const overwritten = 'incoming/ev-user/twice.pdf';
    await put(completed, makePdf(['first', 'second', 'third']));
    await put(notPdf, '<html>not a pdf</html>');
    await put(ownerless, makePdf(['stray']));
    await put(overwritten, makePdf(['version one']));
    for (const key of [completed, notPdf, ownerless, overwritten]) await send(local.outputs.QueueUrl, notification(key, '0010'));
    const ids = Object.fromEntries(
      [completed, notPdf, ownerless, overwritten].map((key) => [key, probe.dropFolderId(key)]),
    ) as Record<string, string>;
    await probe.terminal(ids[overwritten]!);

    // Act: the object is overwritten (a newer sequencer), and a duplicate of an old event arrives.
    await put(overwritten, makePdf(['version two', 'with two pages']));
    await send(local.outputs.QueueUrl, notification(overwritten, '0020'));
    await waitFor(async () => (await probe.documents.get(ids[overwritten]!))?.generation === 2 && eventsOf(ids[overwritten]!).length === 2, {
      timeoutMs: 90_000,
      description: 'the second generation to complete',
    });
    await send(local.outputs.QueueUrl, notification(completed, '0010'));
    await settled();

    // Assert
    const summary = (documentId: string) =>
      eventsOf(documentId).map((event) => [event['detail-type'], event.detail.generation, event.detail.errorCode ?? event.detail.pageCount]);
    expect(summary(ids[completed]!)).toEqual([['Document Completed', 1, 3]]);
    expect(summary(ids[notPdf]!)).toEqual([['Document Failed', 1, 'NOT_A_PDF']]);
    expect(summary(ids[ownerless]!)).toEqual([['Document Failed', 1, 'NO_OWNER']]);
    expect(summary(ids[overwritten]!)).toEqual([
      ['Document Completed', 1, 1],
      ['Document Completed', 2, 2],
    ]);
    const [event] = eventsOf(ids[completed]!);
    expect(event).toMatchObject({ source: 'pdf-pipeline.dev', detail: { ownerId: 'ev-user', status: 'COMPLETED' } });

    // Act: a restart on the same state resumes the stream where it stopped.
    const before = events().length;
    await local.stop();
    await start(local.stateDir);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    // Assert
    expect(events()).toHaveLength(before);
    const keys = events().map((logged) => logged.detail.eventKey);
    expect(new Set(keys).size).toBe(keys.length);
  }, 180_000);
});

describe('redrive (local)', () => {
  const output: string[] = [];
  const print = (line: string) => output.push(line);

  it('shows what the DLQ holds, with each document and its last error, and a dry run moves nothing', async () => {
    // Arrange: a document whose attempts failed transiently until its message was dead-lettered
    // (DynamoDB throttling, say), still PROCESSING with its last error.
    const key = 'incoming/rd-user/throttled.pdf';
    const documentId = probe.dropFolderId(key);
    await put(key, makePdf(['worth the wait']));
    await recordAs(documentId, key, '0010', { attempts: 2, lastError: 'ThrottlingException: Rate exceeded' });
    await send(local.outputs.BulkDeadLetterQueueUrl, notification(key, '0010'));

    // Act
    const outcome = await redrive({ stateDir: local.stateDir, dryRun: true }, print);

    // Assert: drop-folder documents are the bulk lane's, and so is their dead-letter queue.
    const bulk = outcome.lanes.bulk!;
    expect(outcome.lanes.interactive?.plan.messages).toBe(0);
    expect(bulk.report.depth.visible).toBe(1);
    expect(bulk.report.depth.oldestAgeMs).toBeGreaterThanOrEqual(0);
    expect(bulk.report.samples[0]?.documents).toEqual([
      expect.objectContaining({ documentId, key, status: 'PROCESSING', attempts: 2, lastError: 'ThrottlingException: Rate exceeded' }),
    ]);
    expect(bulk.plan).toMatchObject({ strategy: 'receive-send-delete', messages: 1, dryRun: true });
    expect(bulk.result).toBeUndefined();
    expect(output).toContain('Nothing to redrive in the interactive lane.');
    expect(output.join('\n')).toContain('last error: ThrottlingException: Rate exceeded');
    expect(await depth(local.outputs.BulkDeadLetterQueueUrl)).toEqual({ visible: 1, inFlight: 0 });
  });

  it('moves the messages back: a document re-driven after transient failures completes', async () => {
    // Arrange: the message from the previous test, plus one whose document never got recorded.
    const throttled = probe.dropFolderId('incoming/rd-user/throttled.pdf');
    const unrecorded = 'incoming/rd-user/unrecorded.pdf';
    await put(unrecorded, makePdf(['never recorded']));
    await send(local.outputs.BulkDeadLetterQueueUrl, notification(unrecorded, '0010'));

    // Act
    const outcome = await redrive({ stateDir: local.stateDir, maxPerSecond: 5 }, print);

    // Assert
    expect(outcome.lanes.bulk?.result).toMatchObject({ strategy: 'receive-send-delete', moved: 2 });
    // Its attempts went on counting from where they were (it was not given up).
    const done = await probe.terminal(throttled, 30_000);
    expect(done).toMatchObject({ status: 'COMPLETED', generation: 1, pageCount: 1 });
    expect(done.attempts).toBeGreaterThanOrEqual(3);
    expect(await probe.terminal(probe.dropFolderId(unrecorded), 30_000)).toMatchObject({ status: 'COMPLETED', generation: 1 });
    expect(await depth(local.outputs.BulkDeadLetterQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
    await waitFor(() => eventsOf(throttled).length === 1, { timeoutMs: 60_000, description: 'the completion event' });
  }, 180_000);

  it('gives a POISON document a fresh set of attempts: it completes, with one event per terminal transition', async () => {
    // Arrange: a document given up as POISON (its attempts crashed), its message in the DLQ.
    const key = 'incoming/rd-user/poisoned.pdf';
    const documentId = probe.dropFolderId(key);
    await put(key, makePdf(['back from the dead']));
    await recordAs(documentId, key, '0010', {
      status: 'FAILED',
      attempts: 5,
      error: { code: 'POISON', message: 'Gave up after 4 attempts that did not finish.' },
    });
    await send(local.outputs.BulkDeadLetterQueueUrl, notification(key, '0010'));

    // Act
    await redrive({ stateDir: local.stateDir }, print);
    const record = await waitFor(
      async () => {
        const current = await probe.documents.get(documentId);
        return current?.status === 'COMPLETED' && current;
      },
      { timeoutMs: 90_000, description: 'the revived document to complete' },
    );

    // Assert: revived in the same generation, attempts counted afresh (they stood at 5).
    expect(record).toMatchObject({ generation: 1, pageCount: 1 });
    expect(record.attempts).toBeLessThan(5);
    expect(record.error).toBeUndefined();
    await waitFor(() => eventsOf(documentId).length === 2, { timeoutMs: 60_000, description: 'the completion event' });
    expect(eventsOf(documentId).map((event) => [event['detail-type'], event.detail.errorCode ?? event.detail.status])).toEqual([
      ['Document Failed', 'POISON'],
      ['Document Completed', 'COMPLETED'],
    ]);
  }, 180_000);

  it('ends a document that keeps failing FAILED/POISON and back in the DLQ once, without looping', async () => {
    // Arrange: its object lives in a bucket that does not exist, so every read fails (not as
    // "missing": as an error worth retrying) and every attempt fails.
    const bucket = 'pdf-pipeline-gone';
    const key = 'incoming/rd-user/unreadable.pdf';
    const documentId = deriveDocumentId(bucket, key, undefined);
    await recordAs(documentId, key, '0010', {
      bucket,
      status: 'FAILED',
      attempts: 5,
      error: { code: 'POISON', message: 'Gave up after 4 attempts.' },
    });
    await send(local.outputs.BulkDeadLetterQueueUrl, notification(key, '0010', bucket));

    // Act
    await redrive({ stateDir: local.stateDir }, print);
    await waitFor(async () => (await depth(local.outputs.BulkDeadLetterQueueUrl)).visible === 1, {
      timeoutMs: 240_000,
      intervalMs: 250,
      description: 'the message to come back to the DLQ',
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // time for a loop to show, were there one

    // Assert
    const record = await probe.documents.get(documentId);
    expect(record).toMatchObject({ status: 'FAILED', error: { code: 'POISON' }, generation: 1 });
    expect(record?.error?.message).toMatch(/NoSuchBucket/);
    expect(await depth(local.outputs.BulkQueueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await depth(local.outputs.BulkDeadLetterQueueUrl)).toEqual({ visible: 1, inFlight: 0 });
    await waitFor(() => eventsOf(documentId).length === 2, { timeoutMs: 60_000, description: 'the failure event' });
    expect(eventsOf(documentId).map((event) => event.detail.errorCode)).toEqual(['POISON', 'POISON']);
  }, 360_000);
});

describe('stats', () => {
  it('counts the queues, the documents by status and error code, and the events', async () => {
    // Arrange
    await settled();
    const target = localTarget(local.stateDir);

    // Act
    const stats = await collectStats(target).finally(() => target.destroy());
    const all = (await probe.allDocuments()).filter((record) => record.deletedAt === undefined);

    // Assert
    expect(stats.lanes.bulk?.deadLetterQueue).toMatchObject({ visible: 1, inFlight: 0 });
    expect(stats.lanes.bulk?.deadLetterQueue.oldestAgeMs).toBeGreaterThan(0);
    expect(stats.lanes.bulk?.queue).toMatchObject({ visible: 0, inFlight: 0 });
    expect(stats.lanes.interactive).toMatchObject({ queue: { visible: 0, inFlight: 0 }, deadLetterQueue: { visible: 0, inFlight: 0 } });
    expect(stats.documents.total).toBe(all.length);
    expect(stats.documents.byStatus.COMPLETED).toBe(all.filter((record) => record.status === 'COMPLETED').length);
    expect(stats.documents.failedByCode).toEqual({ NOT_A_PDF: 1, NO_OWNER: 1, POISON: 1 });
    const logged = events();
    expect(stats.events.byType).toEqual({
      'Document Completed': logged.filter((event) => event['detail-type'] === 'Document Completed').length,
      'Document Failed': logged.filter((event) => event['detail-type'] === 'Document Failed').length,
    });
    expect(stats.events.failedBatches).toBe(0);
  });

  it('is what `npm run stats`, `redrive --dry-run` and `events` print', async () => {
    // Arrange
    const cli = fileURLToPath(new URL('../../bin/pdf-pipeline.js', import.meta.url));
    const run = (...args: string[]) => promisify(execFile)(process.execPath, [cli, ...args], { timeout: 30_000 });

    // Act
    const [stats, bulkStats, dryRun, followed] = await Promise.all([
      run('stats', '--state-dir', local.stateDir),
      run('stats', '--lane', 'bulk', '--state-dir', local.stateDir),
      run('redrive', '--dry-run', '--lane', 'bulk', '--state-dir', local.stateDir),
      run('events', '--no-follow', '--lines', '2', '--state-dir', local.stateDir),
    ]);

    // Assert
    expect(stats.stdout).toMatch(/interactive dead-letter queue\s+0 waiting/);
    expect(stats.stdout).toMatch(/bulk dead-letter queue\s+1 waiting/);
    expect(stats.stdout).toMatch(/FAILED\s+\d+\s+.*POISON 1/);
    expect(bulkStats.stdout).not.toContain('interactive');
    expect(dryRun.stdout).toContain("Would move 1 message(s) back to the bulk lane's extraction queue by receive, send and delete");
    expect(dryRun.stdout).not.toContain('interactive lane');
    expect(followed.stdout.trim().split('\n')).toHaveLength(2);
    expect(followed.stdout).toMatch(/Document (Completed|Failed)/);
  });
});
