/** Settings of the webhook delivery function, from the variables the stack (and the local runtime) set. */
import { z } from 'zod';
import { WEBHOOKS_ENV } from '../shared/contract.js';
import { parseEnvironment } from '../shared/parse-environment.js';
import { URL_POLICIES, type UrlPolicy } from '../shared/webhooks/url-guard.js';

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
