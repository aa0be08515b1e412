/**
 * The shared contract of pdf-pipeline: S3 key layout, document statuses, error codes,
 * table layout and the environment variables the stack hands to functions.
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

/** Environment variables the stack (and the local runtime) set on the document-event publisher. */
export const DOCUMENT_EVENTS_ENV = {
  /** Name of the EventBridge bus events are put on (`default` for the account's default bus). */
  eventBusName: 'EVENT_BUS_NAME',
  /** The events' `source`, e.g. `pdf-pipeline.prod`. */
  eventSource: 'DOCUMENT_EVENT_SOURCE',
} as const;

/** Environment variables the stack (and the local runtime) set on the extraction function. */
export const EXTRACT_ENV = {
  tableName: 'TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  maxPdfBytes: 'MAX_PDF_BYTES',
  maxPages: 'MAX_PAGES',
  maxAttempts: 'MAX_ATTEMPTS',
  documentTimeoutSeconds: 'DOCUMENT_TIMEOUT_SECONDS',
  workerMemoryMb: 'WORKER_MEMORY_MB',
  engineHeapBudgetMb: 'ENGINE_HEAP_BUDGET_MB',
  ocrEngine: 'OCR_ENGINE',
  ocrLanguages: 'OCR_LANGUAGES',
  ocrMaxPages: 'OCR_MAX_PAGES_PER_DOCUMENT',
  ocrDpi: 'OCR_DPI',
  /** Set with the Textract engine only: least ms between one worker's requests (the account's quota shared out). */
  ocrTextractIntervalMs: 'OCR_TEXTRACT_INTERVAL_MS',
  shardPages: 'SHARD_PAGES',
  shardOcrPageWeight: 'SHARD_OCR_PAGE_WEIGHT',
  shardMaxPerDocument: 'SHARD_MAX_PER_DOCUMENT',
  /** Each lane's shard queue, where the extractor sends the page-range shards of a long document. */
  interactiveShardQueueUrl: 'INTERACTIVE_SHARD_QUEUE_URL',
  bulkShardQueueUrl: 'BULK_SHARD_QUEUE_URL',
  /** How long a document (record, pages, spilled results) is kept after its creation, in seconds. */
  documentRetentionSeconds: 'DOCUMENT_RETENTION_SECONDS',
  /** `true`: an upload identical to a COMPLETED document of its owner is completed from that document's results. */
  reuseIdenticalDocuments: 'REUSE_IDENTICAL_DOCUMENTS',
  /** How long a day's usage figures are kept after the day, in seconds (the usage items' TTL). */
  usageRetentionSeconds: 'USAGE_RETENTION_SECONDS',
} as const;

/**
 * Environment variables the stack (and the local runtime) set on the API function and on the
 * purge and sweeper functions behind it; each function reads the subset it needs.
 */
export const API_ENV = {
  tableName: 'TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  /** The extraction queue, which `GET /v1/health` checks and a reprocess sends to. */
  queueUrl: 'QUEUE_URL',
  /** The extraction queue's dead-letter queue, whose depth `GET /v1/health/detail` reports. */
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  /** The bulk lane's extraction queue and its dead-letter queue. */
  bulkQueueUrl: 'BULK_QUEUE_URL',
  bulkDeadLetterQueueUrl: 'BULK_DEAD_LETTER_QUEUE_URL',
  /** Deleted documents' purge requests. */
  purgeQueueUrl: 'PURGE_QUEUE_URL',
  maxDirectUploadBytes: 'MAX_DIRECT_UPLOAD_BYTES',
  maxPresignedUploadBytes: 'MAX_PRESIGNED_UPLOAD_BYTES',
  presignedUrlTtlSeconds: 'PRESIGNED_URL_TTL_SECONDS',
  downloadUrlTtlSeconds: 'DOWNLOAD_URL_TTL_SECONDS',
  uploadExpiryGraceSeconds: 'UPLOAD_EXPIRY_GRACE_SECONDS',
  /** Comma-separated origins allowed to call the API from a browser. */
  allowedOrigins: 'ALLOWED_ORIGINS',
  uploadsPerMinute: 'UPLOADS_PER_MINUTE',
  uploadsPerDay: 'UPLOADS_PER_DAY',
  idempotencyTtlSeconds: 'IDEMPOTENCY_TTL_SECONDS',
  /** How long a deleted document's tombstone stays before DynamoDB TTL removes it. */
  deletedRetentionSeconds: 'DELETED_RETENTION_SECONDS',
  /** How long a document is kept after its creation, in seconds; its record and pages expire then. */
  documentRetentionSeconds: 'DOCUMENT_RETENTION_SECONDS',
  /**
   * `true` makes the sweeper delete expired documents itself (records, pages and objects). Only
   * the local runtime sets it: on AWS, DynamoDB TTL and the bucket's lifecycle rules do that work.
   */
  sweepExpiredDocuments: 'SWEEP_EXPIRED_DOCUMENTS',
  /** The audit table, where the API records every state change and every admin read of another owner's data. */
  auditTableName: 'AUDIT_TABLE_NAME',
  /** Days an audit entry is kept before DynamoDB TTL removes it. */
  auditRetentionDays: 'AUDIT_RETENTION_DAYS',
  /**
   * How `POST /v1/admin/redrive` moves dead-lettered messages: `move-task` (an SQS message move
   * task, the default) or `receive-send-delete` for an SQS emulator without move tasks. The
   * stack never sets it.
   */
  deadLetterRedrive: 'DEAD_LETTER_REDRIVE',
  /** The webhook delivery queue, where a test message or a redelivery is queued. */
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  /** Webhook subscriptions one owner may have. */
  webhooksPerOwner: 'WEBHOOKS_PER_OWNER',
  /** How long a rotated-out webhook secret still signs beside the new one, in seconds. */
  webhookSecretOverlapSeconds: 'WEBHOOK_SECRET_OVERLAP_SECONDS',
  /** How long a webhook delivery stays in its log, in seconds. */
  webhookDeliveryRetentionSeconds: 'WEBHOOK_DELIVERY_RETENTION_SECONDS',
  /** `deployed` (https, public addresses only) or `local` (plain http to loopback too). */
  webhookUrlPolicy: 'WEBHOOK_URL_POLICY',
} as const;

/** Environment variables the stack (and the local runtime) set on the webhook delivery function. */
export const WEBHOOKS_ENV = {
  tableName: 'TABLE_NAME',
  /** The delivery queue the function consumes and queues each delivery on. */
  queueUrl: 'WEBHOOK_QUEUE_URL',
  /** The API's base URL (ending in the stage), for the links in payloads. */
  apiUrl: 'API_URL',
  urlPolicy: 'WEBHOOK_URL_POLICY',
  /** One attempt's deadline, connect to response, in seconds. */
  timeoutSeconds: 'WEBHOOK_TIMEOUT_SECONDS',
  /** Attempts of one message before it has failed and its webhook is disabled. */
  maxAttempts: 'WEBHOOK_MAX_ATTEMPTS',
  deliveryRetentionSeconds: 'WEBHOOK_DELIVERY_RETENTION_SECONDS',
} as const;
