/**
 * Reprocessing end to end over HTTP against the local runtime: a COMPLETED document goes back
 * through the extraction queue as generation 2 (the route and the operators' command share one
 * core), its new pages replace the old, and generation 2 ends in exactly one document event.
 * Documents on their way answer 409, another user's the missing-document 404. Also the
 * authenticated health detail.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprocessOnTarget } from '../../cli/commands/reprocess.js';
import { localTarget } from '../../cli/ops/target.js';
import { ADMIN_GROUP } from '../../lambdas/shared/contract.js';
import type { DocumentEventDetail } from '../../lambdas/shared/document-events.js';
import { ApiClient } from '../support/api-client.js';
import { createUpload, documentIn, uploadDirect } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';

let local: TestRuntime;
let probe: PipelineProbe;
let alice: ApiClient;
let bob: ApiClient;

beforeAll(async () => {
  local = await startTestRuntime();
  probe = new PipelineProbe(local);
  alice = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue('alice'));
  bob = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue('bob'));
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

function eventsOf(documentId: string): { 'detail-type': string; detail: DocumentEventDetail }[] {
  const file = local.outputs.EventLog;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { 'detail-type': string; detail: DocumentEventDetail })
    .filter((event) => event.detail.documentId === documentId);
}

async function completedDocument(pages: string[]): Promise<string> {
  const accepted = await uploadDirect(alice, makePdf(pages));
  const record = await documentIn(alice, accepted.body.documentId, ['COMPLETED', 'FAILED']);
  expect(record.status).toBe('COMPLETED');
  return record.documentId as string;
}

describe('POST /v1/documents/{id}/reprocess', () => {
  it('queues a COMPLETED document as generation 2, which completes again with its pages and one more event', async () => {
    // Arrange
    const documentId = await completedDocument(['first page of the report', 'second page']);
    await waitFor(() => eventsOf(documentId).length === 1, { timeoutMs: 60_000, description: 'the first completion event' });

    // Act
    const accepted = await alice.call('reprocessDocument', { id: documentId });
    const completed = await documentIn(alice, documentId, ['COMPLETED', 'FAILED']);
    const record = await probe.documents.get(documentId);
    const pages = await alice.call('listDocumentPages', { id: documentId });
    await waitFor(() => eventsOf(documentId).length === 2, { timeoutMs: 60_000, description: 'the generation 2 completion event' });

    // Assess
    expect(accepted).toMatchObject({ status: 202, body: { documentId, status: 'QUEUED', generation: 2 } });
    expect(completed).toMatchObject({ status: 'COMPLETED', pageCount: 2 });
    expect(record).toMatchObject({ generation: 2, attempts: 1, status: 'COMPLETED' });
    expect(pages.body.pages.map((page: { text: string }) => page.text)).toEqual([
      expect.stringContaining('first page of the report'),
      expect.stringContaining('second page'),
    ]);
    // Generation 2 has both pages; generation 1's stay beside them until the document is deleted.
    const items = await probe.pages(documentId);
    expect(items.filter((page) => page.generation === 2).map((page) => page.pageNumber)).toEqual([1, 2]);
    expect(eventsOf(documentId).map((event) => [event['detail-type'], event.detail.generation])).toEqual([
      ['Document Completed', 1],
      ['Document Completed', 2],
    ]);
  });

  it('answers 409 DOCUMENT_BUSY while the document is UPLOADING, QUEUED or PROCESSING', async () => {
    // Arrange: an upload never sent, and a completed document put back on its way
    const uploading = await createUpload(alice, 'later.pdf', 1000);
    const documentId = await completedDocument(['busy']);
    const answers: Record<string, number> = {};

    // Act
    answers.UPLOADING = (await alice.call('reprocessDocument', { id: uploading.body.documentId })).status;
    for (const status of ['QUEUED', 'PROCESSING'] as const) {
      const record = (await probe.documents.get(documentId))!;
      expect(await probe.documents.transition(documentId, { generation: record.generation, status: record.status }, { status })).toBe(true);
      const answer = await alice.call('reprocessDocument', { id: documentId });
      expect(answer.body.error.code).toBe('DOCUMENT_BUSY');
      answers[status] = answer.status;
    }

    // Assess
    expect(answers).toEqual({ UPLOADING: 409, QUEUED: 409, PROCESSING: 409 });
    expect((await probe.documents.get(documentId))!.generation).toBe(1);
  });

  it('answers the missing-document 404 to another user and leaves the document alone', async () => {
    const documentId = await completedDocument(['mine']);

    const answer = await bob.call('reprocessDocument', { id: documentId });

    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await probe.documents.get(documentId)).toMatchObject({ status: 'COMPLETED', generation: 1 });
  });

  it('the operators’ command does the same through the same core, for any owner', async () => {
    const documentId = await completedDocument(['by an operator']);
    const target = localTarget(local.stateDir);

    try {
      const outcome = await reprocessOnTarget(target, documentId);
      await waitFor(async () => (await probe.documents.get(documentId))?.status === 'COMPLETED' && eventsOf(documentId).length === 2, {
        timeoutMs: 60_000,
        description: 'the reprocessed document to complete',
      });

      expect(outcome).toEqual({ kind: 'queued', documentId, generation: 2 });
      expect(await reprocessOnTarget(target, '00000000-0000-4000-8000-000000000000')).toEqual({ kind: 'not-found' });
    } finally {
      target.destroy();
    }
  });
});

describe('GET /v1/health/detail', () => {
  it('needs an admin token, then reports both queues and the documents by status', async () => {
    const admin = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue('root', { groups: [ADMIN_GROUP] }));

    const anonymous = await alice.call('getHealthDetail', { token: null });
    const ordinaryUser = await alice.call('getHealthDetail');
    const detail = await admin.call('getHealthDetail');

    expect(anonymous.status).toBe(401);
    expect(ordinaryUser.status).toBe(403);
    expect(detail.status).toBe(200);
    expect(detail.body.queues.deadLetter).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(detail.body.documents.complete).toBe(true);
    expect(detail.body.documents.byStatus.COMPLETED).toBeGreaterThanOrEqual(1);
    expect(detail.body.documents.total).toBe((await probe.allDocuments()).length);
  });
});
