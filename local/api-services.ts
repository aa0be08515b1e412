/**
 * The API locally: the gateway at `ApiUrl`, the API function behind it, the purge queue with its
 * consumer, and the sweeper on a timer, all from the config and handler modules the stack
 * deploys (see `lib/pdf-pipeline-stack.ts`). `runtime.ts` starts this beside the pipeline.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScheduledEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_STAGE_NAME, ROUTES } from '../lambdas/api/routes.js';
import { AuditRepository } from '../lambdas/shared/audit-repository.js';
import { PageStore } from '../lambdas/shared/page-store.js';
import type { Lane } from '../lambdas/shared/contract.js';
import type { EnvironmentConfig } from '../lib/config.js';
import type { AwsClients, EmulatorEndpoints } from './aws-clients.js';
import { SqsEventSource } from './event-source.js';
import { emulatorSdkEnvironment, functionEnvironment, lambdaReservedEnvironment } from './function-environment.js';
import { LocalAuthority, LOCAL_AUTH } from './gateway/local-auth.js';
import { startLocalGateway, type LocalGateway } from './gateway/server.js';
import { LambdaInvoker } from './lambda-invoker.js';
import { errorMessage, type Log } from './log.js';
import { deadLetterQueueAttributes, ensureQueue, queueAttributes } from './resources.js';
import { expireItems } from './ttl-emulation.js';
import { EMULATOR_ACCOUNT_ID, LOCAL_NAMES, type FunctionSettings, type QueueSettings } from './settings.js';
import { API_ENV, API_FUNCTION, apiEnvironment, apiWebhookEnvironment } from '../lambdas/api/contract.js';
import { PURGE_FUNCTION, purgeEnvironment } from '../lambdas/purge/contract.js';
import { SWEEP_ENV, SWEEP_FUNCTION, sweepEnvironment } from '../lambdas/sweep/contract.js';

const handlerModule = (path: string) => fileURLToPath(new URL(path, import.meta.url));
export const API_HANDLER_MODULES = {
  api: handlerModule('../lambdas/api/handler.ts'),
  purge: handlerModule('../lambdas/purge/handler.ts'),
  sweep: handlerModule('../lambdas/sweep/handler.ts'),
} as const;

/** Execution environments of the API function at once (Lambda would scale further; locally, a few suffice). */
const API_LOCAL_CONCURRENCY = 4;
const SECONDS_PER_DAY = 24 * 60 * 60;

/** Test-only knobs: shorter clocks and smaller limits, so expiry, quotas and throttling happen within a test. */
export interface LocalApiOverrides {
  readonly presignedUrlTtlSeconds?: number;
  readonly uploadExpiryGraceSeconds?: number;
  readonly sweepIntervalSeconds?: number;
  /** How long documents are kept, in seconds, instead of the config's `retention.documentDays` (the extractor's too). */
  readonly documentRetentionSeconds?: number;
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** The clock the stage throttle refills by (see `LocalGatewayOptions.throttleClock`). @default Date.now */
  readonly throttleClock?: () => number;
  readonly quotas?: { readonly uploadsPerMinute: number; readonly uploadsPerDay: number };
  /** The presigned POST's `content-length-range` maximum, instead of the config's (100 MB locally). */
  readonly maxPresignedUploadBytes?: number;
  /** API keys the gateway accepts; when set, every authorized route needs one. @default the config's choice (none locally) */
  readonly apiKeys?: readonly string[];
}

export interface LocalApiOptions {
  readonly config: EnvironmentConfig;
  readonly clients: AwsClients;
  readonly endpoints: EmulatorEndpoints;
  readonly resources: {
    readonly bucketName: string;
    readonly tableName: string;
    /** Each lane's extraction queue and dead-letter queue. */
    readonly lanes: Readonly<Record<Lane, { readonly queueUrl: string; readonly deadLetterQueueUrl: string }>>;
    readonly auditTableName: string;
    /** Where webhook tests and redeliveries are queued. */
    readonly webhookQueueUrl: string;
  };
  /** The state directory's root: the signing key, logs and in-flight files live under it. */
  readonly stateRoot: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly overrides?: LocalApiOverrides;
  readonly shutdownGraceMs: number;
  readonly log: Log;
}

/** What the API adds to `outputs.json`; the user pool is the local token authority. */
export interface LocalApiOutputs {
  readonly ApiUrl: string;
  /** The upload limits in force, as the stack outputs them (byte counts, as strings). */
  readonly MaxDirectUploadBytes: string;
  readonly MaxPresignedUploadBytes: string;
  readonly UserPoolId: string;
  readonly UserPoolClientId: string;
}

export interface LocalApi {
  readonly outputs: LocalApiOutputs;
  readonly authority: LocalAuthority;
  readonly purgeQueueUrl: string;
  readonly purgeDeadLetterQueueUrl: string;
  /** Each function's variables as the stack sets them (the template test compares them). */
  readonly stackEnvironments: {
    readonly api: Record<string, string>;
    readonly purge: Record<string, string>;
    readonly sweep: Record<string, string>;
  };
  /** Runs one sweep now, as the schedule would; resolves when it has finished. */
  sweepNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const { config, clients, resources, overrides = {} } = options;
  const region = config.region;
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };

  try {
    // Purge queue and its dead-letter queue, as the DocumentCleanup construct defines them.
    const purge = PURGE_FUNCTION;
    const purgeQueueSettings: QueueSettings = {
      visibilityTimeoutSeconds: 6 * purge.timeoutSeconds,
      retentionSeconds: purge.retentionDays * SECONDS_PER_DAY,
      deadLetterRetentionSeconds: purge.deadLetterRetentionDays * SECONDS_PER_DAY,
      maxReceiveCount: purge.maxReceiveCount,
    };
    const purgeDeadLetterQueue = await ensureQueue(clients, LOCAL_NAMES.purgeDeadLetterQueue, () =>
      deadLetterQueueAttributes(purgeQueueSettings),
    );
    const purgeQueue = await ensureQueue(clients, LOCAL_NAMES.purgeQueue, () =>
      queueAttributes(purgeQueueSettings, purgeDeadLetterQueue.arn),
    );

    // The functions' environments: the stack's variables, Lambda's own, and the emulators'.
    const location = { [API_ENV.tableName]: resources.tableName, [API_ENV.bucketName]: resources.bucketName };
    const stackEnvironments = {
      api: {
        ...apiEnvironment(withOverrides(config, overrides)),
        ...location,
        [API_ENV.queueUrl]: resources.lanes.interactive.queueUrl,
        [API_ENV.deadLetterQueueUrl]: resources.lanes.interactive.deadLetterQueueUrl,
        [API_ENV.bulkQueueUrl]: resources.lanes.bulk.queueUrl,
        [API_ENV.bulkDeadLetterQueueUrl]: resources.lanes.bulk.deadLetterQueueUrl,
        [API_ENV.purgeQueueUrl]: purgeQueue.url,
        [API_ENV.auditTableName]: resources.auditTableName,
        ...apiWebhookEnvironment(config),
        [API_ENV.webhookQueueUrl]: resources.webhookQueueUrl,
      },
      purge: purgeEnvironment(config, resources),
      sweep: sweepEnvironment(config, resources),
    };
    if (overrides.documentRetentionSeconds !== undefined) {
      const retention = { [API_ENV.documentRetentionSeconds]: String(overrides.documentRetentionSeconds) };
      Object.assign(stackEnvironments.api, retention);
      Object.assign(stackEnvironments.sweep, retention);
    }
    const sdk = emulatorSdkEnvironment(options.endpoints);
    const logs = join(options.stateRoot, 'logs');
    const invoker = (fn: {
      readonly functionName: string;
      readonly handlerModule: string;
      readonly memoryMb: number;
      readonly timeoutSeconds: number;
      readonly maxEnvironments: number;
      readonly stack: Record<string, string>;
      readonly emulator?: Record<string, string>;
    }) =>
      new LambdaInvoker({
        handlerModule: fn.handlerModule,
        handlerExport: 'handler',
        functionName: fn.functionName,
        region,
        timeoutSeconds: fn.timeoutSeconds,
        memoryMb: fn.memoryMb,
        maxEnvironments: fn.maxEnvironments,
        environment: functionEnvironment({ stack: fn.stack, lambda: lambdaReservedEnvironment(fn, region), sdk, emulator: fn.emulator }),
        logFile: join(logs, `${fn.functionName.replace(/^pdf-pipeline-/, '')}.log`),
      });

    const apiInvoker = invoker({
      functionName: LOCAL_NAMES.apiFunction,
      handlerModule: API_HANDLER_MODULES.api,
      memoryMb: config.api.memoryMb,
      timeoutSeconds: API_FUNCTION.timeoutSeconds,
      maxEnvironments: API_LOCAL_CONCURRENCY,
      stack: stackEnvironments.api,
      // fauxqs has no message move tasks: the admin redrive moves the messages itself. A receiver
      // on this machine (plain http to loopback) may be subscribed.
      emulator: { [API_ENV.deadLetterRedrive]: 'receive-send-delete', [API_ENV.webhookUrlPolicy]: 'local' },
    });
    stops.push(() => apiInvoker.stop(options.shutdownGraceMs));

    // Purge: the queue's event source, as the SqsEventSource of the construct.
    const purgeSettings: FunctionSettings = {
      functionName: LOCAL_NAMES.purgeFunction,
      timeoutSeconds: purge.timeoutSeconds,
      memoryMb: purge.memoryMb,
      batchSize: purge.batchSize,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: purge.maxConcurrency,
      reportBatchItemFailures: true,
    };
    const purgeInvoker = invoker({
      functionName: purgeSettings.functionName,
      handlerModule: API_HANDLER_MODULES.purge,
      memoryMb: purge.memoryMb,
      timeoutSeconds: purge.timeoutSeconds,
      maxEnvironments: purge.maxConcurrency,
      stack: stackEnvironments.purge,
    });
    const purgeSource = await SqsEventSource.start({
      sqs: clients.sqs,
      queueUrl: purgeQueue.url,
      queueArn: purgeQueue.arn,
      region,
      settings: purgeSettings,
      invoke: (event) => purgeInvoker.invoke(event),
      inFlightFile: join(options.stateRoot, 'event-source', 'purge-in-flight.json'),
      log: options.log,
    });
    stops.push(() => Promise.all([purgeSource.stop(), purgeInvoker.stop(options.shutdownGraceMs)]).then(() => undefined));

    // Sweeper: the EventBridge schedule's part, one run at a time.
    const sweeper = SWEEP_FUNCTION;
    const sweepInvoker = invoker({
      functionName: LOCAL_NAMES.sweepFunction,
      handlerModule: API_HANDLER_MODULES.sweep,
      memoryMb: sweeper.memoryMb,
      timeoutSeconds: sweeper.timeoutSeconds,
      maxEnvironments: 1, // one run at a time, as the schedule's target
      stack: stackEnvironments.sweep,
    });
    stops.push(() => sweepInvoker.stop(options.shutdownGraceMs));
    // DynamoDB Local never expires items and fauxqs has no lifecycle rules: the schedule also does
    // what TTL and the lifecycle rules do, for the document table and the audit trail.
    const tableClient = DynamoDBDocumentClient.from(clients.dynamoDb);
    const auditTrail = new AuditRepository(tableClient, resources.auditTableName, config.audit.retentionDays);
    const ttl = {
      client: tableClient,
      tableName: resources.tableName,
      pages: new PageStore(tableClient, resources.tableName),
      s3: clients.s3,
      bucketName: resources.bucketName,
    };
    let sweeping: Promise<void> | undefined;
    const sweepNow = () =>
      (sweeping ??= expireItems(ttl, new Date())
        .then(() => sweepInvoker.invoke(scheduledEvent(region)))
        .then((outcome) => {
          if (outcome.status === 'failed') options.log(`sweeper: ${outcome.reason}: ${outcome.message}`);
        })
        .then(() => auditTrail.deleteExpired(new Date()))
        .then(() => undefined)
        .catch((error: unknown) => options.log(`sweeper: ${errorMessage(error)}`))
        .finally(() => {
          sweeping = undefined;
        }));
    const intervalMs = (overrides.sweepIntervalSeconds ?? config.api.sweepIntervalMinutes * 60) * 1000;
    const timer = setInterval(() => void sweepNow(), intervalMs);
    stops.push(async () => {
      clearInterval(timer);
      await sweeping;
    });

    // The gateway, last: requests arrive only once everything behind it is up.
    const authority = await LocalAuthority.open(options.stateRoot);
    const gateway: LocalGateway = await startLocalGateway({
      port: options.port,
      routes: ROUTES,
      stageName: API_STAGE_NAME,
      allowedOrigins: config.api.allowedOrigins,
      throttle: overrides.throttle ?? config.api.throttle,
      throttleClock: overrides.throttleClock,
      authority,
      apiKeys: overrides.apiKeys,
      invoke: (event) => apiInvoker.invoke(event),
      log: options.log,
    });
    stops.push(() => gateway.stop());

    return {
      outputs: {
        ApiUrl: gateway.url,
        MaxDirectUploadBytes: String(config.api.maxDirectUploadBytes),
        MaxPresignedUploadBytes: String(overrides.maxPresignedUploadBytes ?? config.api.maxPresignedUploadBytes),
        UserPoolId: LOCAL_AUTH.userPoolId,
        UserPoolClientId: LOCAL_AUTH.clientId,
      },
      authority,
      purgeQueueUrl: purgeQueue.url,
      purgeDeadLetterQueueUrl: purgeDeadLetterQueue.url,
      stackEnvironments,
      sweepNow,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The config with the test overrides applied to what the API function reads. */
function withOverrides(config: EnvironmentConfig, overrides: LocalApiOverrides): EnvironmentConfig {
  return {
    ...config,
    api: {
      ...config.api,
      presignedUrlTtlSeconds: overrides.presignedUrlTtlSeconds ?? config.api.presignedUrlTtlSeconds,
      uploadExpiryGraceSeconds: overrides.uploadExpiryGraceSeconds ?? config.api.uploadExpiryGraceSeconds,
      quotas: overrides.quotas ?? config.api.quotas,
      maxPresignedUploadBytes: overrides.maxPresignedUploadBytes ?? config.api.maxPresignedUploadBytes,
    },
  };
}

/** The event an EventBridge schedule rule sends its target. */
function scheduledEvent(region: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: EMULATOR_ACCOUNT_ID,
    time: new Date().toISOString(),
    region,
    resources: [`arn:aws:events:${region}:${EMULATOR_ACCOUNT_ID}:rule/pdf-pipeline-sweep`],
    detail: {},
  };
}
