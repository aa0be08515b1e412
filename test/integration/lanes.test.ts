/**
 * Priority lanes end to end on the local runtime, with the real extractor: a bulk load dropped
 * into `incoming/` fills the bulk lane, and an interactive upload made behind it still completes
 * first, while bulk documents are still waiting; an upload that asks for the bulk lane lands on
 * the bulk queue, behind the load, and completes in its turn.
 *
 * Only order and state are asserted, never durations.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTarget, type OpsTarget } from '../../cli/ops/target.js';
import { parseS3Message } from '../../lambdas/extract/s3-event.js';
import { TERMINAL_STATUSES } from '../../lambdas/shared/contract.js';
import { ApiClient } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';

/**
 * The load: enough multi-page documents that the bulk lane (two at a time in dev) needs many
 * rounds, so documents are still queued in it when an interactive upload made after it is done.
 */
const BULK_DOCUMENTS = 24;
const BULK_PAGES = 120;

let local: TestRuntime;
let probe: PipelineProbe;
let target: OpsTarget;
let alice: ApiClient;

beforeAll(async () => {
  local = await startTestRuntime();
  probe = new PipelineProbe(local);
  target = localTarget(local.stateDir);
  alice = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue('alice'));
});

afterAll(async () => {
  target?.destroy();
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

/** The object keys the messages now on a queue (waiting or in flight) name. */
async function keysOnQueue(queueUrl: string): Promise<string[]> {
  const messages = await target.inspectQueue!(queueUrl);
  return messages.flatMap((message) => {
    const parsed = parseS3Message(message.body);
    return parsed.kind === 'objects-created' ? parsed.objects.map((object) => object.key) : [];
  });
}

describe('priority lanes', () => {
  const bulkKeys = Array.from({ length: BULK_DOCUMENTS }, (_, index) => `incoming/alice/load/part-${String(index).padStart(3, '0')}.pdf`);
  const bulkIds = () => bulkKeys.map((key) => probe.dropFolderId(key));
  const unfinished = async () => {
    const records = await Promise.all(bulkIds().map((id) => probe.documents.get(id)));
    return records.filter((record) => !record || !TERMINAL_STATUSES.includes(record.status)).length;
  };
  let bulkUpload: string;

  it('completes an interactive upload while a bulk load dropped before it is still queued', async () => {
    // Arrange: the load, dropped into the drop folder, and the bulk lane at work on it.
    const pages = Array.from({ length: BULK_PAGES }, (_, page) => `Quarterly ledger, page ${page + 1}. `.repeat(40));
    for (const [index, key] of bulkKeys.entries()) {
      await local.clients.s3.send(
        new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: makePdf(pages, { title: `part ${index}` }) }),
      );
    }
    await waitFor(async () => (await keysOnQueue(local.outputs.BulkQueueUrl)).length >= BULK_DOCUMENTS / 2, {
      timeoutMs: 90_000,
      description: 'the load to be queued in the bulk lane',
    });
    await waitFor(async () => (await Promise.all(bulkIds().map((id) => probe.documents.get(id)))).some(Boolean), {
      timeoutMs: 60_000,
      description: 'the bulk lane to start on the load',
    });

    // Act: one upload as a person makes it, one asking for the bulk lane.
    const interactive = await uploadDirect(alice, makePdf(['Signed contract, please file.']), { filename: 'contract.pdf' });
    const bulk = await alice.call('uploadDocument', {
      body: makePdf(['An archive scan, no hurry.']),
      headers: { 'Content-Type': 'application/pdf' },
      query: { filename: 'archive.pdf', lane: 'bulk' },
    });
    bulkUpload = bulk.body.documentId;
    const completed = await documentIn(alice, interactive.body.documentId, ['COMPLETED', 'FAILED'], 60_000);
    const stillQueued = await unfinished();

    // Assert: the interactive document is done, and the load it arrived behind is not.
    expect(completed).toMatchObject({ status: 'COMPLETED', lane: 'interactive', pageCount: 1 });
    expect(stillQueued).toBeGreaterThan(0);
    expect((await alice.call('getDocument', { id: bulkUpload })).body.status).toBe('QUEUED');
  }, 180_000);

  it('puts an upload that asked for the bulk lane on the bulk queue, behind the load, and completes it there', async () => {
    // Assert: its notification is on the bulk queue, never on the interactive one.
    const key = `bulk-uploads/alice/${bulkUpload}.pdf`;
    const onBulkQueue = await waitFor(async () => (await keysOnQueue(local.outputs.BulkQueueUrl)).includes(key) || undefined, {
      timeoutMs: 90_000,
      description: 'the bulk upload on the bulk queue',
    }).catch(() => false);
    const completed = await documentIn(alice, bulkUpload, ['COMPLETED', 'FAILED'], 240_000);

    expect(onBulkQueue).toBe(true);
    expect(await keysOnQueue(local.outputs.QueueUrl)).not.toContain(key);
    expect(completed).toMatchObject({ status: 'COMPLETED', lane: 'bulk', source: 'api', pageCount: 1 });
  }, 300_000);

  it('finishes the whole load in the bulk lane', async () => {
    // Act
    await waitFor(async () => (await unfinished()) === 0, { timeoutMs: 300_000, intervalMs: 1_000, description: 'the load to finish' });
    const records = await Promise.all(bulkIds().map((id) => probe.documents.get(id)));

    // Assert
    for (const record of records) expect(record).toMatchObject({ status: 'COMPLETED', lane: 'bulk', pageCount: BULK_PAGES });
  }, 360_000);
});
