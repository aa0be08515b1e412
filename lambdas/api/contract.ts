/**
 * The API function's contract: its handler and sizing, the environment it is given (built here
 * from the config, for the stack, the local runtime and the tests alike), the settings it reads
 * back from that environment, and the metrics it emits.
 */
import { z } from 'zod';
import type { EnvironmentConfig } from '../../lib/config/schema.js';
import { REDRIVE_STRATEGIES, type RedriveStrategy } from '../shared/dead-letter-redrive.js';
import { daysInSeconds, documentRetentionSeconds, powertoolsEnvironment } from '../shared/function-environment.js';
import { SERVICE_NAMES } from '../shared/metric-names.js';
import { parseEnvironment } from '../shared/parse-environment.js';
import { URL_POLICIES, type UrlPolicy } from '../shared/webhooks/url-guard.js';

/**
 * The handler (relative to the project root), the `service` its metrics carry, and its timeout:
 * the function answers within API Gateway's 29-second integration timeout.
 */
export const API_FUNCTION = {
  entry: 'lambdas/api/handler.ts',
  serviceName: SERVICE_NAMES.api,
  timeoutSeconds: 29,
} as const;

/** Environment variables the stack (and the local runtime) set on the API function. */
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

/** Metrics the API function emits. */
export const API_METRICS = {
  /** Count, with the `Source` dimension (`api` or `presigned`): uploads accepted. */
  documentsUploaded: 'DocumentsUploaded',
  /** Count: uploads refused by the per-user quota. */
  uploadQuotaRejections: 'UploadQuotaRejections',
  /** Count: documents deleted (their purge requested). */
  documentsDeleted: 'DocumentsDeleted',
  /** Count: documents sent back to extraction by a reprocess. */
  documentsReprocessed: 'DocumentsReprocessed',
  /** Count: dead-letter redrives started by an admin. */
  deadLetterRedrives: 'DeadLetterRedrives',
  /** Count: audit entries that could not be written (each is in the function log instead). */
  auditWriteFailures: 'AuditWriteFailures',
} as const;

/** The upload routes, the values of a `DocumentsUploaded` datapoint's `Source` dimension. */
export const UPLOAD_SOURCES = ['api', 'presigned'] as const;

/**
 * The variables the API function runs with, from the config. The stack adds the table, bucket,
 * queues and audit table from the resources it creates, and the webhook settings below.
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
    [API_ENV.deletedRetentionSeconds]: String(daysInSeconds(api.deletedRetentionDays)),
    [API_ENV.auditRetentionDays]: String(config.audit.retentionDays),
    [API_ENV.documentRetentionSeconds]: String(documentRetentionSeconds(config)),
    ...powertoolsEnvironment(config, API_FUNCTION.serviceName),
  };
}

/** The webhook settings the API function needs, beside the delivery queue the stack adds. */
export function apiWebhookEnvironment(config: EnvironmentConfig, urlPolicy: UrlPolicy = 'deployed'): Record<string, string> {
  const { webhooks } = config;
  return {
    [API_ENV.webhooksPerOwner]: String(webhooks.maxPerUser),
    [API_ENV.webhookSecretOverlapSeconds]: String(webhooks.secretOverlapHours * 3600),
    [API_ENV.webhookDeliveryRetentionSeconds]: String(daysInSeconds(webhooks.deliveryRetentionDays)),
    [API_ENV.webhookUrlPolicy]: urlPolicy,
  };
}

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();
const name = z.string().min(1);

/** Settings of the API function: where documents live and the limits it enforces. */
export interface ApiSettings {
  readonly tableName: string;
  readonly bucketName: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly purgeQueueUrl: string;
  readonly maxDirectUploadBytes: number;
  readonly maxPresignedUploadBytes: number;
  readonly presignedUrlTtlSeconds: number;
  readonly downloadUrlTtlSeconds: number;
  readonly uploadExpiryGraceSeconds: number;
  readonly allowedOrigins: readonly string[];
  readonly uploadsPerMinute: number;
  readonly uploadsPerDay: number;
  readonly idempotencyTtlSeconds: number;
  readonly deletedRetentionSeconds: number;
  /** How long a document is kept after its creation; unset, documents never expire. */
  readonly documentRetentionSeconds?: number;
  readonly auditTableName: string;
  readonly auditRetentionDays: number;
  /** How the admin redrive moves dead-lettered messages (`move-task` unless told otherwise). */
  readonly deadLetterRedrive: RedriveStrategy;
  /** The bulk lane's queue and dead-letter queue, when the stack has that lane. */
  readonly bulkQueueUrl?: string;
  readonly bulkDeadLetterQueueUrl?: string;
  /** Signed webhooks. */
  readonly webhooks: ApiWebhookSettings;
}

export interface ApiWebhookSettings {
  /** Where test messages and redeliveries are queued; unset, those routes answer 503. */
  readonly queueUrl?: string;
  readonly maxPerOwner: number;
  readonly secretOverlapSeconds: number;
  readonly deliveryRetentionSeconds: number;
  readonly urlPolicy: UrlPolicy;
}

const apiSchema = z.object({
  [API_ENV.tableName]: name,
  [API_ENV.bucketName]: name,
  [API_ENV.queueUrl]: name,
  [API_ENV.deadLetterQueueUrl]: name,
  [API_ENV.purgeQueueUrl]: name,
  [API_ENV.maxDirectUploadBytes]: positiveInt,
  [API_ENV.maxPresignedUploadBytes]: positiveInt,
  [API_ENV.presignedUrlTtlSeconds]: positiveInt,
  [API_ENV.downloadUrlTtlSeconds]: positiveInt,
  [API_ENV.uploadExpiryGraceSeconds]: nonNegativeInt,
  [API_ENV.allowedOrigins]: z.string().default(''),
  [API_ENV.uploadsPerMinute]: positiveInt,
  [API_ENV.uploadsPerDay]: positiveInt,
  [API_ENV.idempotencyTtlSeconds]: positiveInt,
  [API_ENV.deletedRetentionSeconds]: positiveInt,
  [API_ENV.documentRetentionSeconds]: positiveInt.optional(),
  [API_ENV.auditTableName]: name,
  [API_ENV.auditRetentionDays]: positiveInt,
  [API_ENV.deadLetterRedrive]: z.enum(REDRIVE_STRATEGIES as [RedriveStrategy, ...RedriveStrategy[]]).default('move-task'),
  [API_ENV.bulkQueueUrl]: name.optional(),
  [API_ENV.bulkDeadLetterQueueUrl]: name.optional(),
  [API_ENV.webhookQueueUrl]: name.optional(),
  [API_ENV.webhooksPerOwner]: positiveInt.default(10),
  [API_ENV.webhookSecretOverlapSeconds]: nonNegativeInt.default(24 * 3600),
  [API_ENV.webhookDeliveryRetentionSeconds]: positiveInt.default(30 * 24 * 3600),
  // Deployed unless told otherwise: the safe default for a variable someone forgot.
  [API_ENV.webhookUrlPolicy]: z.enum(URL_POLICIES as [UrlPolicy, ...UrlPolicy[]]).default('deployed'),
});

function parse<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv, functionName: string): z.output<T> {
  return parseEnvironment(schema, env, `${functionName} function`);
}

export function loadApiSettings(env: NodeJS.ProcessEnv = process.env): ApiSettings {
  const values = parse(apiSchema, env, 'API');
  return {
    tableName: values[API_ENV.tableName],
    bucketName: values[API_ENV.bucketName],
    queueUrl: values[API_ENV.queueUrl],
    deadLetterQueueUrl: values[API_ENV.deadLetterQueueUrl],
    purgeQueueUrl: values[API_ENV.purgeQueueUrl],
    maxDirectUploadBytes: values[API_ENV.maxDirectUploadBytes],
    maxPresignedUploadBytes: values[API_ENV.maxPresignedUploadBytes],
    presignedUrlTtlSeconds: values[API_ENV.presignedUrlTtlSeconds],
    downloadUrlTtlSeconds: values[API_ENV.downloadUrlTtlSeconds],
    uploadExpiryGraceSeconds: values[API_ENV.uploadExpiryGraceSeconds],
    allowedOrigins: values[API_ENV.allowedOrigins]
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0),
    uploadsPerMinute: values[API_ENV.uploadsPerMinute],
    uploadsPerDay: values[API_ENV.uploadsPerDay],
    idempotencyTtlSeconds: values[API_ENV.idempotencyTtlSeconds],
    deletedRetentionSeconds: values[API_ENV.deletedRetentionSeconds],
    documentRetentionSeconds: values[API_ENV.documentRetentionSeconds],
    auditTableName: values[API_ENV.auditTableName],
    auditRetentionDays: values[API_ENV.auditRetentionDays],
    deadLetterRedrive: values[API_ENV.deadLetterRedrive],
    bulkQueueUrl: values[API_ENV.bulkQueueUrl],
    bulkDeadLetterQueueUrl: values[API_ENV.bulkDeadLetterQueueUrl],
    webhooks: {
      queueUrl: values[API_ENV.webhookQueueUrl],
      maxPerOwner: values[API_ENV.webhooksPerOwner],
      secretOverlapSeconds: values[API_ENV.webhookSecretOverlapSeconds],
      deliveryRetentionSeconds: values[API_ENV.webhookDeliveryRetentionSeconds],
      urlPolicy: values[API_ENV.webhookUrlPolicy],
    },
  };
}
