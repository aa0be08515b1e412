/**
 * The shared contract of pdf-pipeline: S3 key layout, document statuses, error codes,
 * table layout. Each function's own contract (its environment, settings and metrics) is in
 * `lambdas/<function>/contract.ts`.
 *
 * Plain data with no runtime dependencies, so the CDK app, the handlers and the local
 * runtime all read the same names from here.
 */

/** S3 key prefixes. Notifications filter by prefix only: suffix filters are case-sensitive. */
export const KEY_PREFIXES = {
  /** API uploads: `uploads/<ownerId>/<documentId>.pdf`. */
  uploads: 'uploads/',
  /** Operator drop folder: `incoming/<ownerId>/<any path>`. */
  incoming: 'incoming/',
  /** API uploads that asked for the bulk lane: `bulk-uploads/<ownerId>/<documentId>.pdf`. */
  bulkUploads: 'bulk-uploads/',
  /** Spilled results: `results/<documentId>/...`. Never notified. */
  results: 'results/',
} as const;

/**
 * Priority lanes: each has its own queue, dead-letter queue and event source, so a bulk load
 * never delays what an interactive user is waiting for.
 */
export const LANES = ['interactive', 'bulk'] as const;
export type Lane = (typeof LANES)[number];

/** Which prefixes' ObjectCreated events feed which lane's queue. */
export const LANE_PREFIXES: Readonly<Record<Lane, readonly string[]>> = {
  interactive: [KEY_PREFIXES.uploads],
  bulk: [KEY_PREFIXES.incoming, KEY_PREFIXES.bulkUploads],
};

/** Prefixes whose ObjectCreated events feed an extraction queue. */
export const NOTIFIED_PREFIXES = [KEY_PREFIXES.uploads, KEY_PREFIXES.incoming, KEY_PREFIXES.bulkUploads] as const;

/** Cognito group (a `cognito:groups` claim in local tokens) whose members may act on any owner's documents. */
export const ADMIN_GROUP = 'admin';

export const DOCUMENT_SOURCES = ['api', 'presigned', 'drop-folder'] as const;
export type DocumentSource = (typeof DOCUMENT_SOURCES)[number];

export const DOCUMENT_STATUSES = ['UPLOADING', 'QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export const TERMINAL_STATUSES: readonly DocumentStatus[] = ['COMPLETED', 'FAILED'];

/** Codes recorded in `error.code` of a FAILED document. */
export const FAILURE_CODES = [
  'NOT_A_PDF',
  'ENCRYPTED',
  'CORRUPT',
  'TOO_LARGE',
  'TOO_MANY_PAGES',
  'TIMEOUT',
  'RESOURCE_LIMIT',
  'POISON',
  'NO_OWNER',
  'UPLOAD_EXPIRED',
  /** The object was deleted (or its version replaced) before it could be read. */
  'SOURCE_MISSING',
  'INTERNAL',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/** DynamoDB single-table layout. */
export const TABLE_LAYOUT = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Lists an owner's documents newest first. */
  ownerIndex: { name: 'byOwner', partitionKey: 'ownerPk', sortKey: 'createdAt' },
  /**
   * Finds an owner's documents by content, for the reuse of identical uploads: sparse, since only
   * records with a `sha256` (written when a document completes, removed when it is extracted
   * again) and an `ownerPk` (removed from a tombstone) are in it. Keys only: a candidate is read
   * again from the table, consistently, before it is reused.
   */
  contentIndex: { name: 'byContent', partitionKey: 'sha256', sortKey: 'ownerPk' },
  /** Epoch seconds; expired items are removed by DynamoDB TTL. */
  ttlAttribute: 'expiresAt',
  /** Sort key of a document's record (its pages sort as `PAGE#<number>#G<generation>` beside it). */
  documentSortKey: 'DOCUMENT',
} as const;

/**
 * The audit table: one item per audited API action, append-only, expired by TTL after
 * `audit.retentionDays`.
 *
 * Keys follow the three questions the trail answers, newest first:
 * - "what happened in this time range": the table's own key, a partition per UTC day
 *   (`DAY#2026-11-23`) sorted by `<ISO time>#<entry id>`, so a range reads only its days and no
 *   partition grows without bound;
 * - "what happened to this document": the sparse `byDocument` index (entries without a
 *   document are not in it);
 * - "what did this person do": the `byActor` index.
 * Both indexes sort by the same `sk`, so a time range is a key condition on any of the three.
 */
export const AUDIT_TABLE_LAYOUT = {
  partitionKey: 'pk',
  sortKey: 'sk',
  documentIndex: { name: 'byDocument', partitionKey: 'documentId', sortKey: 'sk' },
  actorIndex: { name: 'byActor', partitionKey: 'actor', sortKey: 'sk' },
  /** Epoch seconds; DynamoDB TTL removes the entry once it has passed. */
  ttlAttribute: 'expiresAt',
} as const;
