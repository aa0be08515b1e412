/**
 * The local runtime: the emulators, the resources, and the glue AWS provides between them
 * (S3 notifications, the SQS event source, Lambda execution environments), started and stopped
 * as one. `start.ts` runs it for people; the integration tests run it with shorter clocks.
 */
import { fileURLToPath } from 'node:url';
import { createAwsClients, type AwsClients, type EmulatorEndpoints, type LocalOutputs } from './aws-clients.js';
import { startEmulators, type Emulators } from './emulators.js';
import { SqsEventSource } from './event-source.js';
import {
  emulatorSdkEnvironment,
  functionEnvironment,
  lambdaReservedEnvironment,
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
  LOCAL_CREDENTIALS,
  LOCAL_NAMES,
  resolveSettings,
  type LocalSettings,
} from './settings.js';
import { acquireLock, ensureDirs, stateLayout, writeJsonAtomic, type StateLayout } from './state-dir.js';

export const DEFAULT_HANDLER_MODULE = fileURLToPath(new URL('../lambdas/extract/handler.ts', import.meta.url));
const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

export interface LocalRuntimeOptions {
  /** @default '.local' */
  readonly stateDir?: string;
  /** 0 picks a free port. @default fauxqs 4566, DynamoDB Local 8000 */
  readonly ports?: { readonly fauxqs?: number; readonly dynamoDb?: number };
  /** Overrides the config's function timeout (tests: a hang is killed within seconds). */
  readonly functionTimeoutSeconds?: number;
  /** Overrides the derived visibility timeout (tests: redelivery within seconds). */
  readonly queueVisibilityTimeoutSeconds?: number;
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
  /** @default silent */
  readonly log?: Log;
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
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? silentLog;
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

    const endpoints: EmulatorEndpoints = {
      awsEndpoint: emulators.fauxqs.endpoint,
      dynamoDbEndpoint: emulators.dynamoDb.endpoint,
      region: settings.region,
      credentials: LOCAL_CREDENTIALS,
    };
    const clients: AwsClients = createAwsClients(endpoints);
    stops.push(() => clients.destroy());

    const resources = await ensureResources(clients, settings.queue);
    const outputs: LocalOutputs = {
      BucketName: resources.bucketName,
      QueueUrl: resources.queueUrl,
      DeadLetterQueueUrl: resources.deadLetterQueueUrl,
      TableName: resources.tableName,
      AwsEndpoint: endpoints.awsEndpoint,
      DynamoDbEndpoint: endpoints.dynamoDbEndpoint,
      Region: endpoints.region,
      AccessKeyId: endpoints.credentials.accessKeyId,
      SecretAccessKey: endpoints.credentials.secretAccessKey,
    };
    writeJsonAtomic(layout.outputsFile, outputs);

    const environment = {
      stack: stackFunctionEnvironment(LOCAL_CONFIG, resources),
      lambda: lambdaReservedEnvironment(settings.function, settings.region),
      sdk: emulatorSdkEnvironment(endpoints),
    };
    const invoker = new LambdaInvoker({
      handlerModule: options.handlerModule ?? DEFAULT_HANDLER_MODULE,
      handlerExport: options.handlerExport ?? 'handler',
      functionName: settings.function.functionName,
      region: settings.region,
      timeoutSeconds: settings.function.timeoutSeconds,
      memoryMb: settings.function.memoryMb,
      maxEnvironments: settings.function.maxConcurrency,
      environment: functionEnvironment(environment),
      logFile: layout.extractLog,
    });
    const eventSource = await SqsEventSource.start({
      sqs: clients.sqs,
      queueUrl: resources.queueUrl,
      queueArn: resources.queueArn,
      region: settings.region,
      settings: settings.function,
      invoke: (event) => invoker.invoke(event),
      inFlightFile: layout.inFlightFile,
      log,
    });
    // Polling stops first; running invocations get the grace period, then their environments end.
    const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    stops.push(() => Promise.all([eventSource.stop(), invoker.stop(graceMs)]).then(() => undefined));

    if (options.forwardNotifications ?? true) {
      const forwarder = await NotificationForwarder.start({
        s3: clients.s3,
        sqs: clients.sqs,
        bucket: resources.bucketName,
        queueUrl: resources.queueUrl,
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
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
