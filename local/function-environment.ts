/**
 * The extraction function's environment variables, in three parts:
 * - what the stack sets (`extractionEnvironment` plus the table and bucket names);
 * - what Lambda itself sets in every execution environment;
 * - what points the SDK at the emulators instead of AWS.
 */
import { EXTRACT_ENV } from '../lambdas/shared/contract.js';
import { documentEventsEnvironment, extractionEnvironment, type EnvironmentConfig } from '../lib/config.js';
import type { EmulatorEndpoints } from './aws-clients.js';
import type { FunctionSettings } from './settings.js';

/** Exactly the variables the stack gives the function; the template test compares the two. */
export function stackFunctionEnvironment(
  config: EnvironmentConfig,
  resources: {
    readonly tableName: string;
    readonly bucketName: string;
    readonly lanes: Readonly<Record<'interactive' | 'bulk', { readonly shards: { readonly queueUrl: string } }>>;
  },
): Record<string, string> {
  return {
    ...extractionEnvironment(config),
    [EXTRACT_ENV.tableName]: resources.tableName,
    [EXTRACT_ENV.bucketName]: resources.bucketName,
    [EXTRACT_ENV.interactiveShardQueueUrl]: resources.lanes.interactive.shards.queueUrl,
    [EXTRACT_ENV.bulkShardQueueUrl]: resources.lanes.bulk.shards.queueUrl,
  };
}

/** Exactly the variables the stack gives the document-event publisher. */
export function stackDocumentEventsEnvironment(config: EnvironmentConfig): Record<string, string> {
  return documentEventsEnvironment(config);
}

/** A subset of Lambda's reserved variables; the log stream name is added per environment. */
export function lambdaReservedEnvironment(
  settings: Pick<FunctionSettings, 'functionName' | 'memoryMb'>,
  region: string,
): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: settings.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${settings.functionName}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
  };
}

/**
 * Credentials and endpoints for the emulators. The SDK reads the service-specific
 * `AWS_ENDPOINT_URL_<SERVICE>` variables itself; `S3_FORCE_PATH_STYLE` is read by the
 * handlers' shared S3 client, since bucket-named hosts cannot resolve to the emulator.
 */
export function emulatorSdkEnvironment(endpoints: EmulatorEndpoints): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: endpoints.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: endpoints.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: endpoints.awsEndpoint,
    AWS_ENDPOINT_URL_SQS: endpoints.awsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoDbEndpoint,
    ...(endpoints.eventBusEndpoint ? { AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventBusEndpoint } : {}),
    S3_FORCE_PATH_STYLE: 'true',
  };
}

/**
 * Everything an execution environment starts with. `PATH` is kept so the handler can find tools.
 * `emulator` holds the few deliberate local differences (each commented where it is set); they
 * win over the stack's values.
 */
export function functionEnvironment(parts: {
  readonly stack: Record<string, string>;
  readonly lambda: Record<string, string>;
  readonly sdk: Record<string, string>;
  readonly emulator?: Record<string, string>;
}): Record<string, string> {
  return { ...(process.env.PATH ? { PATH: process.env.PATH } : {}), ...parts.lambda, ...parts.sdk, ...parts.stack, ...parts.emulator };
}
