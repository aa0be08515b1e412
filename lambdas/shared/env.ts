// zod/mini: the same validation, a fraction of the bundle (the extractor's cold start counts).
import * as z from 'zod/mini';
import { EXTRACT_ENV, type Lane } from './contract.js';
import { parseEnvironment } from './parse-environment.js';

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
  // Set by Lambda itself (and by the local runtime): the function's memory size.
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: z._default(positiveInt, 1024),
});

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
  };
}
