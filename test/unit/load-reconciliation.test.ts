import { describe, expect, it } from 'vitest';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { loadFigures } from '../reliability/load/load-figures.js';
import type { PlannedUpload } from '../reliability/load/load-plan.js';
import { reconcileLoad, type Submission } from '../reliability/load/load-reconciliation.js';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');

const direct: PlannedUpload = {
  index: 0,
  path: 'direct',
  ownerId: 'u1',
  lane: 'interactive',
  filename: 'direct-00000.pdf',
  content: { kind: 'generated', pages: 3 },
  expected: { status: 'COMPLETED', pageCount: 3 },
};
const drop: PlannedUpload = {
  index: 1,
  path: 'drop',
  ownerId: 'u2',
  lane: 'bulk',
  filename: 'drop-00000.pdf',
  dropKey: 'incoming/u2/load/drop-00000.pdf',
  content: { kind: 'corpus', file: '907-hostile-html-renamed.pdf' },
  expected: { status: 'FAILED', code: 'NOT_A_PDF' },
};

const submitted = (upload: PlannedUpload, extra: Partial<Submission> = {}): Submission => ({
  upload,
  startedAt: T0 + upload.index * 100,
  uploadMs: 50,
  accepted: true,
  ...(upload.path === 'drop' ? {} : { documentId: `doc-${upload.index}` }),
  ...extra,
});

const record = (overrides: Partial<DocumentRecord>): DocumentRecord => ({
  documentId: 'doc-0',
  ownerId: 'u1',
  status: 'COMPLETED',
  source: 'api',
  lane: 'interactive',
  pageCount: 3,
  generation: 1,
  attempts: 1,
  createdAt: new Date(T0).toISOString(),
  updatedAt: new Date(T0 + 2_000).toISOString(),
  ...overrides,
});
const dropRecord = (overrides: Partial<DocumentRecord> = {}) =>
  record({ documentId: 'drop-id', ownerId: 'u2', source: 'drop-folder', sourceKey: drop.dropKey, status: 'FAILED', pageCount: undefined, error: { code: 'NOT_A_PDF', message: 'no header' } as DocumentRecord['error'], ...overrides });

const reconcile = (submissions: Submission[], records: DocumentRecord[], deadLettered = 0) =>
  reconcileLoad({ submissions, records, deadLettered, dropFolderId: (key) => `derived:${key}` });

describe('reconcileLoad', () => {
  it('passes when each upload has one record in its expected state, found by id or by owner and key', () => {
    const { reconciliation } = reconcile([submitted(direct), submitted(drop)], [record({}), dropRecord()]);

    expect(reconciliation).toMatchObject({ planned: 2, accepted: 2, asExpected: 2, lost: 0, extraRecords: 0, passed: true, discrepancies: [] });
  });

  it('counts an accepted upload with no record, or one never terminal, as lost, by id', () => {
    const { reconciliation } = reconcile([submitted(direct), submitted(drop)], [record({ status: 'PROCESSING' })]);

    expect(reconciliation.lost).toBe(2);
    expect(reconciliation.lostDocumentIds).toEqual(['doc-0', 'derived:incoming/u2/load/drop-00000.pdf']);
    expect(reconciliation.discrepancies.map((entry) => entry.problem)).toEqual(['still PROCESSING', 'no document record']);
    expect(reconciliation.passed).toBe(false);
  });

  it('does not take a drop-folder record of another owner for the key', () => {
    const { reconciliation } = reconcile([submitted(drop)], [dropRecord({ ownerId: 'someone-else' })]);

    expect(reconciliation).toMatchObject({ lost: 1, extraRecords: 1, passed: false });
  });

  it('fails on two records for one dropped object', () => {
    const { reconciliation } = reconcile([submitted(drop)], [dropRecord(), dropRecord({ documentId: 'drop-id-2' })]);

    expect(reconciliation).toMatchObject({ duplicated: 1, lost: 0, passed: false });
    expect(reconciliation.discrepancies[0]!.problem).toBe('2 records: drop-id, drop-id-2');
  });

  it('fails on a terminal state other than the expected one: status, failure code or page count', () => {
    for (const wrong of [record({ status: 'FAILED', error: { code: 'CORRUPT' } as DocumentRecord['error'] }), record({ pageCount: 2 })]) {
      const { reconciliation } = reconcile([submitted(direct)], [wrong]);

      expect(reconciliation).toMatchObject({ unexpectedState: 1, lost: 0, passed: false });
    }
    const { reconciliation } = reconcile([submitted(drop)], [dropRecord({ error: { code: 'CORRUPT' } as DocumentRecord['error'] })]);
    expect(reconciliation.discrepancies[0]!.problem).toBe('ended FAILED CORRUPT, expected FAILED NOT_A_PDF');
  });

  it('fails on a record of the run’s owners that no upload accounts for', () => {
    const { reconciliation } = reconcile([submitted(direct)], [record({}), record({ documentId: 'stray', filename: 'stray.pdf' })]);

    expect(reconciliation).toMatchObject({ asExpected: 1, extraRecords: 1, passed: false });
    expect(reconciliation.discrepancies[0]).toMatchObject({ documentId: 'stray', filename: 'stray.pdf' });
  });

  it('fails on a refused upload and on a dead letter, though every record is as expected', () => {
    expect(reconcile([submitted(direct, { accepted: false, uploadMs: undefined, refusal: 'HTTP 429 QUOTA_EXCEEDED' })], [record({})]).reconciliation).toMatchObject({
      refused: 1,
      accepted: 0,
      extraRecords: 0,
      passed: false,
    });
    expect(reconcile([submitted(direct)], [record({})], 1).reconciliation).toMatchObject({ asExpected: 1, deadLettered: 1, passed: false });
  });
});

describe('loadFigures', () => {
  it('times each path from its first request to the COMPLETED write, and the throughput over the whole run', () => {
    const { reconciliation, matched } = reconcile([submitted(direct), submitted(drop)], [record({}), dropRecord({ updatedAt: new Date(T0 + 4_000).toISOString() })]);

    const figures = loadFigures({
      source: 'test',
      settings: { documents: 2, mix: { direct: 1, presigned: 0, drop: 1 }, rate: 10, concurrency: 2, owners: 2 },
      matched,
      reconciliation,
      submittedAt: T0 + 200,
    });

    expect(figures.paths.find((path) => path.path === 'direct')).toMatchObject({ planned: 1, completed: 1, toCompleted: { count: 1, p50Ms: 2_000, p99Ms: 2_000 } });
    expect(figures.paths.find((path) => path.path === 'drop')).toMatchObject({ planned: 1, completed: 0, failedAsExpected: 1, toCompleted: { count: 0 } });
    expect(figures.wallClockMs).toBe(4_000);
    expect(figures.throughput).toEqual({ documents: 2, pages: 3, documentsPerSecond: 0.5, pagesPerSecond: 0.75 });
    expect(figures.reconciliation).toEqual({ accepted: 2, terminal: 2, lost: 0, deadLettered: 0, lostDocumentIds: [] });
    expect(figures.passed).toBe(true);
  });
});
