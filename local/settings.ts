/**
 * Everything the local runtime is named or sized by, in one place.
 *
 * Sizes come from the `dev` config through the same rules the stack applies (`deriveSettings`),
 * so the local pipeline retries, batches and times out like the deployed one. Only the names
 * are local: the stack lets CloudFormation name its resources.
 */
import { LANES, type Lane } from '../lambdas/shared/contract.js';
import { TERMINAL_RECORD_FILTER } from '../lambdas/shared/document-events.js';
import { CONFIGS, deriveSettings, DOCUMENT_EVENTS_PUBLISHER, SHARD_EVENT_SOURCE, type EnvironmentConfig } from '../lib/config.js';

/** The environment the local runtime imitates. */
export const LOCAL_CONFIG: EnvironmentConfig = CONFIGS.dev;

/**
 * Why a config cannot run locally, if it cannot: the runtime refuses to start rather than run
 * something other than what the config says.
 */
export function localConfigProblems(config: EnvironmentConfig): string[] {
  return config.ocr.engine === 'textract'
    ? [
        "ocr.engine 'textract' cannot run locally: Amazon Textract has no emulator, and the local runtime calls no AWS service. " +
          `Set ocr.engine to 'tesseract' (offline, the same pages and layout) or 'off' in the ${config.envName} config the local runtime imitates.`,
      ]
    : [];
}

/** Physical names of the local resources. */
export const LOCAL_NAMES = {
  bucket: 'pdf-pipeline-local',
  table: 'pdf-pipeline-local',
  extractFunction: 'pdf-pipeline-extract',
  documentEventsFunction: 'pdf-pipeline-document-events',
  /** The `configurationId` forwarded S3 events carry, as a bucket notification rule's id would. */
  notificationConfiguration: 'pdf-pipeline-local-object-created',
  apiFunction: 'pdf-pipeline-api',
  purgeFunction: 'pdf-pipeline-purge',
  sweepFunction: 'pdf-pipeline-sweeper',
  purgeQueue: 'pdf-pipeline-purge',
  purgeDeadLetterQueue: 'pdf-pipeline-purge-dlq',
  auditTable: 'pdf-pipeline-local-audit',
  webhooksFunction: 'pdf-pipeline-webhooks',
  webhookQueue: 'pdf-pipeline-webhooks',
  webhookDeadLetterQueue: 'pdf-pipeline-webhooks-dlq',
} as const;

/**
 * Each lane's queues. The interactive lane keeps the names the single queue had, so a state
 * directory from before there were lanes keeps its messages.
 */
export const LOCAL_LANE_QUEUES: Readonly<Record<Lane, { readonly queue: string; readonly deadLetterQueue: string }>> = {
  interactive: { queue: 'pdf-pipeline-extract', deadLetterQueue: 'pdf-pipeline-extract-dlq' },
  bulk: { queue: 'pdf-pipeline-extract-bulk', deadLetterQueue: 'pdf-pipeline-extract-bulk-dlq' },
};

/** Each lane's shard queues: the page-range shards of its long documents. */
export const LOCAL_SHARD_QUEUES: Readonly<Record<Lane, { readonly queue: string; readonly deadLetterQueue: string }>> = {
  interactive: { queue: 'pdf-pipeline-extract-shards', deadLetterQueue: 'pdf-pipeline-extract-shards-dlq' },
  bulk: { queue: 'pdf-pipeline-extract-bulk-shards', deadLetterQueue: 'pdf-pipeline-extract-bulk-shards-dlq' },
};

/** The account fauxqs puts in every ARN and queue URL. */
export const EMULATOR_ACCOUNT_ID = '000000000000';

/**
 * Credentials for the emulators. Neither checks them, but the SDK signs every request, and
 * DynamoDB Local accepts only letters and digits in the key id.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The loopback address every client uses (fauxqs hands out `*.localhost` URLs, which need not resolve). */
export const LOOPBACK = '127.0.0.1';

export const DEFAULT_STATE_DIR = '.local';
export const DEFAULT_PORTS = { fauxqs: 4566, dynamoDb: 8000, api: 3000, web: 5173 } as const;

/** Environment variables `npm start` reads; tests pass options instead. */
export const RUNTIME_ENV_VARS = {
  stateDir: 'PDF_PIPELINE_STATE_DIR',
  fauxqsPort: 'PDF_PIPELINE_FAUXQS_PORT',
  dynamoDbPort: 'PDF_PIPELINE_DYNAMODB_PORT',
  /** Port of the local API gateway (`ApiUrl`). */
  apiPort: 'PDF_PIPELINE_API_PORT',
  /** Port of the web uploader (`WebUrl`); the dev config's allowed origins name 5173. */
  webPort: 'PDF_PIPELINE_WEB_PORT',
} as const;

/** How a function and an SQS event source on it behave locally, resolved from the config. */
export interface FunctionSettings {
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /**
   * The event source's maximum concurrency; for the extraction function itself, the most
   * environments it runs at once (its reserved concurrency, else its lanes' maximums together).
   */
  readonly maxConcurrency: number;
  /** The event source honours `batchItemFailures`, as `reportBatchItemFailures: true` does on AWS. */
  readonly reportBatchItemFailures: boolean;
}

/** Queue attributes, in seconds, as the stack sets them. */
export interface QueueSettings {
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  readonly deadLetterRetentionSeconds: number;
  readonly maxReceiveCount: number;
}

/** The document-event publisher and its table-stream event source, as the stack sets them. */
export interface DocumentEventsSettings {
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly batchSize: number;
  readonly retryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  readonly reportBatchItemFailures: boolean;
  /** The event source mapping's filter patterns. */
  readonly filters: readonly unknown[];
  /** The bus events go to. */
  readonly busName: string;
}

export interface LocalSettings {
  readonly region: string;
  readonly function: FunctionSettings;
  /** Each lane's event source on the extraction function: its settings, with the lane's maximum concurrency. */
  readonly lanes: Readonly<Record<Lane, FunctionSettings>>;
  /** Each lane's shard queue event source: one shard per invocation, the lane's shard concurrency. */
  readonly shardLanes: Readonly<Record<Lane, FunctionSettings>>;
  readonly queue: QueueSettings;
  readonly documentEvents: DocumentEventsSettings;
}

/** Test-only knobs: shorter clocks so timeouts and redeliveries happen within a test. */
export interface SettingsOverrides {
  readonly functionTimeoutSeconds?: number;
  readonly queueVisibilityTimeoutSeconds?: number;
}

const SECONDS_PER_DAY = 24 * 60 * 60;

export function resolveSettings(config: EnvironmentConfig, overrides: SettingsOverrides = {}): LocalSettings {
  const { extraction, queue } = config;
  const extractor: FunctionSettings = {
    functionName: LOCAL_NAMES.extractFunction,
    timeoutSeconds: overrides.functionTimeoutSeconds ?? extraction.timeoutSeconds,
    memoryMb: extraction.memoryMb,
    batchSize: extraction.batchSize,
    maxBatchingWindowSeconds: extraction.maxBatchingWindowSeconds,
    maxConcurrency: deriveSettings(config).extractionConcurrencyCap,
    reportBatchItemFailures: true,
  };
  const lanes = {} as Record<Lane, FunctionSettings>;
  const shardLanes = {} as Record<Lane, FunctionSettings>;
  for (const lane of LANES) {
    lanes[lane] = { ...extractor, maxConcurrency: extraction.lanes[lane].maxConcurrency };
    shardLanes[lane] = {
      ...extractor,
      batchSize: SHARD_EVENT_SOURCE.batchSize,
      maxBatchingWindowSeconds: SHARD_EVENT_SOURCE.maxBatchingWindowSeconds,
      maxConcurrency: extraction.sharding.maxConcurrency[lane],
    };
  }
  return {
    region: config.region,
    function: extractor,
    lanes,
    shardLanes,
    queue: {
      visibilityTimeoutSeconds:
        overrides.queueVisibilityTimeoutSeconds ?? deriveSettings(config).queueVisibilityTimeoutSeconds,
      retentionSeconds: queue.retentionDays * SECONDS_PER_DAY,
      deadLetterRetentionSeconds: queue.deadLetterRetentionDays * SECONDS_PER_DAY,
      maxReceiveCount: queue.maxReceiveCount,
    },
    documentEvents: {
      functionName: LOCAL_NAMES.documentEventsFunction,
      timeoutSeconds: DOCUMENT_EVENTS_PUBLISHER.timeoutSeconds,
      memoryMb: DOCUMENT_EVENTS_PUBLISHER.memoryMb,
      batchSize: DOCUMENT_EVENTS_PUBLISHER.batchSize,
      retryAttempts: DOCUMENT_EVENTS_PUBLISHER.retryAttempts,
      maxRecordAgeSeconds: config.events.maxRecordAgeHours * 3600,
      reportBatchItemFailures: true,
      filters: [TERMINAL_RECORD_FILTER],
      busName: config.events.busName,
    },
  };
}
