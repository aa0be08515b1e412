/**
 * The load run's exact account: every accepted upload against the document records its owners
 * have. Pure: the runner gathers submissions and records, this decides what they add up to.
 *
 * An API upload is found by the `documentId` the API answered; a drop-folder object by its owner
 * and key (`sourceKey`), since nothing answers a PutObject with an id.
 */
import { TERMINAL_STATUSES } from '../../../lambdas/shared/contract.js';
import type { DocumentRecord } from '../../../lambdas/shared/document-model.js';
import type { ExpectedState, PlannedUpload, UploadPath } from './load-plan.js';

export interface Submission {
  readonly upload: PlannedUpload;
  /** Epoch ms when the first request of the upload was sent. */
  readonly startedAt: number;
  /** How long the upload's requests took, in ms (absent when refused). */
  readonly uploadMs?: number;
  /** Set when the pipeline took the upload on (202/201 and a stored object; a stored drop object). */
  readonly accepted: boolean;
  /** API uploads: the id the API answered. */
  readonly documentId?: string;
  /** Why an upload was not accepted: the HTTP status and code, or the error. */
  readonly refusal?: string;
}

export type Verdict =
  | { readonly kind: 'ok'; readonly record: DocumentRecord }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-terminal'; readonly record: DocumentRecord }
  | { readonly kind: 'duplicated'; readonly records: readonly DocumentRecord[] }
  | { readonly kind: 'unexpected-state'; readonly record: DocumentRecord; readonly expected: ExpectedState };

export interface Discrepancy {
  readonly path: UploadPath;
  readonly filename: string;
  readonly ownerId: string;
  readonly documentId?: string;
  readonly problem: string;
}

export interface LoadReconciliation {
  readonly planned: number;
  readonly accepted: number;
  /** Uploads the API or S3 did not take (none expected). */
  readonly refused: number;
  /** Accepted uploads in their expected terminal state, with exactly one record. */
  readonly asExpected: number;
  /** Accepted uploads with no record, or whose record never reached COMPLETED or FAILED. */
  readonly lost: number;
  readonly duplicated: number;
  /** Terminal, but not in the expected state (status, failure code or page count). */
  readonly unexpectedState: number;
  /** Records of the run's owners that no upload accounts for. */
  readonly extraRecords: number;
  readonly deadLettered: number;
  readonly expectedDeadLettered: number;
  /** Ids of the lost documents (for the drop folder, the id its key derives, or the key when there is no record). */
  readonly lostDocumentIds: readonly string[];
  readonly discrepancies: readonly Discrepancy[];
  /** Everything accounted for, nothing extra, and the dead-letter queues as expected. */
  readonly passed: boolean;
}

export interface MatchedSubmission {
  readonly submission: Submission;
  readonly verdict: Verdict;
}

const isTerminal = (record: DocumentRecord) => TERMINAL_STATUSES.includes(record.status);

/** Whether a terminal record is in the state the plan expects. */
export function meetsExpectation(record: DocumentRecord, expected: ExpectedState): boolean {
  if (record.status !== expected.status) return false;
  return expected.status === 'FAILED' ? record.error?.code === expected.code : record.pageCount === expected.pageCount;
}

const describeRecord = (record: DocumentRecord) =>
  record.status === 'FAILED' ? `FAILED ${record.error?.code ?? '?'}` : `${record.status}${record.pageCount === undefined ? '' : ` (${record.pageCount} pages)`}`;
const describeExpected = (expected: ExpectedState) =>
  expected.status === 'FAILED' ? `FAILED ${expected.code}` : `COMPLETED (${expected.pageCount} pages)`;

/** The records that belong to one submission, by id (API) or by owner and key (drop folder). */
function recordsOf(submission: Submission, byId: ReadonlyMap<string, DocumentRecord>, byDropKey: ReadonlyMap<string, DocumentRecord[]>): DocumentRecord[] {
  const { upload } = submission;
  if (upload.path === 'drop') return byDropKey.get(`${upload.ownerId}\n${upload.dropKey}`) ?? [];
  const record = submission.documentId === undefined ? undefined : byId.get(submission.documentId);
  return record ? [record] : [];
}

export function judge(submission: Submission, records: readonly DocumentRecord[]): Verdict {
  if (!submission.accepted) return { kind: 'refused', reason: submission.refusal ?? 'not accepted' };
  if (records.length === 0) return { kind: 'missing' };
  if (records.length > 1) return { kind: 'duplicated', records };
  const record = records[0]!;
  if (!isTerminal(record)) return { kind: 'not-terminal', record };
  if (!meetsExpectation(record, submission.upload.expected)) return { kind: 'unexpected-state', record, expected: submission.upload.expected };
  return { kind: 'ok', record };
}

function problemOf(verdict: Verdict): string | undefined {
  switch (verdict.kind) {
    case 'ok':
      return undefined;
    case 'refused':
      return `refused: ${verdict.reason}`;
    case 'missing':
      return 'no document record';
    case 'not-terminal':
      return `still ${verdict.record.status}`;
    case 'duplicated':
      return `${verdict.records.length} records: ${verdict.records.map((record) => record.documentId).join(', ')}`;
    case 'unexpected-state':
      return `ended ${describeRecord(verdict.record)}, expected ${describeExpected(verdict.expected)}`;
  }
}

/**
 * Matches every submission to the records of the run's owners (`records`: all of them, however
 * found) and counts what does not add up.
 */
export function reconcileLoad(input: {
  readonly submissions: readonly Submission[];
  readonly records: readonly DocumentRecord[];
  /** Messages that reached the extraction dead-letter queues during the run. */
  readonly deadLettered: number;
  /** @default 0 */
  readonly expectedDeadLettered?: number;
  /** The drop folder's document id for a key, for naming a lost drop-folder document. */
  readonly dropFolderId: (key: string) => string;
}): { reconciliation: LoadReconciliation; matched: readonly MatchedSubmission[] } {
  const byId = new Map(input.records.map((record) => [record.documentId, record]));
  const byDropKey = new Map<string, DocumentRecord[]>();
  for (const record of input.records) {
    if (record.sourceKey === undefined) continue;
    const key = `${record.ownerId}\n${record.sourceKey}`;
    byDropKey.set(key, [...(byDropKey.get(key) ?? []), record]);
  }

  const claimed = new Set<string>();
  const matched = input.submissions.map((submission): MatchedSubmission => {
    const records = recordsOf(submission, byId, byDropKey);
    for (const record of records) claimed.add(record.documentId);
    return { submission, verdict: judge(submission, records) };
  });
  const extras = input.records.filter((record) => !claimed.has(record.documentId));

  const count = (kind: Verdict['kind']) => matched.filter((entry) => entry.verdict.kind === kind).length;
  const lostEntries = matched.filter((entry) => entry.verdict.kind === 'missing' || entry.verdict.kind === 'not-terminal');
  const discrepancies: Discrepancy[] = [
    ...matched.flatMap(({ submission, verdict }) => {
      const problem = problemOf(verdict);
      return problem === undefined
        ? []
        : [{ path: submission.upload.path, filename: submission.upload.filename, ownerId: submission.upload.ownerId, documentId: submission.documentId, problem }];
    }),
    ...extras.map((record) => ({
      path: (record.sourceKey === undefined ? 'direct' : 'drop') as UploadPath,
      filename: record.filename ?? record.sourceKey ?? '',
      ownerId: record.ownerId ?? '',
      documentId: record.documentId,
      problem: `record no upload accounts for (${describeRecord(record)})`,
    })),
  ];
  const expectedDeadLettered = input.expectedDeadLettered ?? 0;
  const reconciliation: LoadReconciliation = {
    planned: input.submissions.length,
    accepted: input.submissions.filter((submission) => submission.accepted).length,
    refused: count('refused'),
    asExpected: count('ok'),
    lost: lostEntries.length,
    duplicated: count('duplicated'),
    unexpectedState: count('unexpected-state'),
    extraRecords: extras.length,
    deadLettered: input.deadLettered,
    expectedDeadLettered,
    lostDocumentIds: lostEntries.map(({ submission, verdict }) =>
      verdict.kind === 'not-terminal'
        ? verdict.record.documentId
        : (submission.documentId ?? (submission.upload.dropKey ? input.dropFolderId(submission.upload.dropKey) : submission.upload.filename)),
    ),
    discrepancies,
    passed: false,
  };
  const passed =
    reconciliation.refused === 0 &&
    reconciliation.lost === 0 &&
    reconciliation.duplicated === 0 &&
    reconciliation.unexpectedState === 0 &&
    reconciliation.extraRecords === 0 &&
    reconciliation.deadLettered === expectedDeadLettered &&
    reconciliation.asExpected === reconciliation.planned;
  return { reconciliation: { ...reconciliation, passed }, matched };
}
