/**
 * How far a long document's extraction has come, as the API reports it while the document is
 * PROCESSING in page-range shards (`progress` on GET /v1/documents/{id}): the label and share its
 * bar shows (progress-view.ts draws them). Documents read in one invocation report no progress.
 */

export interface DocumentProgress {
  readonly pagesDone: number;
  readonly pageCount: number;
  /** Page-range shards the document is read in, in parallel, and how many are done. */
  readonly shards: number;
  readonly shardsDone: number;
}

/** "1,200 of 2,000 pages read (3 of 5 parts)". */
export function progressLabel(progress: DocumentProgress): string {
  const pages = `${progress.pagesDone.toLocaleString('en')} of ${progress.pageCount.toLocaleString('en')} pages read`;
  return `${pages} (${progress.shardsDone} of ${progress.shards} parts)`;
}

/** The share done, 0–100: pages where the page count is known, else shards. */
export function progressShare(progress: DocumentProgress): number {
  const [done, total] = progress.pageCount > 0 ? [progress.pagesDone, progress.pageCount] : [progress.shardsDone, progress.shards];
  return total > 0 ? Math.min(100, Math.round((100 * done) / total)) : 0;
}
