/**
 * Reprocessing by extractor version (`pdf-pipeline reprocess --extractor-older-than <version>`):
 * every document an older extractor produced is extracted again, through the same core as a
 * single reprocess (`reprocess.ts`: a new generation, conditional on the record just read), in the
 * bulk lane so that interactive uploads never wait behind it, at a bounded rate so that the
 * extraction function and the table see a steady trickle rather than the whole table at once.
 *
 * The selection reads the table once (a scan: an operator's tool, never a request path), keeps the
 * ids of the documents to reprocess, then queues them one at a time, reporting progress after each.
 */
import type { DocumentRecord } from './document-repository.js';
import { isExtractorVersion, isOlderExtractor } from './extractor-version.js';
import type { ReprocessOutcome } from './reprocess.js';

/** Failures recorded by the API or the sweeper, never by an extractor: nothing was extracted. */
const NEVER_EXTRACTED = new Set(['NO_OWNER', 'UPLOAD_EXPIRED']);

/**
 * Whether a record holds results (or a failure) an extractor older than `threshold` produced: a
 * COMPLETED or FAILED document, not deleted, with an object that was read, whose recorded version
 * is older (a record without one predates versions). Pure.
 */
export function producedByOlderExtractor(record: DocumentRecord, threshold: string, ownerId?: string): boolean {
  if (ownerId !== undefined && record.ownerId !== ownerId) return false;
  if (record.deletedAt !== undefined) return false;
  if (record.status !== 'COMPLETED' && record.status !== 'FAILED') return false;
  if (!record.objectKey || !record.sequencer) return false;
  if (record.error && NEVER_EXTRACTED.has(record.error.code)) return false;
  return isOlderExtractor(record.extractorVersion, threshold);
}

/** The ids of the documents to reprocess, in the order the scan found them. */
export async function selectOlderDocuments(
  records: AsyncIterable<DocumentRecord>,
  threshold: string,
  ownerId?: string,
): Promise<string[]> {
  if (!isExtractorVersion(threshold)) throw new RangeError(`"${threshold}" is not an extractor version (MAJOR.MINOR.PATCH, e.g. 2.0.0)`);
  const ids: string[] = [];
  for await (const record of records) if (producedByOlderExtractor(record, threshold, ownerId)) ids.push(record.documentId);
  return ids;
}

/** Progress after each document: how many were handled of how many selected, and the tally so far. */
export interface VersionReprocessProgress {
  readonly done: number;
  readonly total: number;
  readonly documentId: string;
  readonly outcome: ReprocessOutcome['kind'];
  readonly queued: number;
}

export interface VersionReprocessDependencies {
  /** The table's document records (`DocumentRepository.scanDocuments`). */
  readonly records: () => AsyncIterable<DocumentRecord>;
  /** Reprocesses one document in the bulk lane (`reprocessDocument` with `lane: 'bulk'`). */
  readonly reprocess: (documentId: string) => Promise<ReprocessOutcome>;
  /** Waits until one more document may be queued (`RateLimiter.take`). */
  readonly take: (count: number) => Promise<void>;
  readonly progress?: (progress: VersionReprocessProgress) => void;
}

export interface VersionReprocessSummary {
  readonly threshold: string;
  readonly selected: readonly string[];
  readonly dryRun: boolean;
  /** How many documents each outcome had (none on a dry run). */
  readonly outcomes: Readonly<Partial<Record<ReprocessOutcome['kind'], number>>>;
}

/** Selects the documents an extractor older than `threshold` produced and, unless a dry run, reprocesses them at the rate `take` allows. */
export async function reprocessOlderThan(
  threshold: string,
  deps: VersionReprocessDependencies,
  options: { readonly ownerId?: string; readonly dryRun?: boolean } = {},
): Promise<VersionReprocessSummary> {
  const selected = await selectOlderDocuments(deps.records(), threshold, options.ownerId);
  const outcomes: Partial<Record<ReprocessOutcome['kind'], number>> = {};
  if (!options.dryRun) {
    for (const [index, documentId] of selected.entries()) {
      await deps.take(1);
      const outcome = await deps.reprocess(documentId);
      outcomes[outcome.kind] = (outcomes[outcome.kind] ?? 0) + 1;
      deps.progress?.({ done: index + 1, total: selected.length, documentId, outcome: outcome.kind, queued: outcomes.queued ?? 0 });
    }
  }
  return { threshold, selected, dryRun: options.dryRun ?? false, outcomes };
}
