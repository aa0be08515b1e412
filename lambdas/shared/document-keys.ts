/**
 * How documents and their pages are keyed in the table (`TABLE_LAYOUT`), and how an item read
 * back becomes a record: one place for the stores of documents, pages and listings, and for the
 * other writers of a document record (shard progress, reuse).
 */
import { TABLE_LAYOUT } from './contract.js';
import type { DocumentRecord } from './document-model.js';

export const DOCUMENT_SORT_KEY = TABLE_LAYOUT.documentSortKey;
export const PAGE_SORT_PREFIX = 'PAGE#';

/** The partition every item of a document shares: its record and its pages. */
export const documentPartition = (documentId: string) => `DOC#${documentId}`;

export const documentKey = (documentId: string) => ({
  [TABLE_LAYOUT.partitionKey]: documentPartition(documentId),
  [TABLE_LAYOUT.sortKey]: DOCUMENT_SORT_KEY,
});

/** The document id of a document record's item (or of its key). */
export const documentIdOfItem = (item: Record<string, unknown>) => String(item[TABLE_LAYOUT.partitionKey]).slice('DOC#'.length);

/**
 * A page item's key: page number, then generation (`PAGE#000001#G000002`), so a late write from
 * an older generation's extraction (a shard still running when the document was reprocessed)
 * never replaces the current generation's page. Reads filter by generation. Without a
 * generation, the prefix every generation's item of that page starts with.
 */
export const pageKey = (documentId: string, pageNumber: number, generation?: number) => ({
  [TABLE_LAYOUT.partitionKey]: documentPartition(documentId),
  [TABLE_LAYOUT.sortKey]: `${PAGE_SORT_PREFIX}${String(pageNumber).padStart(6, '0')}${generation === undefined ? '' : `#G${String(generation).padStart(6, '0')}`}`,
});

/** The owner index's key of a record: only records with an owner are listed. */
export const ownerIndexKey = (record: Pick<DocumentRecord, 'ownerId'>) =>
  record.ownerId ? { [TABLE_LAYOUT.ownerIndex.partitionKey]: ownerPartition(record.ownerId) } : {};

export const ownerPartition = (ownerId: string) => `OWNER#${ownerId}`;

const DOCUMENT_KEY_ATTRIBUTES = [TABLE_LAYOUT.partitionKey, TABLE_LAYOUT.sortKey, TABLE_LAYOUT.ownerIndex.partitionKey];

/** A document record from its item: the table's key attributes left out. */
export function toDocumentRecord(item: Record<string, unknown>): DocumentRecord {
  const record = { ...item };
  for (const attribute of DOCUMENT_KEY_ATTRIBUTES) delete record[attribute];
  return record as unknown as DocumentRecord;
}

/** An item without its primary key attributes. */
export function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...item };
  delete rest[TABLE_LAYOUT.partitionKey];
  delete rest[TABLE_LAYOUT.sortKey];
  return rest;
}

/** Keeps items whose TTL has not passed; needs `#ttl` and `:now` (epoch seconds) bound. */
export const NOT_EXPIRED = '(attribute_not_exists(#ttl) OR #ttl > :now)';

/** Query rounds a listing may take when a filter or generation check skips items. */
export const MAX_QUERY_ROUNDS = 10;

/** Epoch seconds of a clock in epoch milliseconds, as the table's TTL attribute counts. */
export const epochSeconds = (milliseconds: number) => Math.floor(milliseconds / 1000);
