/**
 * The custom CloudWatch metrics the functions emit (Powertools EMF), named once here: the
 * handlers emit them under these names, and the Monitoring construct graphs and alarms on the
 * same names, so a rename cannot silently empty a dashboard.
 *
 * The namespace and the `service` dimension come from each function's environment
 * (`POWERTOOLS_METRICS_NAMESPACE`, `POWERTOOLS_SERVICE_NAME`), which `lib/config.ts` sets.
 * Plain data with no runtime dependencies.
 */

/** Service names: Powertools adds each as the `service` dimension of every metric the function emits. */
export const SERVICE_NAMES = {
  extract: 'pdf-pipeline-extract',
  documentEvents: 'pdf-pipeline-document-events',
  api: 'pdf-pipeline-api',
  webhooks: 'pdf-pipeline-webhooks',
} as const;

/** Dimensions the metrics carry. */
export const METRIC_DIMENSIONS = {
  /** Added by Powertools to every metric; its value is the function's service name. */
  service: 'service',
  /** The failure code of a `DocumentsFailedByCode` datapoint. */
  errorCode: 'ErrorCode',
  /** The detail-type of a `DocumentEventsPublished` datapoint. */
  detailType: 'DetailType',
} as const;

/** Metrics of the extraction function. */
export const EXTRACT_METRICS = {
  /** Count: documents recorded COMPLETED. */
  documentsCompleted: 'DocumentsCompleted',
  /** Count: documents recorded FAILED for a reason of their own (never POISON). */
  documentsFailed: 'DocumentsFailed',
  /** Count, with the `ErrorCode` dimension: the same failures by code. */
  documentsFailedByCode: 'DocumentsFailedByCode',
  /** Count: documents given up as POISON (their message goes on to the DLQ). */
  documentsPoisoned: 'DocumentsPoisoned',
  /** Count: pages of completed documents that were extracted (not those of a reused document). */
  pagesExtracted: 'PagesExtracted',
  /** Bytes: size of completed documents. */
  bytesProcessed: 'BytesProcessed',
  /** Milliseconds from the object's creation (the S3 event time) to the document's completion. */
  endToEndLatency: 'EndToEndLatency',
  /** Count: queue messages that were not S3 notifications, dropped. */
  malformedMessages: 'MalformedMessages',
  /** Count: pages whose text was read by OCR. */
  ocrPages: 'OcrPages',
  /** Seconds, one value per OCR page: how long the engine took to read it. */
  ocrSeconds: 'OcrSecondsPerPage',
  /** Percent, one value per OCR page: its mean word confidence. */
  ocrConfidence: 'OcrConfidence',
  /** Count: pages sent to Amazon Textract (billed per page). */
  textractPages: 'TextractPages',
  /** Count: long documents split into page-range shards. */
  documentsSharded: 'DocumentsSharded',
  /** Count: shards read and recorded (the first, read by the planning invocation, included). */
  shardsExtracted: 'ShardsExtracted',
  /** Count: shards whose pages could not be read, failing their document. */
  shardsFailed: 'ShardsFailed',
  /** Count: uploads completed from an identical earlier document of their owner, without extraction. */
  documentsReused: 'DocumentsReused',
  /** Count: runs whose usage figures could not be recorded (the document's outcome stands). */
  usageNotRecorded: 'UsageNotRecorded',
} as const;

/** Metrics of the document-event publisher. */
export const DOCUMENT_EVENT_METRICS = {
  /** Count, with the `DetailType` dimension: events put on the bus. */
  eventsPublished: 'DocumentEventsPublished',
} as const;

/** Metrics of the API function. */
export const API_METRICS = {
  /** Count: audit entries that could not be written (each is in the function log instead). */
  auditWriteFailures: 'AuditWriteFailures',
} as const;

/** Metrics of the webhook delivery function. */
export const WEBHOOK_METRICS = {
  /** Count: messages a receiver accepted (2xx). */
  delivered: 'WebhooksDelivered',
  /** Count: attempts that failed (each is retried or, the last, gives the message up). */
  attemptsFailed: 'WebhookAttemptsFailed',
  /** Count: messages given up after their last attempt; their webhook is disabled. */
  givenUp: 'WebhooksGivenUp',
} as const;
