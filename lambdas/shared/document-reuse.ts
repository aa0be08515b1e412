/**
 * Identical documents: an upload whose bytes match a COMPLETED document of the same owner,
 * extracted by the same extractor version with the same settings, is completed from that
 * document's results instead of being extracted again (`reusedFrom: <documentId>` on its record).
 *
 * Never across owners: answering faster because someone else holds the same file would tell the
 * uploader so. The candidate is found through the sparse `byContent` index (sha256 + owner), whose
 * key condition names the owner, then read again from the table with a consistent read, so an
 * index entry that lags (a document deleted or re-extracted a moment ago) is never trusted.
 *
 * Copy, not reference: the reusing document gets its own page items and its own copies of the
 * results in S3 (server-side copies under `results/<its id>/`). Each document then owns everything
 * it points to, so deleting either one (whose purge removes `DOC#<id>` items and `results/<id>/`)
 * cannot break the other, and each expires on its own retention. A reference would have saved the
 * copies' PUTs (a few hundredths of a cent per 1,000 pages) at the price of reference counting in
 * purge and retention; what reuse saves, the extraction time and any OCR pages, it saves either way.
 */
import type { DocumentListing } from './document-listing.js';
import { hasExpired, type DocumentRecord, type PageRecord, type S3Pointer } from './document-model.js';
import type { DocumentStore } from './document-store.js';
import type { PageStore } from './page-store.js';
import { pageLayoutKey, spilledMetadataKey, spilledPageKey, spilledTablesKey } from './s3-keys.js';

/** What is known of a new upload once its bytes are read. */
export interface ReuseRequest {
  readonly documentId: string;
  readonly ownerId: string;
  readonly sha256: string;
  readonly extractorVersion: string;
  readonly settingsDigest: string;
}

export type ReuseDecision =
  | { readonly reuse: true; readonly from: DocumentRecord }
  | { readonly reuse: false; readonly reason: NoReuseReason };

export type NoReuseReason =
  | 'disabled'
  | 'no-candidate'
  | 'same-document'
  | 'other-owner'
  | 'different-content'
  | 'not-completed'
  | 'deleted'
  | 'expired'
  | 'different-extractor'
  | 'different-settings'
  | 'no-pages-recorded';

/** Whether `candidate` may give its results to the upload; pure. */
export function decideReuse(
  upload: ReuseRequest,
  candidate: DocumentRecord | undefined,
  options: { readonly enabled: boolean; readonly nowSeconds: number },
): ReuseDecision {
  const no = (reason: NoReuseReason): ReuseDecision => ({ reuse: false, reason });
  if (!options.enabled) return no('disabled');
  if (!candidate) return no('no-candidate');
  if (candidate.documentId === upload.documentId) return no('same-document');
  if (candidate.ownerId !== upload.ownerId) return no('other-owner');
  if (candidate.sha256 !== upload.sha256) return no('different-content');
  if (candidate.deletedAt !== undefined) return no('deleted');
  if (candidate.status !== 'COMPLETED') return no('not-completed');
  if (hasExpired(candidate.expiresAt, options.nowSeconds)) return no('expired');
  if (candidate.extractorVersion !== upload.extractorVersion) return no('different-extractor');
  if (candidate.settingsDigest !== upload.settingsDigest) return no('different-settings');
  if (candidate.pageCount === undefined) return no('no-pages-recorded');
  return { reuse: true, from: candidate };
}

/** Candidates read per upload at most: identical uploads of one owner are few. */
const MAX_CANDIDATES = 10;

/**
 * Finds a document the upload may reuse: the owner's documents with the same sha256 through the
 * `byContent` index, each read again consistently, the first that `decideReuse` accepts. The
 * decision for the last candidate read (or `no-candidate`) when none is accepted.
 */
export async function findReusableDocument(
  stores: {
    readonly listing: Pick<DocumentListing, 'withSameContent'>;
    readonly documents: Pick<DocumentStore, 'get'>;
  },
  upload: ReuseRequest,
  options: { readonly enabled: boolean; readonly nowSeconds: number },
): Promise<ReuseDecision> {
  if (!options.enabled) return decideReuse(upload, undefined, options);
  const candidates = await stores.listing.withSameContent(upload.ownerId, upload.sha256, MAX_CANDIDATES + 1);
  let decision = decideReuse(upload, undefined, options);
  for (const documentId of candidates) {
    if (documentId === upload.documentId) continue;
    // Expired ones too: `decideReuse` refuses them by name.
    const candidate = await stores.documents.get(documentId, { includeExpired: true });
    decision = decideReuse(upload, candidate, options);
    if (decision.reuse) return decision;
  }
  return decision;
}

/** One server-side object copy a reuse needs. */
export interface ObjectCopy {
  readonly bucket: string;
  readonly fromKey: string;
  readonly toKey: string;
}

/** Where the reusing document's own results go: its id and the generation it claimed. */
export interface ReuseTarget {
  readonly documentId: string;
  readonly generation: number;
}

/**
 * A source page as the reusing document's own: its generation, and every S3 pointer moved to the
 * target's keys (with the copy that must put the object there). Pure.
 */
export function reusedPage(page: PageRecord, target: ReuseTarget): { readonly page: PageRecord; readonly copies: readonly ObjectCopy[] } {
  const copies: ObjectCopy[] = [];
  const moved = (pointer: S3Pointer | undefined, key: string): S3Pointer | undefined => {
    if (!pointer) return undefined;
    copies.push({ bucket: pointer.bucket, fromKey: pointer.key, toKey: key });
    return { bucket: pointer.bucket, key };
  };
  const { documentId, generation } = target;
  const rewritten: PageRecord = {
    ...page,
    generation,
    textRef: moved(page.textRef, spilledPageKey(documentId, generation, page.pageNumber)),
    tablesRef: moved(page.tablesRef, spilledTablesKey(documentId, generation, page.pageNumber)),
    layoutRef: moved(page.layoutRef, pageLayoutKey(documentId, generation, page.pageNumber)),
  };
  // Absent pointers stay absent rather than written as undefined attributes.
  for (const field of ['textRef', 'tablesRef', 'layoutRef'] as const) if (rewritten[field] === undefined) delete (rewritten as Partial<PageRecord>)[field];
  return { page: rewritten, copies };
}

export interface ReuseDependencies {
  readonly pages: Pick<PageStore, 'listPages' | 'putPages'>;
  /** Server-side copy within a bucket (`ObjectStore.copy`). */
  readonly copyObject: (bucket: string, fromKey: string, toKey: string) => Promise<void>;
}

/** What the reusing document's completion records, beside `status: 'COMPLETED'`. */
export interface ReusedResults {
  readonly reusedFrom: string;
  readonly pageCount: number;
  readonly metadata?: DocumentRecord['metadata'];
  readonly metadataRef?: S3Pointer;
  /** For metering: page items written and objects copied. */
  readonly pagesWritten: number;
  readonly objectsCopied: number;
}

const PAGE_BATCH = 100;

/**
 * Copies a reusable document's results to the target: its pages of the source's generation as the
 * target's own items (with the target's expiry), every object they point to, and spilled metadata.
 * Objects are copied before the items that point to them are written, so a reader never follows a
 * pointer to nothing; a failure part-way leaves only unreferenced copies, which the retry redoes.
 */
export async function copyReusedResults(
  source: DocumentRecord,
  target: ReuseTarget & { readonly expiresAt?: number },
  deps: ReuseDependencies,
): Promise<ReusedResults> {
  let pagesWritten = 0;
  let objectsCopied = 0;
  let after = 0;
  for (;;) {
    const { pages, hasMore } = await deps.pages.listPages(source.documentId, source.generation, { limit: PAGE_BATCH, afterPageNumber: after });
    const moved = pages.map((page) => reusedPage(page, target));
    const copies = moved.flatMap((entry) => entry.copies);
    await Promise.all(copies.map((copy) => deps.copyObject(copy.bucket, copy.fromKey, copy.toKey)));
    await deps.pages.putPages(target.documentId, moved.map((entry) => entry.page), target.expiresAt);
    pagesWritten += pages.length;
    objectsCopied += copies.length;
    if (!hasMore || pages.length === 0) break;
    after = pages.at(-1)!.pageNumber;
  }
  let metadataRef: S3Pointer | undefined;
  if (source.metadataRef) {
    metadataRef = { bucket: source.metadataRef.bucket, key: spilledMetadataKey(target.documentId, target.generation) };
    await deps.copyObject(source.metadataRef.bucket, source.metadataRef.key, metadataRef.key);
    objectsCopied += 1;
  }
  return {
    reusedFrom: source.documentId,
    pageCount: source.pageCount ?? pagesWritten,
    ...(source.metadata !== undefined ? { metadata: source.metadata } : {}),
    ...(metadataRef ? { metadataRef } : {}),
    pagesWritten,
    objectsCopied,
  };
}
