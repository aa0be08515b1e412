/**
 * Per-environment settings of pdf-pipeline: one typed object per environment, plain data.
 *
 * The CDK app, the extraction handler (through the environment variables the stack sets)
 * and the local runtime all derive their settings from here, so a limit is changed once.
 */
import { EXTRACT_ENV } from '../lambdas/shared/contract.js';

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export interface ExtractionConfig {
  /** Lambda memory in MB. */
  readonly memoryMb: number;
  /** Lambda timeout in seconds. */
  readonly timeoutSeconds: number;
  /**
   * Reserved concurrency for the extraction function. Optional: new AWS accounts have a
   * concurrency quota of 10, which leaves nothing to reserve.
   */
  readonly reservedConcurrency?: number;
  /** SQS event source maximum concurrency (AWS minimum 2); never above the reserved concurrency. */
  readonly maxConcurrency: number;
  /** Records per invocation (1–10 for a standard queue without a batching window). */
  readonly batchSize: number;
  /** How long the event source gathers records before invoking, in seconds (0–300). */
  readonly maxBatchingWindowSeconds: number;
  /** Largest PDF accepted for extraction, in bytes. */
  readonly maxPdfBytes: number;
  /** Largest page count accepted for extraction. */
  readonly maxPages: number;
  /** Wall-clock budget for one document, in seconds (further capped by the invocation's remaining time). */
  readonly documentTimeoutSeconds: number;
  /** Heap budget of the worker thread that parses one document, in MB. */
  readonly workerMemoryMb: number;
}

export interface QueueConfig {
  /** Receives before a message moves to the dead-letter queue; also the per-document attempt limit. */
  readonly maxReceiveCount: number;
  /** How long the source queue keeps a message, in days. */
  readonly retentionDays: number;
  /** How long the dead-letter queue keeps a message, in days (SQS maximum 14). */
  readonly deadLetterRetentionDays: number;
}

export interface StorageConfig {
  /** `destroy` empties and deletes data with the stack; `retain` keeps bucket and table. */
  readonly removalPolicy: 'destroy' | 'retain';
  /** Days after which noncurrent object versions expire. */
  readonly noncurrentVersionExpirationDays: number;
  /** Days after which incomplete multipart uploads are aborted. */
  readonly abortIncompleteMultipartUploadDays: number;
  /** Days the server access logs are kept. */
  readonly accessLogRetentionDays: number;
}

export interface ObservabilityConfig {
  /** CloudWatch Logs retention for function logs, in days. */
  readonly logRetentionDays: number;
  /** Powertools log level. */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export interface EnvironmentConfig {
  readonly envName: EnvironmentName;
  /** AWS account; unset means the CLI's current account at deploy time (synth needs none). */
  readonly account?: string;
  readonly region: string;
  readonly extraction: ExtractionConfig;
  readonly queue: QueueConfig;
  readonly storage: StorageConfig;
  readonly observability: ObservabilityConfig;
}

const MB = 1024 * 1024;

const baseExtraction = {
  memoryMb: 2048,
  timeoutSeconds: 120,
  batchSize: 5,
  maxBatchingWindowSeconds: 1,
  maxPdfBytes: 100 * MB,
  maxPages: 5000,
  documentTimeoutSeconds: 60,
  workerMemoryMb: 1024,
} as const;

export const CONFIGS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = {
  dev: {
    envName: 'dev',
    region: 'eu-west-1',
    extraction: { ...baseExtraction, maxConcurrency: 2 },
    queue: { maxReceiveCount: 5, retentionDays: 4, deadLetterRetentionDays: 14 },
    storage: {
      removalPolicy: 'destroy',
      noncurrentVersionExpirationDays: 7,
      abortIncompleteMultipartUploadDays: 1,
      accessLogRetentionDays: 30,
    },
    observability: { logRetentionDays: 14, logLevel: 'DEBUG' },
  },
  staging: {
    envName: 'staging',
    region: 'eu-west-1',
    extraction: { ...baseExtraction, reservedConcurrency: 5, maxConcurrency: 5 },
    queue: { maxReceiveCount: 5, retentionDays: 4, deadLetterRetentionDays: 14 },
    storage: {
      removalPolicy: 'destroy',
      noncurrentVersionExpirationDays: 14,
      abortIncompleteMultipartUploadDays: 1,
      accessLogRetentionDays: 90,
    },
    observability: { logRetentionDays: 30, logLevel: 'INFO' },
  },
  prod: {
    envName: 'prod',
    region: 'eu-west-1',
    extraction: { ...baseExtraction, memoryMb: 3008, reservedConcurrency: 20, maxConcurrency: 20 },
    queue: { maxReceiveCount: 5, retentionDays: 4, deadLetterRetentionDays: 14 },
    storage: {
      removalPolicy: 'retain',
      noncurrentVersionExpirationDays: 30,
      abortIncompleteMultipartUploadDays: 1,
      accessLogRetentionDays: 365,
    },
    observability: { logRetentionDays: 90, logLevel: 'INFO' },
  },
};

/** Settings that follow from the config by rule rather than being chosen. */
export interface DerivedSettings {
  /** AWS guidance: at least 6 × function timeout + batching window, so retries of a throttled batch do not expire. */
  readonly queueVisibilityTimeoutSeconds: number;
  /** Stack name, e.g. `PdfPipeline-dev`. */
  readonly stackName: string;
}

export function deriveSettings(config: EnvironmentConfig): DerivedSettings {
  return {
    queueVisibilityTimeoutSeconds:
      6 * config.extraction.timeoutSeconds + config.extraction.maxBatchingWindowSeconds,
    stackName: `PdfPipeline-${config.envName}`,
  };
}

/** Throws with every broken rule listed; the CDK app calls it before synthesizing anything. */
export function validateConfig(config: EnvironmentConfig): void {
  const problems: string[] = [];
  const { extraction, queue } = config;
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };

  check(extraction.memoryMb >= 128 && extraction.memoryMb <= 10240, 'extraction.memoryMb must be 128–10240');
  check(extraction.timeoutSeconds >= 1 && extraction.timeoutSeconds <= 900, 'extraction.timeoutSeconds must be 1–900');
  check(extraction.maxConcurrency >= 2 && extraction.maxConcurrency <= 1000, 'extraction.maxConcurrency must be 2–1000');
  if (extraction.reservedConcurrency !== undefined) {
    check(
      extraction.maxConcurrency <= extraction.reservedConcurrency,
      `extraction.maxConcurrency (${extraction.maxConcurrency}) must not exceed reservedConcurrency (${extraction.reservedConcurrency}), or throttled invocations push healthy messages into the DLQ`,
    );
  }
  check(extraction.batchSize >= 1 && extraction.batchSize <= 10000, 'extraction.batchSize must be 1–10000');
  check(
    extraction.batchSize <= 10 || extraction.maxBatchingWindowSeconds >= 1,
    'extraction.batchSize above 10 needs a batching window of at least 1 second',
  );
  check(
    extraction.maxBatchingWindowSeconds >= 0 && extraction.maxBatchingWindowSeconds <= 300,
    'extraction.maxBatchingWindowSeconds must be 0–300',
  );
  check(
    extraction.documentTimeoutSeconds < extraction.timeoutSeconds,
    'extraction.documentTimeoutSeconds must be below timeoutSeconds, leaving time to record the outcome',
  );
  check(extraction.workerMemoryMb < extraction.memoryMb, 'extraction.workerMemoryMb must be below memoryMb');
  check(extraction.maxPdfBytes > 0 && extraction.maxPages > 0, 'extraction size and page limits must be positive');
  check(queue.maxReceiveCount >= 1 && queue.maxReceiveCount <= 1000, 'queue.maxReceiveCount must be 1–1000');
  check(queue.deadLetterRetentionDays <= 14, 'queue.deadLetterRetentionDays must be at most 14 (SQS maximum)');
  check(
    queue.deadLetterRetentionDays > queue.retentionDays,
    'queue.deadLetterRetentionDays must exceed retentionDays: a message keeps its original enqueue time in the DLQ',
  );
  check(
    deriveSettings(config).queueVisibilityTimeoutSeconds <= 43200,
    'queue visibility timeout (6 × timeout + window) must be at most 12 hours',
  );

  if (problems.length > 0) {
    throw new Error(`Invalid ${config.envName} config:\n- ${problems.join('\n- ')}`);
  }
}

/**
 * The environment variables the extraction function runs with, from the config.
 * The stack adds `TABLE_NAME` and `BUCKET_NAME` from the resources it creates.
 */
export function extractionEnvironment(config: EnvironmentConfig): Record<string, string> {
  return {
    [EXTRACT_ENV.maxPdfBytes]: String(config.extraction.maxPdfBytes),
    [EXTRACT_ENV.maxPages]: String(config.extraction.maxPages),
    [EXTRACT_ENV.maxAttempts]: String(config.queue.maxReceiveCount),
    [EXTRACT_ENV.documentTimeoutSeconds]: String(config.extraction.documentTimeoutSeconds),
    [EXTRACT_ENV.workerMemoryMb]: String(config.extraction.workerMemoryMb),
    POWERTOOLS_SERVICE_NAME: 'pdf-pipeline-extract',
    POWERTOOLS_METRICS_NAMESPACE: 'PdfPipeline',
    POWERTOOLS_LOG_LEVEL: config.observability.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
  };
}
