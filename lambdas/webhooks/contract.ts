/**
 * The webhook delivery function's contract: its handler and sizing, the environment it is given
 * (built here from the config, for the stack, the local runtime and the tests alike), the settings
 * it reads back from that environment, and the metrics it emits.
 */
import { z } from 'zod';
import type { EnvironmentConfig } from '../../lib/config/schema.js';
import { daysInSeconds, powertoolsEnvironment } from '../shared/function-environment.js';
import { SERVICE_NAMES } from '../shared/metric-names.js';
import { parseEnvironment } from '../shared/parse-environment.js';
import { URL_POLICIES, type UrlPolicy } from '../shared/webhooks/url-guard.js';

/**
 * The handler (relative to the project root), the `service` its metrics carry, and the function
 * and its queue, the same in every environment. One attempt waits at most
 * `webhooks.timeoutSeconds`; the records of a batch are tried side by side.
 */
export const WEBHOOK_DELIVERY = {
  entry: 'lambdas/webhooks/handler.ts',
  serviceName: SERVICE_NAMES.webhooks,
  memoryMb: 256,
  batchSize: 5,
  /** Delivery tasks and events a message may be received before it is dead-lettered, beyond the attempts. */
  extraReceives: 3,
  /** Long enough for the slowest message of a batch, and then some. */
  timeoutSeconds: (config: Pick<EnvironmentConfig, 'webhooks'>) => config.webhooks.timeoutSeconds * 2 + 10,
  /** Messages wait this long at most; the retry schedule spans about 15 hours. */
  retentionDays: 4,
  deadLetterRetentionDays: 14,
} as const;

/** The delivery queue's visibility timeout: AWS's guidance of 6 × the function timeout. */
export function webhookQueueVisibilitySeconds(config: Pick<EnvironmentConfig, 'webhooks'>): number {
  return 6 * WEBHOOK_DELIVERY.timeoutSeconds(config);
}

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

/** Metrics the delivery function emits. */
export const WEBHOOK_METRICS = {
  /** Count: messages a receiver accepted (2xx). */
  delivered: 'WebhooksDelivered',
  /** Count: attempts that failed (each is retried or, the last, gives the message up). */
  attemptsFailed: 'WebhookAttemptsFailed',
  /** Count: messages given up after their last attempt; their webhook is disabled. */
  givenUp: 'WebhooksGivenUp',
} as const;

/** The variables from the config, beside the table, queue and API URL the stack adds. */
export function webhookDeliveryEnvironment(config: EnvironmentConfig, urlPolicy: UrlPolicy = 'deployed'): Record<string, string> {
  const { webhooks } = config;
  return {
    [WEBHOOKS_ENV.urlPolicy]: urlPolicy,
    [WEBHOOKS_ENV.timeoutSeconds]: String(webhooks.timeoutSeconds),
    [WEBHOOKS_ENV.maxAttempts]: String(webhooks.maxAttempts),
    [WEBHOOKS_ENV.deliveryRetentionSeconds]: String(daysInSeconds(webhooks.deliveryRetentionDays)),
    ...powertoolsEnvironment(config, WEBHOOK_DELIVERY.serviceName),
  };
}

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  [WEBHOOKS_ENV.tableName]: z.string().min(1),
  [WEBHOOKS_ENV.queueUrl]: z.string().min(1),
  [WEBHOOKS_ENV.apiUrl]: z.string().min(1),
  [WEBHOOKS_ENV.urlPolicy]: z.enum(URL_POLICIES as [UrlPolicy, ...UrlPolicy[]]).default('deployed'),
  [WEBHOOKS_ENV.timeoutSeconds]: positiveInt,
  [WEBHOOKS_ENV.maxAttempts]: positiveInt,
  [WEBHOOKS_ENV.deliveryRetentionSeconds]: positiveInt,
});

export interface WebhookDeliverySettings {
  readonly tableName: string;
  readonly queueUrl: string;
  readonly apiUrl: string;
  readonly urlPolicy: UrlPolicy;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly deliveryRetentionSeconds: number;
}

export function loadWebhookDeliverySettings(env: NodeJS.ProcessEnv = process.env): WebhookDeliverySettings {
  const values = parseEnvironment(schema, env, 'webhook delivery function');
  return {
    tableName: values[WEBHOOKS_ENV.tableName],
    queueUrl: values[WEBHOOKS_ENV.queueUrl],
    apiUrl: values[WEBHOOKS_ENV.apiUrl],
    urlPolicy: values[WEBHOOKS_ENV.urlPolicy],
    timeoutMs: values[WEBHOOKS_ENV.timeoutSeconds] * 1000,
    maxAttempts: values[WEBHOOKS_ENV.maxAttempts],
    deliveryRetentionSeconds: values[WEBHOOKS_ENV.deliveryRetentionSeconds],
  };
}
