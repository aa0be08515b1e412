/**
 * Per-environment settings of pdf-pipeline: one typed object per environment, plain data.
 *
 * The CDK app, the extraction handler (through the environment variables the stack sets)
 * and the local runtime all derive their settings from here, so a limit is changed once.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxPoolWorkers, textractRequestIntervalMs } from '../lambdas/extract/ocr/ocr-sizing.js';
import { FAST_MODEL_LANGUAGES, TRAINEDDATA_VARIANT, traineddataPath } from '../lambdas/extract/ocr/tesseract-assets.js';
import { API_ENV, DOCUMENT_EVENTS_ENV, EXTRACT_ENV, LANES, WEBHOOKS_ENV, type Lane } from '../lambdas/shared/contract.js';
import { SERVICE_NAMES } from '../lambdas/shared/metric-names.js';
import { priceTableFor } from '../lambdas/shared/prices.js';

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
  /**
   * The priority lanes, each consumed by its own event source: interactive uploads never wait
   * behind a bulk load. Their maximum concurrencies together never pass the reserved concurrency.
   */
  readonly lanes: Readonly<Record<Lane, LaneConfig>>;
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
  /**
   * PDFium's WebAssembly heap in a worker grows and never shrinks; past this (MB) after a
   * document, the worker is replaced.
   */
  readonly engineHeapBudgetMb: number;
  /** How long documents are split into page-range shards, extracted by separate invocations. */
  readonly sharding: {
    /** Text pages one shard extracts (measured by `npm run bench`: a few ms a page). */
    readonly pagesPerShard: number;
    /**
     * What a page that needs OCR weighs, in text pages: the ratio of their per-page costs that
     * `npm run bench:shards` measures (seconds to render and OCR a page, milliseconds to read a
     * text layer; see the README's latency model).
     */
    readonly ocrPageWeight: number;
    /**
     * Shards per document at most: bounds the messages one document queues (ahead of the next
     * long document of its lane) and its record's set of done shards. Past it, ranges widen.
     */
    readonly maxShardsPerDocument: number;
    /**
     * Each lane's shard queue event source: its maximum concurrency (2–1000), the most shard
     * invocations the lane runs at once. Shards have queues of their own (batch size 1), so a
     * huge document's shards never sit in front of the lane's new documents.
     */
    readonly maxConcurrency: Readonly<Record<Lane, number>>;
  };
}

/** One priority lane's event source. */
export interface LaneConfig {
  /** SQS event source maximum concurrency (AWS minimum 2): the most invocations this lane runs at once. */
  readonly maxConcurrency: number;
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
  /** Subscribed to the alarm topic when set (the address must confirm the subscription). */
  readonly alarmEmail?: string;
  /** When each alarm fires; `docs/runbook.md` says what each means and what to do. */
  readonly alarms: AlarmThresholds;
}

/**
 * Alarm thresholds. The dead-letter queues alarm on their first message in every environment
 * (any message there needs a person), so they have no threshold here.
 */
export interface AlarmThresholds {
  /**
   * Each lane's source queue: its oldest message is older than this, in seconds (above one
   * visibility timeout). The bulk lane may take longer: a large drop queues for a while by design.
   */
  readonly queueOldestMessageAgeSeconds: Readonly<Record<Lane, number>>;
  /** Extractor: invocations that failed as a whole, as a percentage of invocations. */
  readonly extractionErrorRatePercent: number;
  /** Extractor: throttled invocations in 5 minutes at which the alarm fires. */
  readonly extractionThrottles: number;
  /** Extractor: p99 duration above this share of the function timeout (0–1]. */
  readonly durationP99TimeoutShare: number;
  /** Extractor: concurrent executions at this share of its cap (reserved, else the lanes' maximums together) (0–1]. */
  readonly concurrencyCapShare: number;
  /** Table: throttled reads and writes in 5 minutes at which the alarm fires. */
  readonly tableThrottles: number;
  /** Table: system errors (DynamoDB 500s) in 5 minutes at which the alarm fires. */
  readonly tableSystemErrors: number;
  /** Document events: the oldest unpublished table change is older than this, in seconds. */
  readonly eventPublishingLagSeconds: number;
  /** API: requests answered 5XX, as a percentage of requests. */
  readonly apiServerErrorRatePercent: number;
  /** API: p99 latency above this, in milliseconds. */
  readonly apiLatencyP99Ms: number;
}

export interface EventsConfig {
  /** EventBridge bus document events go to: `default`, or the name or ARN of a bus that exists. */
  readonly busName: string;
  /**
   * How long a table change may wait for its event (while the bus refuses it) before it is given
   * up to the failed-events queue, in hours (1–24: the stream keeps changes for 24 hours).
   */
  readonly maxRecordAgeHours: number;
}

/** The REST API in front of the pipeline (issue 4). */
export interface ApiConfig {
  /** Largest PDF accepted in the body of `POST /v1/documents`, in bytes (Lambda's 6 MB payload, base64-encoded, bounds it). */
  readonly maxDirectUploadBytes: number;
  /** Largest PDF a presigned POST accepts (`content-length-range`), in bytes; at most `extraction.maxPdfBytes`. */
  readonly maxPresignedUploadBytes: number;
  /** How long a presigned POST stays valid, in seconds. */
  readonly presignedUrlTtlSeconds: number;
  /**
   * How long after its URL expired an upload may still arrive before its document fails
   * `UPLOAD_EXPIRED`, in seconds: an upload started just before expiry needs time to finish.
   */
  readonly uploadExpiryGraceSeconds: number;
  /** How long a download (or spilled page) URL stays valid, in seconds. */
  readonly downloadUrlTtlSeconds: number;
  /** Browser origins allowed to call the API and to POST uploads to the bucket, e.g. `https://app.example.com`. */
  readonly allowedOrigins: readonly string[];
  /** Stage throttling: steady requests per second and burst, for the whole API. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Per-user upload quota (both upload routes), enforced atomically in DynamoDB. */
  readonly quotas: { readonly uploadsPerMinute: number; readonly uploadsPerDay: number };
  /** How long an `Idempotency-Key` is remembered, in hours. */
  readonly idempotencyTtlHours: number;
  /** How long a deleted document's tombstone stays (reads answer 404, extraction never revives it), in days. */
  readonly deletedRetentionDays: number;
  /** How often the sweeper expires abandoned uploads and retries lost purges, in minutes. */
  readonly sweepIntervalMinutes: number;
  /** Memory of the API function in MB. */
  readonly memoryMb: number;
  /** Days the API Gateway access logs are kept (a CloudWatch Logs retention period). */
  readonly accessLogRetentionDays: number;
  /** API Gateway execution logging (needs the account's CloudWatch role, set once per region). */
  readonly executionLogLevel: 'ERROR' | 'INFO';
  /**
   * API keys with a usage plan for machine clients: when set, every route but health also needs
   * an `x-api-key`, throttled and capped per key by the plan. Keys identify and meter clients;
   * they are not credentials (Cognito still authorizes).
   * @default - no API keys
   */
  readonly apiKeys?: { readonly rateLimit: number; readonly burstLimit: number; readonly quotaPerDay: number };
}

/** Who may call the API: a Cognito user pool, its app client and the API's OAuth scopes. */
export interface AuthConfig {
  /**
   * Use this existing user pool instead of creating one (its app client and resource server are
   * still created here). Its `admin` group is not: it must exist in that pool already, since
   * the group belongs to whoever owns the pool (see the README, "Administrators").
   * @default - a user pool (and its admin group) is created for the environment
   */
  readonly existingUserPoolId?: string;
  /**
   * Prefix of the Cognito domain (`<prefix>.auth.<region>.amazoncognito.com`) serving sign-in and
   * the token endpoint; globally unique per region.
   * @default - `pdf-pipeline-<env>-<account id>`; none for an existing pool
   */
  readonly domainPrefix?: string;
  /** Where the sign-in flow may return to (authorization code grant with PKCE). */
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  /** `REQUIRED` makes every user set up a second factor (TOTP) before signing in. */
  readonly mfa: 'OPTIONAL' | 'REQUIRED';
  /** Lifetime of access tokens, in minutes (5–1440). */
  readonly accessTokenValidityMinutes: number;
}

/** The audit trail of API actions (`GET /v1/audit`). */
export interface AuditConfig {
  /** Days an entry is kept before DynamoDB TTL removes it (usually within a few days after). */
  readonly retentionDays: number;
}

/**
 * How long documents are kept. A document's record, pages, spilled results and original expire
 * this long after its creation: DynamoDB TTL removes the items, the bucket's lifecycle rules the
 * objects, and reads treat an expired document as gone at once (TTL can lag by days).
 */
/**
 * Usage metering, cost estimates and the reuse of identical documents. Prices come from
 * `lambdas/shared/prices.ts`, by the environment's region (each price with its source and date).
 */
export interface UsageConfig {
  /**
   * Complete an upload whose bytes match a COMPLETED document of the same owner, extracted by the
   * same extractor version and settings, from that document's results instead of extracting again.
   */
  readonly reuseIdenticalDocuments: boolean;
  /** Days a day's usage figures are kept after the day (the usage items' TTL). */
  readonly retentionDays: number;
}

export interface RetentionConfig {
  /**
   * Days a document is kept after its creation. Longer than the dead-letter queues keep a
   * message, so a redriven message never finds its document already swept away.
   */
  readonly documentDays: number;
}

/** CodeDeploy's predefined ways of shifting a Lambda alias to a new version. */
export const LAMBDA_DEPLOYMENT_CONFIGS = [
  'ALL_AT_ONCE',
  'CANARY_10PERCENT_5MINUTES',
  'CANARY_10PERCENT_10MINUTES',
  'CANARY_10PERCENT_15MINUTES',
  'CANARY_10PERCENT_30MINUTES',
  'LINEAR_10PERCENT_EVERY_1MINUTE',
  'LINEAR_10PERCENT_EVERY_2MINUTES',
  'LINEAR_10PERCENT_EVERY_3MINUTES',
  'LINEAR_10PERCENT_EVERY_10MINUTES',
] as const;
export type LambdaDeploymentConfigName = (typeof LAMBDA_DEPLOYMENT_CONFIGS)[number];

/**
 * How new function code reaches traffic: every function serves through its `live` alias, and
 * CodeDeploy shifts the alias of the extractor and of the API function to a new version, rolling
 * back automatically when one of their alarms fires.
 */
export interface DeploymentConfig {
  /** How traffic shifts to a new version. */
  readonly lambdaConfig: LambdaDeploymentConfigName;
  /**
   * Failed invocations of a `live` alias within one minute that stop a deployment and roll it back
   * (beside the functions' error-rate and throttle alarms).
   */
  readonly aliasErrorsPerMinute: number;
}

/** The web uploader: a static page on CloudFront, signing in with the environment's Cognito app client. */
export interface WebConfig {
  /**
   * Deploy the page. Its CloudFront URL is added to the API's allowed origins and to the app
   * client's callback and sign-out URLs by the stack (the URL exists only once CloudFront names
   * the distribution, so it cannot be written here).
   */
  readonly enabled: boolean;
}

/** OCR of scanned pages (pages without a usable text layer). */
export interface OcrConfig {
  /**
   * `tesseract`: tesseract.js in the function, offline. `textract`: Amazon Textract's
   * DetectDocumentText (deployed environments only: it has no local emulator). `off`: scanned
   * pages keep `needsOcr: true` and no text.
   */
  readonly engine: 'tesseract' | 'textract' | 'off';
  /** Tesseract language codes read together, e.g. `['eng', 'fra']`; only these ship. */
  readonly languages: readonly string[];
  /** Pages OCRed per document at most; the rest keep `needsOcr: true`, the document completes. */
  readonly maxPagesPerDocument: number;
  /** Resolution pages are rendered at for OCR when the scan's own is unknown (150–300). */
  readonly dpi: number;
  /**
   * With `engine: 'textract'` (required then): the account's DetectDocumentText quota in this
   * region, in requests a second (Service Quotas → Amazon Textract). Every extraction worker
   * paces its requests to its share of it (see `textractRequestIntervalMs`).
   */
  readonly textractTps?: number;
}

/** Signed webhooks: subscriptions per user and how deliveries are tried. */
export interface WebhooksConfig {
  /** Subscriptions one user may have. */
  readonly maxPerUser: number;
  /** How long a rotated-out secret still signs beside the new one, in hours. */
  readonly secretOverlapHours: number;
  /** How long a delivery stays in its webhook's log, in days. */
  readonly deliveryRetentionDays: number;
  /** One attempt's deadline, connect to the end of the response, in seconds. */
  readonly timeoutSeconds: number;
  /** Attempts of one message (over about 15 hours with 8) before it fails and its webhook is disabled. */
  readonly maxAttempts: number;
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
  readonly events: EventsConfig;
  readonly api: ApiConfig;
  readonly auth: AuthConfig;
  readonly audit: AuditConfig;
  readonly retention: RetentionConfig;
  readonly usage: UsageConfig;
  readonly deployment: DeploymentConfig;
  readonly web: WebConfig;
  readonly ocr: OcrConfig;
  readonly webhooks: WebhooksConfig;
}

const MB = 1024 * 1024;

/**
 * Where `pdf-pipeline login` receives the sign-in answer: a loopback redirect (RFC 8252) on a
 * fixed port, because Cognito matches callback URLs exactly, port included.
 */
export const CLI_LOGIN_CALLBACK_URL = 'http://localhost:42813/callback';

const baseExtraction = {
  memoryMb: 2048,
  timeoutSeconds: 120,
  batchSize: 5,
  maxBatchingWindowSeconds: 1,
  maxPdfBytes: 100 * MB,
  maxPages: 5000,
  documentTimeoutSeconds: 60,
  workerMemoryMb: 1024,
  engineHeapBudgetMb: 256,
  sharding: { pagesPerShard: 400, ocrPageWeight: 900, maxShardsPerDocument: 200, maxConcurrency: { interactive: 2, bulk: 2 } },
} as const;

/**
 * 150 DPI reads ordinary scans as well as 300 in three quarters of the time. A page takes
 * 3–4.5 s on one core; the document deadline (60 s) bounds how many pages one document gets.
 */
const baseOcr = { engine: 'tesseract', languages: ['eng'], maxPagesPerDocument: 10, dpi: 150 } as const;

const baseApi = {
  maxDirectUploadBytes: 4 * MB,
  maxPresignedUploadBytes: 100 * MB,
  presignedUrlTtlSeconds: 900,
  uploadExpiryGraceSeconds: 600,
  downloadUrlTtlSeconds: 300,
  idempotencyTtlHours: 24,
  deletedRetentionDays: 7,
  sweepIntervalMinutes: 5,
  memoryMb: 1024,
  executionLogLevel: 'ERROR',
} as const;

const baseWebhooks: WebhooksConfig = {
  maxPerUser: 10,
  secretOverlapHours: 24,
  deliveryRetentionDays: 30,
  timeoutSeconds: 10,
  maxAttempts: 8,
};

export const CONFIGS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = {
  dev: {
    envName: 'dev',
    region: 'eu-west-1',
    // Nothing reserved: dev runs in new accounts, whose concurrency quota of 10 leaves nothing to
    // reserve; the two lanes' 2 + 2 fit within that quota as it is.
    extraction: { ...baseExtraction, lanes: { interactive: { maxConcurrency: 2 }, bulk: { maxConcurrency: 2 } } },
    queue: { maxReceiveCount: 5, retentionDays: 4, deadLetterRetentionDays: 14 },
    storage: {
      removalPolicy: 'destroy',
      noncurrentVersionExpirationDays: 7,
      abortIncompleteMultipartUploadDays: 1,
      accessLogRetentionDays: 30,
    },
    observability: {
      logRetentionDays: 14,
      logLevel: 'DEBUG',
      alarms: {
        queueOldestMessageAgeSeconds: { interactive: 7200, bulk: 14400 },
        extractionErrorRatePercent: 25,
        extractionThrottles: 10,
        durationP99TimeoutShare: 0.9,
        concurrencyCapShare: 1,
        tableThrottles: 25,
        tableSystemErrors: 10,
        eventPublishingLagSeconds: 1800,
        apiServerErrorRatePercent: 10,
        apiLatencyP99Ms: 5000,
      },
    },
    events: { busName: 'default', maxRecordAgeHours: 6 },
    api: {
      ...baseApi,
      allowedOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
      throttle: { rateLimit: 50, burstLimit: 100 },
      quotas: { uploadsPerMinute: 30, uploadsPerDay: 1000 },
      accessLogRetentionDays: 14,
    },
    auth: {
      callbackUrls: ['http://localhost:5173/auth/callback', CLI_LOGIN_CALLBACK_URL],
      logoutUrls: ['http://localhost:5173/'],
      mfa: 'OPTIONAL',
      accessTokenValidityMinutes: 60,
    },
    audit: { retentionDays: 30 },
    // Test data: a month is enough to look back at a run; each deploy goes out at once.
    retention: { documentDays: 30 },
    usage: { reuseIdenticalDocuments: true, retentionDays: 90 },
    deployment: { lambdaConfig: 'ALL_AT_ONCE', aliasErrorsPerMinute: 5 },
    web: { enabled: true },
    ocr: { ...baseOcr, maxPagesPerDocument: 5 },
    webhooks: baseWebhooks,
  },
  staging: {
    envName: 'staging',
    region: 'eu-west-1',
    // Interactive keeps the larger share; both lanes at the event source minimum of 2 or more.
    extraction: {
      ...baseExtraction,
      // The lanes' 4 + 2 and their shard queues' 2 + 2.
      reservedConcurrency: 10,
      lanes: { interactive: { maxConcurrency: 4 }, bulk: { maxConcurrency: 2 } },
    },
    queue: { maxReceiveCount: 5, retentionDays: 4, deadLetterRetentionDays: 14 },
    storage: {
      removalPolicy: 'destroy',
      noncurrentVersionExpirationDays: 14,
      abortIncompleteMultipartUploadDays: 1,
      accessLogRetentionDays: 90,
    },
    observability: {
      logRetentionDays: 30,
      logLevel: 'INFO',
      alarms: {
        queueOldestMessageAgeSeconds: { interactive: 3600, bulk: 14400 },
        extractionErrorRatePercent: 10,
        extractionThrottles: 1,
        durationP99TimeoutShare: 0.8,
        concurrencyCapShare: 0.8,
        tableThrottles: 10,
        tableSystemErrors: 5,
        eventPublishingLagSeconds: 900,
        apiServerErrorRatePercent: 5,
        apiLatencyP99Ms: 3000,
      },
    },
    events: { busName: 'default', maxRecordAgeHours: 6 },
    api: {
      ...baseApi,
      allowedOrigins: ['https://staging.pdf-pipeline.example.com'],
      throttle: { rateLimit: 100, burstLimit: 200 },
      quotas: { uploadsPerMinute: 30, uploadsPerDay: 2000 },
      accessLogRetentionDays: 30,
    },
    auth: {
      callbackUrls: ['https://staging.pdf-pipeline.example.com/auth/callback', CLI_LOGIN_CALLBACK_URL],
      logoutUrls: ['https://staging.pdf-pipeline.example.com/'],
      mfa: 'OPTIONAL',
      accessTokenValidityMinutes: 60,
    },
    audit: { retentionDays: 90 },
    // A quarter: several release cycles of documents to reproduce a problem with.
    retention: { documentDays: 90 },
    usage: { reuseIdenticalDocuments: true, retentionDays: 400 },
    deployment: { lambdaConfig: 'LINEAR_10PERCENT_EVERY_1MINUTE', aliasErrorsPerMinute: 1 },
    // The staging and prod apps are hosted at their own domains (api.allowedOrigins).
    web: { enabled: false },
    ocr: baseOcr,
    webhooks: baseWebhooks,
  },
  prod: {
    envName: 'prod',
    region: 'eu-west-1',
    extraction: {
      ...baseExtraction,
      memoryMb: 3008,
      // The lanes' 12 + 8 and their shard queues' 8 + 4: a scan's shards read nine at a time
      // in the interactive lane (see the README's latency model).
      reservedConcurrency: 32,
      lanes: { interactive: { maxConcurrency: 12 }, bulk: { maxConcurrency: 8 } },
      sharding: { ...baseExtraction.sharding, maxConcurrency: { interactive: 8, bulk: 4 } },
    },
    queue: { maxReceiveCount: 5, retentionDays: 4, deadLetterRetentionDays: 14 },
    storage: {
      removalPolicy: 'retain',
      noncurrentVersionExpirationDays: 30,
      abortIncompleteMultipartUploadDays: 1,
      accessLogRetentionDays: 365,
    },
    observability: {
      logRetentionDays: 90,
      logLevel: 'INFO',
      alarms: {
        queueOldestMessageAgeSeconds: { interactive: 1800, bulk: 7200 },
        extractionErrorRatePercent: 5,
        extractionThrottles: 1,
        durationP99TimeoutShare: 0.8,
        concurrencyCapShare: 0.8,
        tableThrottles: 5,
        tableSystemErrors: 5,
        eventPublishingLagSeconds: 300,
        apiServerErrorRatePercent: 1,
        apiLatencyP99Ms: 2000,
      },
    },
    events: { busName: 'default', maxRecordAgeHours: 6 },
    api: {
      ...baseApi,
      allowedOrigins: ['https://app.pdf-pipeline.example.com'],
      throttle: { rateLimit: 500, burstLimit: 1000 },
      quotas: { uploadsPerMinute: 60, uploadsPerDay: 5000 },
      accessLogRetentionDays: 90,
    },
    auth: {
      callbackUrls: ['https://app.pdf-pipeline.example.com/auth/callback', CLI_LOGIN_CALLBACK_URL],
      logoutUrls: ['https://app.pdf-pipeline.example.com/'],
      mfa: 'OPTIONAL',
      accessTokenValidityMinutes: 60,
    },
    audit: { retentionDays: 365 },
    // A year of a customer's documents; anything kept longer belongs in the customer's own archive.
    retention: { documentDays: 365 },
    usage: { reuseIdenticalDocuments: true, retentionDays: 800 },
    deployment: { lambdaConfig: 'CANARY_10PERCENT_5MINUTES', aliasErrorsPerMinute: 1 },
    web: { enabled: false },
    // prod's 3008 MB gives the pool two workers: twice the pages within the document deadline.
    ocr: { ...baseOcr, maxPagesPerDocument: 20 },
    webhooks: baseWebhooks,
  },
};

/**
 * The document-event publisher and its stream event source: the same in every environment.
 * The stack and the local runtime both size them from here.
 */
export const DOCUMENT_EVENTS_PUBLISHER = {
  memoryMb: 256,
  timeoutSeconds: 30,
  /** Records per invocation; each terminal change is one PutEvents call. */
  batchSize: 10,
  /**
   * Retries of a failing batch. The function checkpoints every record it published, so a retry
   * resumes at the record that failed; the bus has many chances to come back before
   * `events.maxRecordAgeHours`, and a record that can never be published does not block the
   * shard for ever.
   */
  retryAttempts: 100,
} as const;

/**
 * The shard queues' event sources, the same in every environment: one shard per invocation and
 * no batching window, so a long document's ranges run side by side. The stack and the local
 * runtime both read them from here.
 */
export const SHARD_EVENT_SOURCE = { batchSize: 1, maxBatchingWindowSeconds: 0 } as const;

/** Settings that follow from the config by rule rather than being chosen. */
export interface DerivedSettings {
  /** AWS guidance: at least 6 × function timeout + batching window, so retries of a throttled batch do not expire. */
  readonly queueVisibilityTimeoutSeconds: number;
  /** Stack name, e.g. `PdfPipeline-dev`. */
  readonly stackName: string;
  /**
   * CloudWatch namespace of the functions' custom metrics, e.g. `PdfPipeline/prod`: one per
   * environment, so environments sharing an account and region never mix their figures.
   */
  readonly metricsNamespace: string;
  /** `source` of the document events, e.g. `pdf-pipeline.prod`, so consumers tell environments apart. */
  readonly documentEventSource: string;
  /** Concurrency the extractor cannot pass: its reserved concurrency, else the lanes' maximums together. */
  readonly extractionConcurrencyCap: number;
}

export function deriveSettings(config: EnvironmentConfig): DerivedSettings {
  return {
    queueVisibilityTimeoutSeconds:
      6 * config.extraction.timeoutSeconds + config.extraction.maxBatchingWindowSeconds,
    stackName: `PdfPipeline-${config.envName}`,
    metricsNamespace: `PdfPipeline/${config.envName}`,
    documentEventSource: `pdf-pipeline.${config.envName}`,
    extractionConcurrencyCap: config.extraction.reservedConcurrency ?? lanesMaxConcurrency(config),
  };
}

/**
 * The lanes' maximum concurrencies together, their shard queues' included: what the extractor's
 * event sources may run at once.
 */
export function lanesMaxConcurrency(config: EnvironmentConfig): number {
  const { lanes, sharding } = config.extraction;
  return LANES.reduce((sum, lane) => sum + lanes[lane].maxConcurrency + sharding.maxConcurrency[lane], 0);
}

/** Throws with every broken rule listed; the CDK app calls it before synthesizing anything. */
export function validateConfig(config: EnvironmentConfig): void {
  const problems: string[] = [];
  const { extraction, queue } = config;
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };

  check(extraction.memoryMb >= 128 && extraction.memoryMb <= 10240, 'extraction.memoryMb must be 128–10240');
  check(
    priceTableFor(config.region) !== undefined,
    `region ${config.region} has no price table in lambdas/shared/prices.ts (cost estimates need one)`,
  );
  check(
    Number.isInteger(config.usage.retentionDays) && config.usage.retentionDays >= 1,
    'usage.retentionDays must be a whole number of at least 1',
  );
  check(extraction.timeoutSeconds >= 1 && extraction.timeoutSeconds <= 900, 'extraction.timeoutSeconds must be 1–900');
  for (const lane of LANES) {
    const { maxConcurrency } = extraction.lanes[lane];
    check(
      Number.isInteger(maxConcurrency) && maxConcurrency >= 2 && maxConcurrency <= 1000,
      `extraction.lanes.${lane}.maxConcurrency must be 2–1000`,
    );
    const shardConcurrency = extraction.sharding.maxConcurrency[lane];
    check(
      Number.isInteger(shardConcurrency) && shardConcurrency >= 2 && shardConcurrency <= 1000,
      `extraction.sharding.maxConcurrency.${lane} must be 2–1000`,
    );
  }
  // Without reserved concurrency (dev: new accounts cannot reserve any) the lanes share the
  // account's pool and nothing here can be exceeded; with it, the lanes' maximums must fit.
  if (extraction.reservedConcurrency !== undefined) {
    const lanesTotal = lanesMaxConcurrency(config);
    check(
      lanesTotal <= extraction.reservedConcurrency,
      `extraction.lanes' and shard queues' maxConcurrency together (${lanesTotal}) must not exceed reservedConcurrency (${extraction.reservedConcurrency}), or throttled invocations push healthy messages into the DLQ`,
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
  check(
    extraction.sharding.pagesPerShard >= 1 && extraction.sharding.ocrPageWeight >= 1 && extraction.sharding.maxShardsPerDocument >= 1,
    'extraction.sharding settings must be at least 1',
  );
  check(
    extraction.engineHeapBudgetMb >= 64 && extraction.engineHeapBudgetMb < extraction.memoryMb,
    'extraction.engineHeapBudgetMb must be at least 64 and below memoryMb',
  );
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
  problems.push(...alarmProblems(config));
  check(
    /^(arn:[\w-]+:events:[\w-]+:\d{12}:event-bus\/)?[\w.\-/]{1,256}$/.test(config.events.busName),
    'events.busName must be `default` or the name or ARN of an EventBridge bus',
  );

  problems.push(...apiConfigProblems(config));
  problems.push(...retentionAndDeploymentProblems(config));
  problems.push(...ocrConfigProblems(config));
  problems.push(...webhookProblems(config));

  if (problems.length > 0) {
    throw new Error(`Invalid ${config.envName} config:\n- ${problems.join('\n- ')}`);
  }
}

/** Broken rules of the alarm settings. */
function alarmProblems(config: EnvironmentConfig): string[] {
  const { alarms, alarmEmail } = config.observability;
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const visibilitySeconds = deriveSettings(config).queueVisibilityTimeoutSeconds;
  for (const lane of LANES) {
    const ageSeconds = alarms.queueOldestMessageAgeSeconds[lane];
    check(
      ageSeconds > visibilitySeconds,
      `observability.alarms.queueOldestMessageAgeSeconds.${lane} must exceed the queue visibility timeout (${visibilitySeconds} s), or one ordinary retry raises it`,
    );
    check(
      ageSeconds < config.queue.retentionDays * 86400,
      `observability.alarms.queueOldestMessageAgeSeconds.${lane} must be below the queue retention, or messages expire before it fires`,
    );
  }
  for (const key of ['extractionErrorRatePercent', 'apiServerErrorRatePercent'] as const) {
    check(alarms[key] > 0 && alarms[key] <= 100, `observability.alarms.${key} must be a percentage above 0`);
  }
  for (const key of ['durationP99TimeoutShare', 'concurrencyCapShare'] as const) {
    check(alarms[key] > 0 && alarms[key] <= 1, `observability.alarms.${key} must be a share in (0, 1]`);
  }
  for (const key of ['extractionThrottles', 'tableThrottles', 'tableSystemErrors', 'apiLatencyP99Ms'] as const) {
    check(Number.isInteger(alarms[key]) && alarms[key] >= 1, `observability.alarms.${key} must be a whole number of at least 1`);
  }
  const { maxRecordAgeHours } = config.events;
  check(
    Number.isInteger(maxRecordAgeHours) && maxRecordAgeHours >= 1 && maxRecordAgeHours <= 24,
    'events.maxRecordAgeHours must be 1–24 (the stream keeps changes for 24 hours)',
  );
  check(
    alarms.eventPublishingLagSeconds >= 60 && alarms.eventPublishingLagSeconds < maxRecordAgeHours * 3600,
    'observability.alarms.eventPublishingLagSeconds must be 60 s or more and below events.maxRecordAgeHours, so it fires before changes are given up',
  );
  check(
    alarmEmail === undefined || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail),
    'observability.alarmEmail must be an email address',
  );
  return problems;
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
    [EXTRACT_ENV.engineHeapBudgetMb]: String(config.extraction.engineHeapBudgetMb),
    [EXTRACT_ENV.ocrEngine]: config.ocr.engine,
    [EXTRACT_ENV.ocrLanguages]: config.ocr.languages.join('+'),
    [EXTRACT_ENV.ocrMaxPages]: String(config.ocr.maxPagesPerDocument),
    [EXTRACT_ENV.ocrDpi]: String(config.ocr.dpi),
    ...(config.ocr.engine === 'textract' ? { [EXTRACT_ENV.ocrTextractIntervalMs]: String(ocrTextractIntervalMs(config)) } : {}),
    [EXTRACT_ENV.shardPages]: String(config.extraction.sharding.pagesPerShard),
    [EXTRACT_ENV.shardOcrPageWeight]: String(config.extraction.sharding.ocrPageWeight),
    [EXTRACT_ENV.shardMaxPerDocument]: String(config.extraction.sharding.maxShardsPerDocument),
    [EXTRACT_ENV.documentRetentionSeconds]: String(documentRetentionSeconds(config)),
    [EXTRACT_ENV.reuseIdenticalDocuments]: String(config.usage.reuseIdenticalDocuments),
    [EXTRACT_ENV.usageRetentionSeconds]: String(config.usage.retentionDays * 86_400),
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.extract,
    POWERTOOLS_METRICS_NAMESPACE: deriveSettings(config).metricsNamespace,
    POWERTOOLS_LOG_LEVEL: config.observability.logLevel,
    // No --enable-source-maps here: parsing the maps costs the extractor ~100 ms of cold start
    // (measured by `npm run bench`); the maps ship in the bundle for decoding traces offline.
  };
}

/** The environment variables the document-event publisher runs with, from the config. */
export function documentEventsEnvironment(config: EnvironmentConfig): Record<string, string> {
  const derived = deriveSettings(config);
  return {
    [DOCUMENT_EVENTS_ENV.eventBusName]: config.events.busName,
    [DOCUMENT_EVENTS_ENV.eventSource]: derived.documentEventSource,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.documentEvents,
    POWERTOOLS_METRICS_NAMESPACE: derived.metricsNamespace,
    POWERTOOLS_LOG_LEVEL: config.observability.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
  };
}

// -------------------------------------------------------------------------------------------------
// API (issue 4): validation and the environments of the API, purge and sweeper functions.
// -------------------------------------------------------------------------------------------------

/**
 * Sizing of the functions behind the API, the same in every environment: the API function
 * answers within API Gateway's 29-second integration timeout; a purge lists and deletes, which
 * five minutes covers for documents of thousands of pages.
 */
export const API_FUNCTIONS = {
  api: { timeoutSeconds: 29 },
  purge: {
    memoryMb: 512,
    timeoutSeconds: 300,
    /** Purge requests per invocation, failures reported one by one. */
    batchSize: 5,
    maxConcurrency: 2,
    /** Deliveries of a purge request before its dead-letter queue. */
    maxReceiveCount: 5,
    retentionDays: 4,
    deadLetterRetentionDays: 14,
  },
  sweeper: { memoryMb: 512, timeoutSeconds: 300 },
} as const;

/**
 * Largest direct upload a Lambda proxy event can carry: the body arrives base64-encoded (4/3
 * larger) in a request payload of at most 6 MB, beside headers and the request context.
 */
export const MAX_DIRECT_UPLOAD_CEILING_BYTES = 4_500_000;
/** S3 refuses a POST upload above 5 GB. */
const MAX_POST_OBJECT_BYTES = 5 * 1024 * 1024 * 1024;
/** Ten years: longer is more likely a unit mix-up (seconds for days) than a retention policy. */
const MAX_AUDIT_RETENTION_DAYS = 3650;
/** SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;
const ORIGIN = /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/;
const REDIRECT_URL = /^(https:\/\/[^\s]+|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?\/[^\s]*)$/;

function apiConfigProblems(config: EnvironmentConfig): string[] {
  const problems: string[] = [];
  const { api, auth, extraction } = config;
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const positive = (value: number) => Number.isInteger(value) && value > 0;

  check(
    positive(api.maxDirectUploadBytes) && api.maxDirectUploadBytes <= MAX_DIRECT_UPLOAD_CEILING_BYTES,
    `api.maxDirectUploadBytes must be 1–${MAX_DIRECT_UPLOAD_CEILING_BYTES}: larger bodies do not fit a Lambda payload once base64-encoded`,
  );
  check(
    api.maxPresignedUploadBytes >= api.maxDirectUploadBytes && api.maxPresignedUploadBytes <= MAX_POST_OBJECT_BYTES,
    'api.maxPresignedUploadBytes must be at least maxDirectUploadBytes and at most 5 GB (S3 POST limit)',
  );
  check(
    api.maxPresignedUploadBytes <= extraction.maxPdfBytes,
    'api.maxPresignedUploadBytes must not exceed extraction.maxPdfBytes, or accepted uploads would fail TOO_LARGE',
  );
  check(
    api.presignedUrlTtlSeconds >= 60 && api.presignedUrlTtlSeconds <= MAX_PRESIGN_SECONDS,
    'api.presignedUrlTtlSeconds must be 60–604800',
  );
  check(api.downloadUrlTtlSeconds >= 1 && api.downloadUrlTtlSeconds <= 3600, 'api.downloadUrlTtlSeconds must be 1–3600');
  check(Number.isInteger(api.uploadExpiryGraceSeconds) && api.uploadExpiryGraceSeconds >= 0, 'api.uploadExpiryGraceSeconds must be ≥ 0');
  for (const origin of api.allowedOrigins) {
    check(ORIGIN.test(origin), `api.allowedOrigins: "${origin}" must be an https origin (or http://localhost) without a path or trailing slash`);
  }
  check(positive(api.throttle.rateLimit) && positive(api.throttle.burstLimit), 'api.throttle rate and burst must be positive integers');
  check(
    positive(api.quotas.uploadsPerMinute) && api.quotas.uploadsPerMinute <= api.quotas.uploadsPerDay,
    'api.quotas.uploadsPerMinute must be positive and at most uploadsPerDay',
  );
  check(positive(api.idempotencyTtlHours), 'api.idempotencyTtlHours must be a positive integer');
  check(positive(api.deletedRetentionDays), 'api.deletedRetentionDays must be a positive integer');
  check(api.sweepIntervalMinutes >= 1 && api.sweepIntervalMinutes <= 60, 'api.sweepIntervalMinutes must be 1–60');
  check(api.memoryMb >= 128 && api.memoryMb <= 10240, 'api.memoryMb must be 128–10240');
  if (api.apiKeys) {
    const { rateLimit, burstLimit, quotaPerDay } = api.apiKeys;
    check(positive(rateLimit) && positive(burstLimit) && positive(quotaPerDay), 'api.apiKeys limits must be positive integers');
  }

  if (auth.existingUserPoolId !== undefined) {
    check(/^[\w-]+_[0-9a-zA-Z]+$/.test(auth.existingUserPoolId), 'auth.existingUserPoolId must look like eu-west-1_AbCdEf123');
  }
  if (auth.domainPrefix !== undefined) {
    check(
      /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(auth.domainPrefix) && !/aws|amazon|cognito/.test(auth.domainPrefix),
      'auth.domainPrefix must be lower-case letters, digits and hyphens, without "aws", "amazon" or "cognito"',
    );
  }
  check(auth.callbackUrls.length > 0, 'auth.callbackUrls must name at least one URL');
  check(
    !config.web.enabled || auth.existingUserPoolId === undefined || auth.domainPrefix !== undefined,
    'web.enabled signs in through a Cognito domain: with auth.existingUserPoolId, set auth.domainPrefix too',
  );
  for (const url of [...auth.callbackUrls, ...auth.logoutUrls]) {
    check(REDIRECT_URL.test(url), `auth: "${url}" must be an https URL (or http://localhost)`);
  }
  check(
    auth.accessTokenValidityMinutes >= 5 && auth.accessTokenValidityMinutes <= 1440,
    'auth.accessTokenValidityMinutes must be 5–1440',
  );
  check(
    Number.isInteger(config.audit.retentionDays) && config.audit.retentionDays >= 1 && config.audit.retentionDays <= MAX_AUDIT_RETENTION_DAYS,
    `audit.retentionDays must be 1–${MAX_AUDIT_RETENTION_DAYS}`,
  );
  return problems;
}

function powertoolsEnvironment(config: EnvironmentConfig, serviceName: string): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_METRICS_NAMESPACE: deriveSettings(config).metricsNamespace,
    POWERTOOLS_LOG_LEVEL: config.observability.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
  };
}

/**
 * The environment variables the API function runs with, from the config. The stack adds the
 * table, bucket, extraction queue and purge queue from the resources it creates.
 */
export function apiEnvironment(config: EnvironmentConfig): Record<string, string> {
  const { api } = config;
  return {
    [API_ENV.maxDirectUploadBytes]: String(api.maxDirectUploadBytes),
    [API_ENV.maxPresignedUploadBytes]: String(api.maxPresignedUploadBytes),
    [API_ENV.presignedUrlTtlSeconds]: String(api.presignedUrlTtlSeconds),
    [API_ENV.downloadUrlTtlSeconds]: String(api.downloadUrlTtlSeconds),
    [API_ENV.uploadExpiryGraceSeconds]: String(api.uploadExpiryGraceSeconds),
    [API_ENV.allowedOrigins]: api.allowedOrigins.join(','),
    [API_ENV.uploadsPerMinute]: String(api.quotas.uploadsPerMinute),
    [API_ENV.uploadsPerDay]: String(api.quotas.uploadsPerDay),
    [API_ENV.idempotencyTtlSeconds]: String(api.idempotencyTtlHours * 3600),
    [API_ENV.deletedRetentionSeconds]: String(api.deletedRetentionDays * 24 * 3600),
    [API_ENV.auditRetentionDays]: String(config.audit.retentionDays),
    [API_ENV.documentRetentionSeconds]: String(documentRetentionSeconds(config)),
    ...powertoolsEnvironment(config, SERVICE_NAMES.api),
  };
}

/** The webhook settings the API function needs, beside the delivery queue the stack adds. */
export function apiWebhookEnvironment(config: EnvironmentConfig, urlPolicy: 'deployed' | 'local' = 'deployed'): Record<string, string> {
  const { webhooks } = config;
  return {
    [API_ENV.webhooksPerOwner]: String(webhooks.maxPerUser),
    [API_ENV.webhookSecretOverlapSeconds]: String(webhooks.secretOverlapHours * 3600),
    [API_ENV.webhookDeliveryRetentionSeconds]: String(webhooks.deliveryRetentionDays * SECONDS_PER_DAY),
    [API_ENV.webhookUrlPolicy]: urlPolicy,
  };
}

/**
 * The webhook delivery function and its queue: the same in every environment. One attempt waits
 * at most `webhooks.timeoutSeconds`; the records of a batch are tried side by side.
 */
export const WEBHOOK_DELIVERY = {
  memoryMb: 256,
  batchSize: 5,
  /** Delivery tasks and events a message may be received before it is dead-lettered, beyond the attempts. */
  extraReceives: 3,
  /** Long enough for the slowest message of a batch, and then some. */
  timeoutSeconds: (config: EnvironmentConfig) => config.webhooks.timeoutSeconds * 2 + 10,
  /** Messages wait this long at most; the retry schedule spans about 15 hours. */
  retentionDays: 4,
  deadLetterRetentionDays: 14,
} as const;

/** The delivery queue's visibility timeout: AWS's guidance of 6 × the function timeout. */
export function webhookQueueVisibilitySeconds(config: EnvironmentConfig): number {
  return 6 * WEBHOOK_DELIVERY.timeoutSeconds(config);
}

/** The delivery function's variables beside the table, queue and API URL the stack adds. */
export function webhookDeliveryEnvironment(config: EnvironmentConfig, urlPolicy: 'deployed' | 'local' = 'deployed'): Record<string, string> {
  const { webhooks } = config;
  return {
    [WEBHOOKS_ENV.urlPolicy]: urlPolicy,
    [WEBHOOKS_ENV.timeoutSeconds]: String(webhooks.timeoutSeconds),
    [WEBHOOKS_ENV.maxAttempts]: String(webhooks.maxAttempts),
    [WEBHOOKS_ENV.deliveryRetentionSeconds]: String(webhooks.deliveryRetentionDays * SECONDS_PER_DAY),
    ...powertoolsEnvironment(config, SERVICE_NAMES.webhooks),
  };
}

function webhookProblems(config: EnvironmentConfig): string[] {
  const { webhooks } = config;
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const whole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
  check(whole(webhooks.maxPerUser, 1, 100), 'webhooks.maxPerUser must be 1–100');
  check(whole(webhooks.secretOverlapHours, 0, 24 * 30), 'webhooks.secretOverlapHours must be 0–720');
  check(whole(webhooks.deliveryRetentionDays, 1, 365), 'webhooks.deliveryRetentionDays must be 1–365');
  check(whole(webhooks.timeoutSeconds, 1, 60), 'webhooks.timeoutSeconds must be 1–60');
  check(whole(webhooks.maxAttempts, 1, 20), 'webhooks.maxAttempts must be 1–20');
  return problems;
}

/** The purge function's variables beside the table and bucket names the stack adds. */
export function purgeEnvironment(config: EnvironmentConfig): Record<string, string> {
  return powertoolsEnvironment(config, 'pdf-pipeline-purge');
}

/** The sweeper's variables beside the table and bucket names the stack adds. */
export function sweepEnvironment(config: EnvironmentConfig): Record<string, string> {
  return {
    [API_ENV.documentRetentionSeconds]: String(documentRetentionSeconds(config)),
    ...powertoolsEnvironment(config, 'pdf-pipeline-sweeper'),
  };
}

// -------------------------------------------------------------------------------------------------
// Retention and deployments.
// -------------------------------------------------------------------------------------------------

const SECONDS_PER_DAY = 24 * 60 * 60;
/** Ten years: longer is more likely a unit mix-up than a retention policy. */
const MAX_DOCUMENT_RETENTION_DAYS = 3650;

/** How long a document is kept after its creation, in seconds (what the functions are told). */
export function documentRetentionSeconds(config: EnvironmentConfig): number {
  return config.retention.documentDays * SECONDS_PER_DAY;
}

function retentionAndDeploymentProblems(config: EnvironmentConfig): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const { documentDays } = config.retention;
  check(
    Number.isInteger(documentDays) && documentDays >= 1 && documentDays <= MAX_DOCUMENT_RETENTION_DAYS,
    `retention.documentDays must be 1–${MAX_DOCUMENT_RETENTION_DAYS}`,
  );
  check(
    documentDays > config.queue.deadLetterRetentionDays,
    'retention.documentDays must exceed queue.deadLetterRetentionDays, or a redriven message could outlive its document',
  );
  check(
    (LAMBDA_DEPLOYMENT_CONFIGS as readonly string[]).includes(config.deployment.lambdaConfig),
    `deployment.lambdaConfig must be one of ${LAMBDA_DEPLOYMENT_CONFIGS.join(', ')}`,
  );
  check(
    Number.isInteger(config.deployment.aliasErrorsPerMinute) && config.deployment.aliasErrorsPerMinute >= 1,
    'deployment.aliasErrorsPerMinute must be a whole number of at least 1',
  );
  return problems;
}

// -------------------------------------------------------------------------------------------------
// OCR: validation of the OCR settings, and the traineddata each configured language ships.

/** Where a Tesseract language's gzipped traineddata comes from: vendor/tessdata-fast, else its @tesseract.js-data package. */
export function ocrTraineddataFile(language: string): string {
  if (FAST_MODEL_LANGUAGES.includes(language)) return fileURLToPath(new URL(`../${traineddataPath(language)}`, import.meta.url));
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`@tesseract.js-data/${language}/package.json`)), TRAINEDDATA_VARIANT, `${language}.traineddata.gz`);
}

export function ocrConfigProblems(config: EnvironmentConfig): string[] {
  const { ocr, extraction } = config;
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  check(['tesseract', 'textract', 'off'].includes(ocr.engine), "ocr.engine must be 'tesseract', 'textract' or 'off'");
  check(ocr.languages.length > 0, 'ocr.languages must name at least one language');
  for (const language of ocr.languages) {
    if (!/^[a-z]{3}(_[a-z]+)?$/.test(language)) {
      problems.push(`ocr.languages: '${language}' is not a Tesseract language code such as 'eng' or 'chi_sim'`);
      continue;
    }
    if (ocr.engine !== 'tesseract') continue;
    try {
      if (!existsSync(ocrTraineddataFile(language))) throw new Error(`no ${TRAINEDDATA_VARIANT} traineddata`);
    } catch {
      problems.push(`ocr.languages: no traineddata for '${language}' to ship: npm i --save-exact @tesseract.js-data/${language}`);
    }
  }
  check(
    Number.isInteger(ocr.maxPagesPerDocument) && ocr.maxPagesPerDocument >= 0 && ocr.maxPagesPerDocument <= extraction.maxPages,
    'ocr.maxPagesPerDocument must be a whole number from 0 to extraction.maxPages',
  );
  check(ocr.dpi >= 150 && ocr.dpi <= 300, 'ocr.dpi must be 150–300');
  if (ocr.engine === 'textract') {
    const tps = ocr.textractTps;
    if (tps === undefined || !(tps > 0) || !Number.isFinite(tps)) {
      problems.push("ocr.textractTps must be the account's DetectDocumentText quota (requests a second, above 0) when ocr.engine is 'textract'");
    } else {
      // Paced at its share of the quota, a worker must still get a document's OCR pages read in its budget.
      const intervalMs = ocrTextractIntervalMs(config);
      const pacedMs = intervalMs * ocr.maxPagesPerDocument;
      check(
        pacedMs <= extraction.documentTimeoutSeconds * 1000,
        `ocr.textractTps ${tps} shared by ${deriveSettings(config).extractionConcurrencyCap} environments × ${maxPoolWorkers(extraction.memoryMb)} workers leaves each one request every ${intervalMs} ms: ` +
          `${ocr.maxPagesPerDocument} pages (ocr.maxPagesPerDocument) would take ${Math.ceil(pacedMs / 1000)} s, more than extraction.documentTimeoutSeconds (${extraction.documentTimeoutSeconds}); ` +
          'raise the quota, lower the lanes\' concurrency or ocr.maxPagesPerDocument',
      );
    }
  }
  return problems;
}

/**
 * Least milliseconds between one extraction worker's Textract requests: the quota shared by
 * every worker of every execution environment the function can run at once (its reserved
 * concurrency, else its lanes' maximums together), so that together they keep within it.
 */
export function ocrTextractIntervalMs(config: EnvironmentConfig): number {
  return textractRequestIntervalMs(config.ocr.textractTps ?? 0, deriveSettings(config).extractionConcurrencyCap, maxPoolWorkers(config.extraction.memoryMb));
}
