/**
 * The extraction function's contract: its handler, the environment it is given (built here from
 * the config, for the stack, the local runtime and the tests alike), the settings it reads back
 * from that environment, and the metrics it emits.
 */
// zod/mini: the same validation, a fraction of the bundle (the extractor's cold start counts).
import * as z from 'zod/mini';
import type { EnvironmentConfig } from '../../lib/config/schema.js';
import { LANES, type Lane } from '../shared/contract.js';
import { daysInSeconds, documentRetentionSeconds, powertoolsEnvironment } from '../shared/function-environment.js';
import { SERVICE_NAMES } from '../shared/metric-names.js';
import { parseEnvironment } from '../shared/parse-environment.js';
import { TOKENIZERS } from './markdown/tokenizer.js';
import { maxPoolWorkers, textractRequestIntervalMs } from './ocr/ocr-sizing.js';

/** The handler (relative to the project root) and the `service` its metrics carry. */
export const EXTRACT_FUNCTION = {
  entry: 'lambdas/extract/handler.ts',
  /** The worker thread's entry, bundled beside the handler. */
  workerEntry: 'lambdas/extract/extract-worker.ts',
  serviceName: SERVICE_NAMES.extract,
} as const;

/**
 * The shard queues' event sources, the same in every environment: one shard per invocation and
 * no batching window, so a long document's ranges run side by side.
 */
export const SHARD_EVENT_SOURCE = { batchSize: 1, maxBatchingWindowSeconds: 0 } as const;

/**
 * The lanes' maximum concurrencies together, their shard queues' included: what the extractor's
 * event sources may run at once.
 */
export function lanesMaxConcurrency(config: Pick<EnvironmentConfig, 'extraction'>): number {
  const { lanes, sharding } = config.extraction;
  return LANES.reduce((sum, lane) => sum + lanes[lane].maxConcurrency + sharding.maxConcurrency[lane], 0);
}

/** Concurrency the extractor cannot pass: its reserved concurrency, else its event sources' maximums together. */
export function extractionConcurrencyCap(config: Pick<EnvironmentConfig, 'extraction'>): number {
  return config.extraction.reservedConcurrency ?? lanesMaxConcurrency(config);
}

/**
 * Least milliseconds between one extraction worker's Textract requests: the quota shared by
 * every worker of every execution environment the function can run at once, so that together
 * they keep within it.
 */
export function ocrTextractIntervalMs(config: Pick<EnvironmentConfig, 'extraction' | 'ocr'>): number {
  return textractRequestIntervalMs(config.ocr.textractTps ?? 0, extractionConcurrencyCap(config), maxPoolWorkers(config.extraction.memoryMb));
}

/** Environment variables the stack (and the local runtime) set on the extraction function. */
export const EXTRACT_ENV = {
  tableName: 'TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  maxPdfBytes: 'MAX_PDF_BYTES',
  maxPages: 'MAX_PAGES',
  maxAttempts: 'MAX_ATTEMPTS',
  documentTimeoutSeconds: 'DOCUMENT_TIMEOUT_SECONDS',
  workerMemoryMb: 'WORKER_MEMORY_MB',
  engineHeapBudgetMb: 'ENGINE_HEAP_BUDGET_MB',
  ocrEngine: 'OCR_ENGINE',
  ocrLanguages: 'OCR_LANGUAGES',
  ocrMaxPages: 'OCR_MAX_PAGES_PER_DOCUMENT',
  ocrDpi: 'OCR_DPI',
  /** Set with the Textract engine only: least ms between one worker's requests (the account's quota shared out). */
  ocrTextractIntervalMs: 'OCR_TEXTRACT_INTERVAL_MS',
  shardPages: 'SHARD_PAGES',
  shardOcrPageWeight: 'SHARD_OCR_PAGE_WEIGHT',
  shardMaxPerDocument: 'SHARD_MAX_PER_DOCUMENT',
  /** Each lane's shard queue, where the extractor sends the page-range shards of a long document. */
  interactiveShardQueueUrl: 'INTERACTIVE_SHARD_QUEUE_URL',
  bulkShardQueueUrl: 'BULK_SHARD_QUEUE_URL',
  /** How long a document (record, pages, spilled results) is kept after its creation, in seconds. */
  documentRetentionSeconds: 'DOCUMENT_RETENTION_SECONDS',
  /** `true`: an upload identical to a COMPLETED document of its owner is completed from that document's results. */
  reuseIdenticalDocuments: 'REUSE_IDENTICAL_DOCUMENTS',
  /** How long a day's usage figures are kept after the day, in seconds (the usage items' TTL). */
  usageRetentionSeconds: 'USAGE_RETENTION_SECONDS',
  /** Markdown and retrieval chunks of completed documents: on or off, chunk budget, overlap, tokenizer. */
  markdownEnabled: 'MARKDOWN_ENABLED',
  markdownMaxTokens: 'MARKDOWN_CHUNK_MAX_TOKENS',
  markdownOverlapTokens: 'MARKDOWN_CHUNK_OVERLAP_TOKENS',
  markdownTokenizer: 'MARKDOWN_TOKENIZER',
} as const;

/** Metrics the extraction function emits (namespace and `service` dimension from its environment). */
export const EXTRACT_METRICS = {
  /** Count: documents recorded COMPLETED. */
  documentsCompleted: 'DocumentsCompleted',
  /** Count: documents recorded FAILED for a reason of their own (never POISON). */
  documentsFailed: 'DocumentsFailed',
  /** Count, with the `ErrorCode` dimension: the same failures by code. */
  documentsFailedByCode: 'DocumentsFailedByCode',
  /** Count: documents given up as POISON (their message goes on to the DLQ). */
  documentsPoisoned: 'DocumentsPoisoned',
  /** Count: pages of completed documents that were extracted (not those of a reused document). */
  pagesExtracted: 'PagesExtracted',
  /** Bytes: size of completed documents. */
  bytesProcessed: 'BytesProcessed',
  /** Milliseconds from the object's creation (the S3 event time) to the document's completion. */
  endToEndLatency: 'EndToEndLatency',
  /** Count: queue messages that were not S3 notifications, dropped. */
  malformedMessages: 'MalformedMessages',
  /** Count: pages whose text was read by OCR. */
  ocrPages: 'OcrPages',
  /** Seconds, one value per OCR page: how long the engine took to read it. */
  ocrSeconds: 'OcrSecondsPerPage',
  /** Percent, one value per OCR page: its mean word confidence. */
  ocrConfidence: 'OcrConfidence',
  /** Count: pages sent to Amazon Textract (billed per page). */
  textractPages: 'TextractPages',
  /** Count: long documents split into page-range shards. */
  documentsSharded: 'DocumentsSharded',
  /** Count: shards read and recorded (the first, read by the planning invocation, included). */
  shardsExtracted: 'ShardsExtracted',
  /** Count: shards whose pages could not be read, failing their document. */
  shardsFailed: 'ShardsFailed',
  /** Count: uploads completed from an identical earlier document of their owner, without extraction. */
  documentsReused: 'DocumentsReused',
  /** Count: runs whose usage figures could not be recorded (the document's outcome stands). */
  usageNotRecorded: 'UsageNotRecorded',
} as const;

/** What the extractor works on: the resources the stack (or the local runtime) created. */
export interface ExtractResources {
  readonly tableName: string;
  readonly bucketName: string;
  /** Each lane's shard queue URL, where a long document's shards go. */
  readonly shardQueueUrls: Readonly<Record<Lane, string>>;
}

/**
 * The variables the extraction function runs with: from the config and, once they exist, the
 * resources it works on (the stack and the local runtime pass them; without, the config's part).
 */
export function extractionEnvironment(config: EnvironmentConfig, resources?: ExtractResources): Record<string, string> {
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
    [EXTRACT_ENV.usageRetentionSeconds]: String(daysInSeconds(config.usage.retentionDays)),
    [EXTRACT_ENV.markdownEnabled]: String(config.markdown.enabled),
    [EXTRACT_ENV.markdownMaxTokens]: String(config.markdown.chunkMaxTokens),
    [EXTRACT_ENV.markdownOverlapTokens]: String(config.markdown.chunkOverlapTokens),
    [EXTRACT_ENV.markdownTokenizer]: config.markdown.tokenizer,
    // No --enable-source-maps here: parsing the maps costs the extractor ~100 ms of cold start
    // (measured by `npm run bench`); the maps ship in the bundle for decoding traces offline.
    ...powertoolsEnvironment(config, EXTRACT_FUNCTION.serviceName, { sourceMaps: false }),
    ...(resources && {
      [EXTRACT_ENV.tableName]: resources.tableName,
      [EXTRACT_ENV.bucketName]: resources.bucketName,
      [EXTRACT_ENV.interactiveShardQueueUrl]: resources.shardQueueUrls.interactive,
      [EXTRACT_ENV.bulkShardQueueUrl]: resources.shardQueueUrls.bulk,
    }),
  };
}

const positiveInt = z.coerce.number().check(z.int(), z.positive());

const extractEnvSchema = z.object({
  [EXTRACT_ENV.tableName]: z.string().check(z.minLength(1)),
  [EXTRACT_ENV.bucketName]: z.string().check(z.minLength(1)),
  [EXTRACT_ENV.maxPdfBytes]: positiveInt,
  [EXTRACT_ENV.maxPages]: positiveInt,
  [EXTRACT_ENV.maxAttempts]: positiveInt,
  [EXTRACT_ENV.documentTimeoutSeconds]: positiveInt,
  [EXTRACT_ENV.workerMemoryMb]: positiveInt,
  [EXTRACT_ENV.engineHeapBudgetMb]: positiveInt,
  [EXTRACT_ENV.ocrEngine]: z._default(z.enum(['tesseract', 'textract', 'off']), 'off'),
  [EXTRACT_ENV.ocrLanguages]: z._default(z.string().check(z.regex(/^[a-z_]+(\+[a-z_]+)*$/)), 'eng'),
  [EXTRACT_ENV.ocrMaxPages]: z._default(positiveInt, 10),
  [EXTRACT_ENV.ocrDpi]: z._default(positiveInt, 150),
  [EXTRACT_ENV.ocrTextractIntervalMs]: z.optional(positiveInt),
  [EXTRACT_ENV.shardPages]: positiveInt,
  [EXTRACT_ENV.shardOcrPageWeight]: positiveInt,
  [EXTRACT_ENV.shardMaxPerDocument]: positiveInt,
  [EXTRACT_ENV.interactiveShardQueueUrl]: z.string().check(z.minLength(1)),
  [EXTRACT_ENV.bulkShardQueueUrl]: z.string().check(z.minLength(1)),
  [EXTRACT_ENV.documentRetentionSeconds]: z.optional(positiveInt),
  [EXTRACT_ENV.reuseIdenticalDocuments]: z._default(z.enum(['true', 'false']), 'false'),
  [EXTRACT_ENV.usageRetentionSeconds]: z.optional(positiveInt),
  [EXTRACT_ENV.markdownEnabled]: z._default(z.enum(['true', 'false']), 'false'),
  [EXTRACT_ENV.markdownMaxTokens]: z._default(positiveInt, 512),
  [EXTRACT_ENV.markdownOverlapTokens]: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 64),
  [EXTRACT_ENV.markdownTokenizer]: z._default(z.enum(TOKENIZERS), 'cl100k_base'),
  // Set by Lambda itself (and by the local runtime): the function's memory size.
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: z._default(positiveInt, 1024),
});

/** The environment's `markdown` settings (lib/config/sections/markdown.ts). */
export interface MarkdownSettings {
  readonly enabled: boolean;
  /** Most tokens in a chunk, counted with `tokenizer`. */
  readonly maxTokens: number;
  /** Tokens of a chunk's end repeated at the start of the next within a section. */
  readonly overlapTokens: number;
  /** A `gpt-tokenizer` encoding (extract/markdown/tokenizer.ts). */
  readonly tokenizer: (typeof TOKENIZERS)[number];
}

export interface ExtractSettings {
  readonly tableName: string;
  readonly bucketName: string;
  readonly maxPdfBytes: number;
  readonly maxPages: number;
  readonly maxAttempts: number;
  readonly documentTimeoutMs: number;
  readonly workerMemoryMb: number;
  /** PDFium heap past which a worker is replaced, in MB. */
  readonly engineHeapBudgetMb: number;
  /** OCR of pages without a usable text layer. */
  readonly ocr: {
    readonly engine: 'tesseract' | 'textract' | 'off';
    readonly languages: readonly string[];
    readonly maxPagesPerDocument: number;
    readonly dpi: number;
    /** Textract only: least ms between the starts of one worker's requests. */
    readonly textractIntervalMs?: number;
  };
  /** How long documents are split into page-range shards (see extract/shard-plan.ts). */
  readonly sharding: { readonly pagesPerShard: number; readonly ocrPageWeight: number; readonly maxShardsPerDocument: number };
  /** Each lane's shard queue, where its shard messages go. */
  readonly shardQueueUrls: Readonly<Record<Lane, string>>;
  readonly functionMemoryMb: number;
  /** How long a document is kept after its creation; unset, documents the extractor creates never expire. */
  readonly documentRetentionSeconds?: number;
  /** Complete an upload identical to a COMPLETED document of its owner from that document's results. */
  readonly reuseIdenticalDocuments: boolean;
  /** How long a day's usage figures are kept after the day; unset, they are kept until deleted. */
  readonly usageRetentionSeconds?: number;
  /** Markdown and retrieval chunks of completed documents (see extract/document-markdown.ts). */
  readonly markdown: MarkdownSettings;
}

/**
 * Reads the extraction function's settings from the environment, failing fast with every
 * missing or malformed variable named, so a misconfigured deploy breaks at cold start.
 */
export function loadExtractSettings(env: NodeJS.ProcessEnv = process.env): ExtractSettings {
  const values = parseEnvironment(extractEnvSchema, env, 'extraction function');
  return {
    tableName: values[EXTRACT_ENV.tableName],
    bucketName: values[EXTRACT_ENV.bucketName],
    maxPdfBytes: values[EXTRACT_ENV.maxPdfBytes],
    maxPages: values[EXTRACT_ENV.maxPages],
    maxAttempts: values[EXTRACT_ENV.maxAttempts],
    documentTimeoutMs: values[EXTRACT_ENV.documentTimeoutSeconds] * 1000,
    workerMemoryMb: values[EXTRACT_ENV.workerMemoryMb],
    engineHeapBudgetMb: values[EXTRACT_ENV.engineHeapBudgetMb],
    ocr: {
      engine: values[EXTRACT_ENV.ocrEngine],
      languages: values[EXTRACT_ENV.ocrLanguages].split('+'),
      maxPagesPerDocument: values[EXTRACT_ENV.ocrMaxPages],
      dpi: values[EXTRACT_ENV.ocrDpi],
      ...(values[EXTRACT_ENV.ocrTextractIntervalMs] !== undefined ? { textractIntervalMs: values[EXTRACT_ENV.ocrTextractIntervalMs] } : {}),
    },
    sharding: {
      pagesPerShard: values[EXTRACT_ENV.shardPages],
      ocrPageWeight: values[EXTRACT_ENV.shardOcrPageWeight],
      maxShardsPerDocument: values[EXTRACT_ENV.shardMaxPerDocument],
    },
    shardQueueUrls: { interactive: values[EXTRACT_ENV.interactiveShardQueueUrl], bulk: values[EXTRACT_ENV.bulkShardQueueUrl] },
    functionMemoryMb: values.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    documentRetentionSeconds: values[EXTRACT_ENV.documentRetentionSeconds],
    reuseIdenticalDocuments: values[EXTRACT_ENV.reuseIdenticalDocuments] === 'true',
    usageRetentionSeconds: values[EXTRACT_ENV.usageRetentionSeconds],
    markdown: {
      enabled: values[EXTRACT_ENV.markdownEnabled] === 'true',
      maxTokens: values[EXTRACT_ENV.markdownMaxTokens],
      overlapTokens: values[EXTRACT_ENV.markdownOverlapTokens],
      tokenizer: values[EXTRACT_ENV.markdownTokenizer],
    },
  };
}
