/**
 * The local runtime: the emulators, the resources, and the glue AWS provides between them
 * (S3 notifications, the SQS event source, Lambda execution environments), started and stopped
 * as one. `start.ts` runs it for people; the integration tests run it with shorter clocks.
 */
import { fileURLToPath } from 'node:url';
import { EXTRACT_ENV, LANES, type Lane } from '../lambdas/shared/contract.js';
import type { EnvironmentConfig } from '../lib/config.js';
import { startLocalApi, type LocalApi, type LocalApiOverrides } from './api-services.js';
import { createAwsClients, type AwsClients, type EmulatorEndpoints, type LocalOutputs } from './aws-clients.js';
import { startEmulators, type Emulators } from './emulators.js';
import { LocalEventBus } from './event-bus.js';
import { SqsEventSource } from './event-source.js';
import {
  emulatorSdkEnvironment,
  functionEnvironment,
  lambdaReservedEnvironment,
  stackDocumentEventsEnvironment,
  stackFunctionEnvironment,
} from './function-environment.js';
import { LambdaInvoker } from './lambda-invoker.js';
import { silentLog, type Log } from './log.js';
import { NotificationForwarder } from './notifications.js';
import { ensureResources } from './resources.js';
import {
  DEFAULT_PORTS,
  DEFAULT_STATE_DIR,
  LOCAL_CONFIG,
  localConfigProblems,
  LOCAL_CREDENTIALS,
  LOCAL_NAMES,
  resolveSettings,
  type LocalSettings,
} from './settings.js';
import { acquireLock, ensureDirs, stateLayout, writeJsonAtomic, type StateLayout } from './state-dir.js';
import { DynamoDbStreamSource } from './stream-source.js';
import { startS3CorsProxy } from './s3-cors-proxy.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startLocalWebServer } from './web-server.js';
import { ensureWebhookQueues, startLocalWebhooks } from './webhook-services.js';

export const DEFAULT_HANDLER_MODULE = fileURLToPath(new URL('../lambdas/extract/handler.ts', import.meta.url));
/** The document-event publisher, fed by the table's stream. */
export const DOCUMENT_EVENTS_HANDLER_MODULE = fileURLToPath(new URL('../lambdas/document-events/handler.ts', import.meta.url));
const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;
/** Room in a presigned POST's form for its fields (key, policy, signature), beside the file. */
const POST_FORM_FIELDS_BYTES = 64 * 1024;

export interface LocalRuntimeOptions {
  /** @default '.local' */
  readonly stateDir?: string;
  /** 0 picks a free port. @default fauxqs 4566, DynamoDB Local 8000, API 3000 */
  readonly ports?: { readonly fauxqs?: number; readonly dynamoDb?: number; readonly api?: number };
  /** Tests: shorter clocks and smaller limits for the API. @default the dev config's */
  readonly api?: LocalApiOverrides;
  /** Overrides the config's function timeout (tests: a hang is killed within seconds). */
  readonly functionTimeoutSeconds?: number;
  /** Overrides the derived visibility timeout (tests: redelivery within seconds). */
  readonly queueVisibilityTimeoutSeconds?: number;
  /**
   * Overrides the config's budget per document (tests: with a function timeout of seconds, the
   * extractor would otherwise defer every document for want of time).
   */
  readonly documentTimeoutSeconds?: number;
  /** Tests: a smaller shard size, so a document of a few dozen pages is split. @default the config's */
  readonly pagesPerShard?: number;
  /**
   * Tests and measurements: turn the reuse of identical documents on or off, whatever the config says
   * (a load of repeated files measures extraction only with it off). @default the config's
   */
  readonly reuseIdenticalDocuments?: boolean;
  /** Module exporting the handler. @default lambdas/extract/handler.ts */
  readonly handlerModule?: string;
  /** @default 'handler' */
  readonly handlerExport?: string;
  /**
   * Forward S3 events to the queue. Tests turn it off to stand for a runtime that stopped
   * between an upload and its notification. @default true
   */
  readonly forwardNotifications?: boolean;
  /** How long running invocations may finish on stop before their environments are ended. @default 5000 */
  readonly shutdownGraceMs?: number;
  /**
   * Serve the web uploader (`npm start` does). Its origin joins the API's allowed origins, and
   * the API signs its S3 URLs for a proxy that answers CORS, which fauxqs does not.
   * @default - not served
   */
  readonly web?: LocalWebOptions;
  /**
   * Tests: the functions reach the emulators through a fault-injecting proxy (`fault-proxy.ts`),
   * exposed as `faults`. The runtime's own glue (notifications, event sources) does not.
   * @default false
   */
  readonly faultInjection?: boolean;
  /** @default silent */
  readonly log?: Log;
}

export interface LocalWebOptions {
  /** 0 picks a free port. @default 5173 */
  readonly port?: number;
  /**
   * Tests: the page sends larger files by presigned POST, so a small one takes that route.
   * The API's own limit is unchanged. @default the dev config's `api.maxDirectUploadBytes`
   */
  readonly maxDirectUploadBytes?: number;
}

export interface LocalRuntime {
  readonly outputs: LocalOutputs;
  /** The sizes and clocks in force, after overrides. */
  readonly settings: LocalSettings;
  readonly layout: StateLayout;
  /** The function's environment by origin; `stack` is what the deployed function gets too. */
  readonly functionEnvironment: {
    readonly stack: Readonly<Record<string, string>>;
    readonly lambda: Readonly<Record<string, string>>;
    readonly sdk: Readonly<Record<string, string>>;
  };
  /** What the stack gives the document-event publisher, as the local one gets it. */
  readonly documentEventsEnvironment: Readonly<Record<string, string>>;
  /** What the stack gives the webhook delivery function, as the local one gets it. */
  readonly webhooksEnvironment: Readonly<Record<string, string>>;
  /** The API: gateway, functions, token authority. */
  readonly api: LocalApi;
  /** The proxy the functions' SDK traffic goes through, with `faultInjection`. */
  readonly faults?: FaultProxy;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? silentLog;
  const refusals = localConfigProblems(LOCAL_CONFIG);
  if (refusals.length > 0) throw new Error(`The local runtime cannot start: ${refusals.join('; ')}`);
  const settings = resolveSettings(LOCAL_CONFIG, options);
  const layout = stateLayout(options.stateDir ?? DEFAULT_STATE_DIR);
  ensureDirs(layout);
  const releaseLock = acquireLock(layout);

  // Everything started so far, stopped in reverse if a later step fails.
  const stops: Array<() => Promise<void> | void> = [releaseLock];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };

  try {
    const emulators: Emulators = await startEmulators(
      layout,
      { fauxqs: options.ports?.fauxqs ?? DEFAULT_PORTS.fauxqs, dynamoDb: options.ports?.dynamoDb ?? DEFAULT_PORTS.dynamoDb },
      settings.region,
    );
    stops.push(() => emulators.stop());

    // The event bus: EventBridge's PutEvents, appending to the event log.
    const bus = await LocalEventBus.start({
      busName: settings.documentEvents.busName,
      region: settings.region,
      logFile: layout.eventLog,
      log,
    });
    stops.push(() => bus.stop());

    const endpoints: EmulatorEndpoints = {
      awsEndpoint: emulators.fauxqs.endpoint,
      dynamoDbEndpoint: emulators.dynamoDb.endpoint,
      region: settings.region,
      credentials: LOCAL_CREDENTIALS,
      eventBusEndpoint: bus.endpoint,
    };
    const clients: AwsClients = createAwsClients(endpoints);
    stops.push(() => clients.destroy());

    const resources = await ensureResources(clients, settings.queue);
    const webhookQueues = await ensureWebhookQueues(clients, LOCAL_CONFIG);

    // With fault injection, every function's S3, SQS and DynamoDB endpoint is the fault proxy.
    const faults = options.faultInjection
      ? await startFaultProxy({ awsTarget: endpoints.awsEndpoint, dynamoDbTarget: endpoints.dynamoDbEndpoint, log })
      : undefined;
    if (faults) stops.push(() => faults.stop());
    const functionEndpoints: EmulatorEndpoints = faults
      ? { ...endpoints, awsEndpoint: faults.awsEndpoint, dynamoDbEndpoint: faults.dynamoDbEndpoint }
      : endpoints;

    // The web uploader listens before the API starts, which must allow its origin; the API's
    // presigned URLs then point at the bucket's front door: S3's presigned POST rules, and CORS
    // for the web page's origins.
    const web = options.web
      ? await startLocalWebServer({ port: options.web.port ?? DEFAULT_PORTS.web, stateRoot: layout.root, log })
      : undefined;
    if (web) stops.push(() => web.stop());
    const apiConfig = web ? withBrowserOrigins(LOCAL_CONFIG, web.origins) : LOCAL_CONFIG;
    const proxyClients = createAwsClients(functionEndpoints);
    stops.push(() => proxyClients.destroy());
    const s3Proxy = await startS3CorsProxy({
      target: functionEndpoints.awsEndpoint,
      allowedOrigins: apiConfig.api.allowedOrigins,
      postObject: {
        s3: proxyClients.s3,
        secretAccessKey: functionEndpoints.credentials.secretAccessKey,
        maxFormBytes: apiConfig.api.maxPresignedUploadBytes + POST_FORM_FIELDS_BYTES,
      },
      log,
    });
    stops.push(() => s3Proxy.stop());

    // The API: gateway, API function, purge consumer and sweeper.
    const api = await startLocalApi({
      config: apiConfig,
      clients,
      endpoints: { ...functionEndpoints, awsEndpoint: s3Proxy.url },
      resources: { ...resources, webhookQueueUrl: webhookQueues.queueUrl },
      stateRoot: layout.root,
      port: options.ports?.api ?? DEFAULT_PORTS.api,
      overrides: options.api,
      shutdownGraceMs: options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
      log,
    });
    stops.push(() => api.stop());

    // Webhooks: the rule on the bus, the delivery queue's event source and the delivery function.
    const webhooks = await startLocalWebhooks({
      config: LOCAL_CONFIG,
      clients,
      endpoints: functionEndpoints,
      bus,
      queues: webhookQueues,
      tableName: resources.tableName,
      apiUrl: api.outputs.ApiUrl,
      stateRoot: layout.root,
      shutdownGraceMs: options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
      log,
    });
    stops.push(() => webhooks.stop());
    web?.configure({
      apiUrl: api.outputs.ApiUrl,
      maxDirectUploadBytes: options.web?.maxDirectUploadBytes ?? LOCAL_CONFIG.api.maxDirectUploadBytes,
      maxUploadBytes: LOCAL_CONFIG.api.maxPresignedUploadBytes,
      connectSources: [api.outputs.ApiUrl, s3Proxy.url],
    });
    const outputs: LocalOutputs = {
      BucketName: resources.bucketName,
      QueueUrl: resources.lanes.interactive.queueUrl,
      DeadLetterQueueUrl: resources.lanes.interactive.deadLetterQueueUrl,
      BulkQueueUrl: resources.lanes.bulk.queueUrl,
      BulkDeadLetterQueueUrl: resources.lanes.bulk.deadLetterQueueUrl,
      ShardQueueUrl: resources.lanes.interactive.shards.queueUrl,
      ShardDeadLetterQueueUrl: resources.lanes.interactive.shards.deadLetterQueueUrl,
      BulkShardQueueUrl: resources.lanes.bulk.shards.queueUrl,
      BulkShardDeadLetterQueueUrl: resources.lanes.bulk.shards.deadLetterQueueUrl,
      TableName: resources.tableName,
      AwsEndpoint: endpoints.awsEndpoint,
      DynamoDbEndpoint: endpoints.dynamoDbEndpoint,
      Region: endpoints.region,
      AccessKeyId: endpoints.credentials.accessKeyId,
      SecretAccessKey: endpoints.credentials.secretAccessKey,
      ...api.outputs,
      ...(web ? { WebUrl: web.url } : {}),
      EventBusName: settings.documentEvents.busName,
      EventBusEndpoint: bus.endpoint,
      EventLog: layout.eventLog,
      WebhookQueueUrl: webhookQueues.queueUrl,
      WebhookDeadLetterQueueUrl: webhookQueues.deadLetterQueueUrl,
    };
    writeJsonAtomic(layout.outputsFile, outputs);

    const environment = {
      stack: withReuse(
        withShardSize(
          withDocumentTimeout(
            withDocumentRetention(stackFunctionEnvironment(LOCAL_CONFIG, resources), options.api?.documentRetentionSeconds),
            options.documentTimeoutSeconds,
          ),
          options.pagesPerShard,
        ),
        options.reuseIdenticalDocuments,
      ),
      lambda: lambdaReservedEnvironment(settings.function, settings.region),
      sdk: emulatorSdkEnvironment(functionEndpoints),
    };
    const invoker = new LambdaInvoker({
      handlerModule: options.handlerModule ?? DEFAULT_HANDLER_MODULE,
      handlerExport: options.handlerExport ?? 'handler',
      functionName: settings.function.functionName,
      region: settings.region,
      timeoutSeconds: settings.function.timeoutSeconds,
      memoryMb: settings.function.memoryMb,
      // Room for every lane's event source at its maximum at once, as the reserved concurrency gives on AWS.
      maxEnvironments: settings.function.maxConcurrency,
      environment: functionEnvironment(environment),
      logFile: layout.extractLog,
    });
    // Two event sources per lane on the same function, its queue's and its shard queue's, each
    // with its own maximum concurrency.
    const eventSources = await Promise.all(
      LANES.flatMap((lane: Lane) =>
        [
          { queue: resources.lanes[lane], settings: settings.lanes[lane], inFlightFile: layout.inFlightFiles[lane] },
          { queue: resources.lanes[lane].shards, settings: settings.shardLanes[lane], inFlightFile: layout.shardInFlightFiles[lane] },
        ].map((source) =>
          SqsEventSource.start({
            sqs: clients.sqs,
            queueUrl: source.queue.queueUrl,
            queueArn: source.queue.queueArn,
            region: settings.region,
            settings: source.settings,
            invoke: (event) => invoker.invoke(event),
            inFlightFile: source.inFlightFile,
            log,
          }),
        ),
      ),
    );
    // Polling stops first; running invocations get the grace period, then their environments end.
    const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    stops.push(() => Promise.all([...eventSources.map((source) => source.stop()), invoker.stop(graceMs)]).then(() => undefined));

    // Document events: the table's stream feeds the publisher, which puts events on the bus.
    const documentEvents = settings.documentEvents;
    const documentEventsEnvironment = stackDocumentEventsEnvironment(LOCAL_CONFIG);
    const publisher = new LambdaInvoker({
      handlerModule: DOCUMENT_EVENTS_HANDLER_MODULE,
      handlerExport: 'handler',
      functionName: documentEvents.functionName,
      region: settings.region,
      timeoutSeconds: documentEvents.timeoutSeconds,
      memoryMb: documentEvents.memoryMb,
      // One shard, parallelization factor 1: one invocation at a time, as on AWS.
      maxEnvironments: 1,
      environment: functionEnvironment({
        stack: documentEventsEnvironment,
        lambda: lambdaReservedEnvironment(documentEvents, settings.region),
        sdk: environment.sdk,
      }),
      logFile: layout.documentEventsLog,
    });
    const streamSource = DynamoDbStreamSource.start({
      streams: clients.dynamoDbStreams,
      streamArn: resources.tableStreamArn,
      region: settings.region,
      settings: documentEvents,
      invoke: (event) => publisher.invoke(event),
      checkpointFile: layout.streamCheckpointFile,
      failedBatchesFile: layout.failedEventBatches,
      log,
    });
    stops.push(() => Promise.all([streamSource.stop(), publisher.stop(graceMs)]).then(() => undefined));

    if (options.forwardNotifications ?? true) {
      const forwarder = await NotificationForwarder.start({
        s3: clients.s3,
        sqs: clients.sqs,
        bucket: resources.bucketName,
        queueUrls: { interactive: resources.lanes.interactive.queueUrl, bulk: resources.lanes.bulk.queueUrl },
        region: settings.region,
        configurationId: LOCAL_NAMES.notificationConfiguration,
        ledgerFile: layout.forwardLedger,
        log,
      });
      emulators.fauxqs.onObjectCreated(({ bucket, key }) => forwarder.hint(bucket, key));
      stops.push(() => forwarder.stop());
    }

    let stopping: Promise<void> | undefined;
    return {
      outputs,
      settings,
      layout,
      functionEnvironment: environment,
      api,
      documentEventsEnvironment,
      webhooksEnvironment: webhooks.stackEnvironment,
      ...(faults ? { faults } : {}),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The extractor's variables with a test's document retention in place of the config's. */
function withDocumentRetention(stack: Record<string, string>, seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? stack : { ...stack, [EXTRACT_ENV.documentRetentionSeconds]: String(seconds) };
}

/** The extractor's variables with a test's budget per document in place of the config's. */
function withDocumentTimeout(stack: Record<string, string>, seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? stack : { ...stack, [EXTRACT_ENV.documentTimeoutSeconds]: String(seconds) };
}

function withShardSize(stack: Record<string, string>, pagesPerShard: number | undefined): Record<string, string> {
  return pagesPerShard === undefined ? stack : { ...stack, [EXTRACT_ENV.shardPages]: String(pagesPerShard) };
}

function withReuse(stack: Record<string, string>, reuse: boolean | undefined): Record<string, string> {
  return reuse === undefined ? stack : { ...stack, [EXTRACT_ENV.reuseIdenticalDocuments]: String(reuse) };
}

/** The config with the web uploader's origins allowed, as the stack adds its site's URL. */
function withBrowserOrigins(config: EnvironmentConfig, origins: readonly string[]): EnvironmentConfig {
  const allowedOrigins = [...new Set([...config.api.allowedOrigins, ...origins])];
  return { ...config, api: { ...config.api, allowedOrigins } };
}
