import { z } from 'zod';
import { API_ENV } from './contract.js';
import { REDRIVE_STRATEGIES, type RedriveStrategy } from './dead-letter-redrive.js';
import { parseEnvironment } from './parse-environment.js';
import { URL_POLICIES, type UrlPolicy } from './webhooks/url-guard.js';

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

/** Settings of the purge function, which removes what a deleted document left behind. */
export interface PurgeSettings {
  readonly tableName: string;
  readonly bucketName: string;
}

/**
 * Settings of the sweeper, which expires abandoned uploads and retries lost purges. Each task
 * carries its own due time (the upload's expiry plus the grace), so it needs no limits of its own.
 */
export interface SweepSettings extends PurgeSettings {
  /** How long a document is kept after its creation; unset, documents never expire. */
  readonly documentRetentionSeconds?: number;
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

const purgeSchema = z.object({ [API_ENV.tableName]: name, [API_ENV.bucketName]: name });
const sweepSchema = purgeSchema.extend({
  [API_ENV.documentRetentionSeconds]: positiveInt.optional(),
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

export function loadPurgeSettings(env: NodeJS.ProcessEnv = process.env): PurgeSettings {
  const values = parse(purgeSchema, env, 'purge');
  return { tableName: values[API_ENV.tableName], bucketName: values[API_ENV.bucketName] };
}

export function loadSweepSettings(env: NodeJS.ProcessEnv = process.env): SweepSettings {
  const values = parse(sweepSchema, env, 'sweeper');
  return {
    tableName: values[API_ENV.tableName],
    bucketName: values[API_ENV.bucketName],
    documentRetentionSeconds: values[API_ENV.documentRetentionSeconds],
  };
}
