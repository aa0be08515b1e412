/**
 * Per-environment settings of pdf-pipeline: the schema (`config/schema.ts`, one file per section
 * in `config/sections/`) and each environment's values as plain data (`config/environments/`).
 *
 * The CDK app, the functions (through the environment variables the stack sets) and the local
 * runtime all derive their settings from here, so a limit is changed once.
 */
import { API_ENV, DOCUMENT_EVENTS_ENV, EXTRACT_ENV, WEBHOOKS_ENV } from '../lambdas/shared/contract.js';
import { SERVICE_NAMES } from '../lambdas/shared/metric-names.js';
import { daysInSeconds, powertoolsEnvironment } from '../lambdas/shared/function-environment.js';
import { deriveSettings, documentRetentionSeconds } from './config/derived.js';
import { dev } from './config/environments/dev.js';
import { prod } from './config/environments/prod.js';
import { staging } from './config/environments/staging.js';
import type { EnvironmentConfig, EnvironmentName } from './config/schema.js';

export { deriveSettings, documentRetentionSeconds, lanesMaxConcurrency, type DerivedSettings } from './config/derived.js';
export { CLI_LOGIN_CALLBACK_URL } from './config/environments/defaults.js';
export {
  configProblems,
  ENVIRONMENT_NAMES,
  environmentConfigSchema,
  SECTIONS,
  validateConfig,
  type EnvironmentConfig,
  type EnvironmentName,
} from './config/schema.js';
export { MAX_DIRECT_UPLOAD_CEILING_BYTES, type ApiConfig } from './config/sections/api.js';
export type { AuditConfig } from './config/sections/audit.js';
export type { AuthConfig } from './config/sections/auth.js';
export { LAMBDA_DEPLOYMENT_CONFIGS, type DeploymentConfig, type LambdaDeploymentConfigName } from './config/sections/deployment.js';
export type { EventsConfig } from './config/sections/events.js';
export type { ExtractionConfig, LaneConfig } from './config/sections/extraction.js';
export type { AlarmThresholds, ObservabilityConfig } from './config/sections/observability.js';
export { ocrTraineddataFile, type OcrConfig } from './config/sections/ocr.js';
export type { QueueConfig } from './config/sections/queue.js';
export type { RetentionConfig } from './config/sections/retention.js';
export type { StorageConfig } from './config/sections/storage.js';
export type { UsageConfig } from './config/sections/usage.js';
export type { WebConfig } from './config/sections/web.js';
export type { WebhooksConfig } from './config/sections/webhooks.js';

/** Every environment's settings, validated by the CDK app before it synthesizes anything. */
export const CONFIGS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = { dev, staging, prod };

/**
 * The document-event publisher and its stream event source: the same in every environment.
 * The stack and the local runtime both size them from here.
 */
export const DOCUMENT_EVENTS_PUBLISHER = {
  memoryMb: 256,
  timeoutSeconds: 30,
  /** Records per invocation; each terminal change is one PutEvents call. */
  batchSize: 10,
  /**
   * Retries of a failing batch. The function checkpoints every record it published, so a retry
   * resumes at the record that failed; the bus has many chances to come back before
   * `events.maxRecordAgeHours`, and a record that can never be published does not block the
   * shard for ever.
   */
  retryAttempts: 100,
} as const;

/**
 * The environment variables the extraction function runs with, from the config.
 * The stack adds `TABLE_NAME` and `BUCKET_NAME` from the resources it creates.
 */
export function extractionEnvironment(config: EnvironmentConfig): Record<string, string> {
  return {
    [EXTRACT_ENV.maxPdfBytes]: String(config.extraction.maxPdfBytes),
    [EXTRACT_ENV.maxPages]: String(config.extraction.maxPages),
    [EXTRACT_ENV.maxAttempts]: String(config.queue.maxReceiveCount),
    [EXTRACT_ENV.documentTimeoutSeconds]: String(config.extraction.documentTimeoutSeconds),
    [EXTRACT_ENV.workerMemoryMb]: String(config.extraction.workerMemoryMb),
    [EXTRACT_ENV.engineHeapBudgetMb]: String(config.extraction.engineHeapBudgetMb),
    [EXTRACT_ENV.ocrEngine]: config.ocr.engine,
    [EXTRACT_ENV.ocrLanguages]: config.ocr.languages.join('+'),
    [EXTRACT_ENV.ocrMaxPages]: String(config.ocr.maxPagesPerDocument),
    [EXTRACT_ENV.ocrDpi]: String(config.ocr.dpi),
    [EXTRACT_ENV.shardPages]: String(config.extraction.sharding.pagesPerShard),
    [EXTRACT_ENV.shardOcrPageWeight]: String(config.extraction.sharding.ocrPageWeight),
    [EXTRACT_ENV.shardMaxPerDocument]: String(config.extraction.sharding.maxShardsPerDocument),
    [EXTRACT_ENV.documentRetentionSeconds]: String(documentRetentionSeconds(config)),
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.extract,
    POWERTOOLS_METRICS_NAMESPACE: deriveSettings(config).metricsNamespace,
    POWERTOOLS_LOG_LEVEL: config.observability.logLevel,
    // No --enable-source-maps here: parsing the maps costs the extractor ~100 ms of cold start
    // (measured by `npm run bench`); the maps ship in the bundle for decoding traces offline.
  };
}

/** The environment variables the document-event publisher runs with, from the config. */
export function documentEventsEnvironment(config: EnvironmentConfig): Record<string, string> {
  const derived = deriveSettings(config);
  return {
    [DOCUMENT_EVENTS_ENV.eventBusName]: config.events.busName,
    [DOCUMENT_EVENTS_ENV.eventSource]: derived.documentEventSource,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.documentEvents,
    POWERTOOLS_METRICS_NAMESPACE: derived.metricsNamespace,
    POWERTOOLS_LOG_LEVEL: config.observability.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
  };
}

// -------------------------------------------------------------------------------------------------
// API (issue 4): validation and the environments of the API, purge and sweeper functions.
// -------------------------------------------------------------------------------------------------

/**
 * Sizing of the functions behind the API, the same in every environment: the API function
 * answers within API Gateway's 29-second integration timeout; a purge lists and deletes, which
 * five minutes covers for documents of thousands of pages.
 */
export const API_FUNCTIONS = {
  api: { timeoutSeconds: 29 },
  purge: {
    memoryMb: 512,
    timeoutSeconds: 300,
    /** Purge requests per invocation, failures reported one by one. */
    batchSize: 5,
    maxConcurrency: 2,
    /** Deliveries of a purge request before its dead-letter queue. */
    maxReceiveCount: 5,
    retentionDays: 4,
    deadLetterRetentionDays: 14,
  },
  sweeper: { memoryMb: 512, timeoutSeconds: 300 },
} as const;

/**
 * The environment variables the API function runs with, from the config. The stack adds the
 * table, bucket, extraction queue and purge queue from the resources it creates.
 */
export function apiEnvironment(config: EnvironmentConfig): Record<string, string> {
  const { api } = config;
  return {
    [API_ENV.maxDirectUploadBytes]: String(api.maxDirectUploadBytes),
    [API_ENV.maxPresignedUploadBytes]: String(api.maxPresignedUploadBytes),
    [API_ENV.presignedUrlTtlSeconds]: String(api.presignedUrlTtlSeconds),
    [API_ENV.downloadUrlTtlSeconds]: String(api.downloadUrlTtlSeconds),
    [API_ENV.uploadExpiryGraceSeconds]: String(api.uploadExpiryGraceSeconds),
    [API_ENV.allowedOrigins]: api.allowedOrigins.join(','),
    [API_ENV.uploadsPerMinute]: String(api.quotas.uploadsPerMinute),
    [API_ENV.uploadsPerDay]: String(api.quotas.uploadsPerDay),
    [API_ENV.idempotencyTtlSeconds]: String(api.idempotencyTtlHours * 3600),
    [API_ENV.deletedRetentionSeconds]: String(api.deletedRetentionDays * 24 * 3600),
    [API_ENV.auditRetentionDays]: String(config.audit.retentionDays),
    [API_ENV.documentRetentionSeconds]: String(documentRetentionSeconds(config)),
    ...powertoolsEnvironment(config, SERVICE_NAMES.api),
  };
}

/** The webhook settings the API function needs, beside the delivery queue the stack adds. */
export function apiWebhookEnvironment(config: EnvironmentConfig, urlPolicy: 'deployed' | 'local' = 'deployed'): Record<string, string> {
  const { webhooks } = config;
  return {
    [API_ENV.webhooksPerOwner]: String(webhooks.maxPerUser),
    [API_ENV.webhookSecretOverlapSeconds]: String(webhooks.secretOverlapHours * 3600),
    [API_ENV.webhookDeliveryRetentionSeconds]: String(daysInSeconds(webhooks.deliveryRetentionDays)),
    [API_ENV.webhookUrlPolicy]: urlPolicy,
  };
}

/**
 * The webhook delivery function and its queue: the same in every environment. One attempt waits
 * at most `webhooks.timeoutSeconds`; the records of a batch are tried side by side.
 */
export const WEBHOOK_DELIVERY = {
  memoryMb: 256,
  batchSize: 5,
  /** Delivery tasks and events a message may be received before it is dead-lettered, beyond the attempts. */
  extraReceives: 3,
  /** Long enough for the slowest message of a batch, and then some. */
  timeoutSeconds: (config: EnvironmentConfig) => config.webhooks.timeoutSeconds * 2 + 10,
  /** Messages wait this long at most; the retry schedule spans about 15 hours. */
  retentionDays: 4,
  deadLetterRetentionDays: 14,
} as const;

/** The delivery queue's visibility timeout: AWS's guidance of 6 × the function timeout. */
export function webhookQueueVisibilitySeconds(config: EnvironmentConfig): number {
  return 6 * WEBHOOK_DELIVERY.timeoutSeconds(config);
}

/** The delivery function's variables beside the table, queue and API URL the stack adds. */
export function webhookDeliveryEnvironment(config: EnvironmentConfig, urlPolicy: 'deployed' | 'local' = 'deployed'): Record<string, string> {
  const { webhooks } = config;
  return {
    [WEBHOOKS_ENV.urlPolicy]: urlPolicy,
    [WEBHOOKS_ENV.timeoutSeconds]: String(webhooks.timeoutSeconds),
    [WEBHOOKS_ENV.maxAttempts]: String(webhooks.maxAttempts),
    [WEBHOOKS_ENV.deliveryRetentionSeconds]: String(daysInSeconds(webhooks.deliveryRetentionDays)),
    ...powertoolsEnvironment(config, SERVICE_NAMES.webhooks),
  };
}

/** The purge function's variables beside the table and bucket names the stack adds. */
export function purgeEnvironment(config: EnvironmentConfig): Record<string, string> {
  return powertoolsEnvironment(config, 'pdf-pipeline-purge');
}

/** The sweeper's variables beside the table and bucket names the stack adds. */
export function sweepEnvironment(config: EnvironmentConfig): Record<string, string> {
  return {
    [API_ENV.documentRetentionSeconds]: String(documentRetentionSeconds(config)),
    ...powertoolsEnvironment(config, 'pdf-pipeline-sweeper'),
  };
}

