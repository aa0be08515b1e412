/**
 * Webhooks, locally: the delivery queue and its dead-letter queue in fauxqs (created with the
 * other resources, since the API queues tests and redeliveries on it), the EventBridge rule as a
 * target of the local bus that sends matching events to the queue, and the delivery function on
 * the queue through the same SQS event source as the others.
 *
 * Only the URL policy differs from AWS: `local` lets a subscription use plain http to loopback,
 * so a receiver on this machine can be tried.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webhookRulePattern } from '../lambdas/shared/webhooks/events.js';
import { deriveSettings, type EnvironmentConfig } from '../lib/config.js';
import type { AwsClients, EmulatorEndpoints } from './aws-clients.js';
import type { LocalEventBus } from './event-bus.js';
import type { EventPattern } from './event-pattern.js';
import { SqsEventSource } from './event-source.js';
import { emulatorSdkEnvironment, functionEnvironment, lambdaReservedEnvironment } from './function-environment.js';
import { LambdaInvoker } from './lambda-invoker.js';
import type { Log } from './log.js';
import { ensureQueue, queueAttributes, deadLetterQueueAttributes } from './resources.js';
import { LOCAL_NAMES, type FunctionSettings, type QueueSettings } from './settings.js';
import { WEBHOOK_DELIVERY, webhookDeliveryEnvironment, webhookQueueVisibilitySeconds, WEBHOOKS_ENV } from '../lambdas/webhooks/contract.js';

export const WEBHOOKS_HANDLER_MODULE = fileURLToPath(new URL('../lambdas/webhooks/handler.ts', import.meta.url));
const SECONDS_PER_DAY = 24 * 60 * 60;

export interface WebhookQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
}

/** The delivery queue's attributes, as the Webhooks construct sets them. */
export function webhookQueueSettings(config: EnvironmentConfig): QueueSettings {
  return {
    visibilityTimeoutSeconds: webhookQueueVisibilitySeconds(config),
    retentionSeconds: WEBHOOK_DELIVERY.retentionDays * SECONDS_PER_DAY,
    deadLetterRetentionSeconds: WEBHOOK_DELIVERY.deadLetterRetentionDays * SECONDS_PER_DAY,
    maxReceiveCount: config.webhooks.maxAttempts + WEBHOOK_DELIVERY.extraReceives,
  };
}

export async function ensureWebhookQueues(clients: AwsClients, config: EnvironmentConfig): Promise<WebhookQueues> {
  const settings = webhookQueueSettings(config);
  const deadLetterQueue = await ensureQueue(clients, LOCAL_NAMES.webhookDeadLetterQueue, () => deadLetterQueueAttributes(settings));
  const queue = await ensureQueue(clients, LOCAL_NAMES.webhookQueue, () => queueAttributes(settings, deadLetterQueue.arn));
  return { queueUrl: queue.url, queueArn: queue.arn, deadLetterQueueUrl: deadLetterQueue.url };
}

/** Exactly the variables the stack gives the delivery function. */
export function stackWebhookEnvironment(config: EnvironmentConfig, tableName: string, queueUrl: string, apiUrl: string): Record<string, string> {
  return {
    ...webhookDeliveryEnvironment(config),
    [WEBHOOKS_ENV.tableName]: tableName,
    [WEBHOOKS_ENV.queueUrl]: queueUrl,
    [WEBHOOKS_ENV.apiUrl]: apiUrl,
  };
}

export interface LocalWebhookOptions {
  readonly config: EnvironmentConfig;
  readonly clients: AwsClients;
  readonly endpoints: EmulatorEndpoints;
  readonly bus: LocalEventBus;
  readonly queues: WebhookQueues;
  readonly tableName: string;
  readonly apiUrl: string;
  readonly stateRoot: string;
  readonly shutdownGraceMs: number;
  readonly log: Log;
}

export interface LocalWebhooks {
  /** The delivery function's variables as the stack sets them (the template test compares them). */
  readonly stackEnvironment: Record<string, string>;
  readonly eventSourceSettings: FunctionSettings;
  stop(): Promise<void>;
}

export async function startLocalWebhooks(options: LocalWebhookOptions): Promise<LocalWebhooks> {
  const { config, clients, queues } = options;
  const region = config.region;
  const settings: FunctionSettings = {
    functionName: LOCAL_NAMES.webhooksFunction,
    timeoutSeconds: WEBHOOK_DELIVERY.timeoutSeconds(config),
    memoryMb: WEBHOOK_DELIVERY.memoryMb,
    batchSize: WEBHOOK_DELIVERY.batchSize,
    maxBatchingWindowSeconds: 0,
    // No maximum concurrency on the mapping in the stack; two pollers are plenty on one machine.
    maxConcurrency: 2,
    reportBatchItemFailures: true,
  };
  const stackEnvironment = stackWebhookEnvironment(config, options.tableName, queues.queueUrl, options.apiUrl);
  const invoker = new LambdaInvoker({
    handlerModule: WEBHOOKS_HANDLER_MODULE,
    handlerExport: 'handler',
    functionName: settings.functionName,
    region,
    timeoutSeconds: settings.timeoutSeconds,
    memoryMb: settings.memoryMb,
    maxEnvironments: settings.maxConcurrency,
    environment: functionEnvironment({
      stack: stackEnvironment,
      lambda: lambdaReservedEnvironment(settings, region),
      sdk: emulatorSdkEnvironment(options.endpoints),
      // Locally a receiver on this machine (plain http to loopback) may be subscribed.
      emulator: { [WEBHOOKS_ENV.urlPolicy]: 'local' },
    }),
    logFile: join(options.stateRoot, 'logs', 'webhooks.log'),
  });
  const source = await SqsEventSource.start({
    sqs: clients.sqs,
    queueUrl: queues.queueUrl,
    queueArn: queues.queueArn,
    region,
    settings,
    invoke: (event) => invoker.invoke(event),
    inFlightFile: join(options.stateRoot, 'event-source', 'webhooks-in-flight.json'),
    log: options.log,
  });

  // The rule: this environment's document events, as EventBridge sends them to an SQS target.
  options.bus.addTarget({
    name: 'webhook delivery queue',
    pattern: webhookRulePattern(deriveSettings(config).documentEventSource) as EventPattern,
    deliver: async (event) => {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify(event) }));
    },
  });

  return {
    stackEnvironment,
    eventSourceSettings: settings,
    stop: () => Promise.all([source.stop(), invoker.stop(options.shutdownGraceMs)]).then(() => undefined),
  };
}
