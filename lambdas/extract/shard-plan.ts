/**
 * How a document's pages are split into shards: page ranges extracted by separate invocations,
 * so a long document is read in parallel and no invocation comes near its timeout.
 *
 * Pages weigh by their cost: a text page counts 1, a page that needs OCR `ocrPageWeight`, the
 * ratio of the two per-page costs `npm run bench:shards` measures (extraction alone, one core:
 * milliseconds for a text page, seconds to render and OCR a scanned one). So a shard is about
 * `pagesPerShard` text pages' worth of time whatever its pages are. Which pages need OCR is not
 * known before they are read, so the share seen on the document's first pages stands for all.
 */
export interface ShardSettings {
  /** Text pages one shard extracts; fewer when pages need OCR. */
  readonly pagesPerShard: number;
  /** What one page that needs OCR weighs, in text pages. */
  readonly ocrPageWeight: number;
  /** Shards per document at most: one huge document must not fill a lane. */
  readonly maxShardsPerDocument: number;
}

export interface PageRange {
  /** First and last page, 1-based, inclusive. */
  readonly first: number;
  readonly last: number;
}

/**
 * Splits `pageCount` pages into contiguous ranges of near-equal weight; one range when the
 * document fits one shard. `ocrShare` is the share (0–1) of sampled pages that need OCR.
 */
export function planShards(pageCount: number, ocrShare: number, settings: ShardSettings): PageRange[] {
  if (pageCount <= 0) return [];
  const share = Math.min(1, Math.max(0, Number.isFinite(ocrShare) ? ocrShare : 0));
  const weightPerPage = 1 + share * (settings.ocrPageWeight - 1);
  const pagesPerShard = Math.max(1, Math.floor(settings.pagesPerShard / weightPerPage));
  const shards = Math.min(Math.ceil(pageCount / pagesPerShard), Math.max(1, settings.maxShardsPerDocument));
  const ranges: PageRange[] = [];
  for (let index = 0; index < shards; index += 1) {
    // Spread the remainder over the first ranges, so sizes differ by one page at most.
    const first = Math.floor((index * pageCount) / shards) + 1;
    const last = Math.floor(((index + 1) * pageCount) / shards);
    ranges.push({ first, last });
  }
  return ranges;
}

/**
 * Shard `index`'s share (of `count`) of a document's OCR page budget: the budget split as
 * evenly as whole pages allow, the shares summing to it exactly, so a document read in shards
 * OCRs no more pages than one read whole. Shards have near-equal page ranges, so equal shares
 * follow the pages; a shard with fewer scanned pages than its share leaves the rest unused.
 */
export function ocrBudgetOfShard(budget: number, index: number, count: number): number {
  if (count <= 1) return budget;
  return Math.floor((budget * (index + 1)) / count) - Math.floor((budget * index) / count);
}
