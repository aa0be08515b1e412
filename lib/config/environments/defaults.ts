/** Values most environments share; each environment's file spreads them and changes what differs. */
import type { ApiConfig } from '../sections/api.js';
import type { ExtractionConfig } from '../sections/extraction.js';
import type { OcrConfig } from '../sections/ocr.js';
import type { QueueConfig } from '../sections/queue.js';
import type { MarkdownConfig } from '../sections/markdown.js';
import type { WebhooksConfig } from '../sections/webhooks.js';

export const MB = 1024 * 1024;

/**
 * Where `pdf-pipeline login` receives the sign-in answer: a loopback redirect (RFC 8252) on a
 * fixed port, because Cognito matches callback URLs exactly, port included.
 */
export const CLI_LOGIN_CALLBACK_URL = 'http://localhost:42813/callback';

export const baseExtraction = {
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
} as const satisfies Omit<ExtractionConfig, 'lanes' | 'reservedConcurrency'>;

export const baseQueue: QueueConfig = { maxReceiveCount: 5, retentionDays: 4, deadLetterRetentionDays: 14 };

/**
 * 150 DPI reads ordinary scans as well as 300 in three quarters of the time. A page takes
 * 3–4.5 s on one core; the document deadline (60 s) bounds how many pages one document gets.
 */
export const baseOcr: OcrConfig = { engine: 'tesseract', languages: ['eng'], maxPagesPerDocument: 10, dpi: 150 };

export const baseApi = {
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
} as const satisfies Partial<ApiConfig>;

export const baseEvents = { busName: 'default', maxRecordAgeHours: 6 } as const;

export const baseWebhooks: WebhooksConfig = {
  maxPerUser: 10,
  secretOverlapHours: 24,
  deliveryRetentionDays: 30,
  timeoutSeconds: 10,
  maxAttempts: 8,
};

/**
 * 512 tokens with 64 of overlap: a common retrieval chunk size, within every embedding model's
 * input. cl100k_base is the encoding of the common embedding models (OpenAI's text-embedding-3
 * and ada-002), and half the size of o200k_base in the bundle.
 */
export const baseMarkdown: MarkdownConfig = { enabled: true, chunkMaxTokens: 512, chunkOverlapTokens: 64, tokenizer: 'cl100k_base' };
