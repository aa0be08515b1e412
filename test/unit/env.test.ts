import { describe, expect, it } from 'vitest';
import { loadExtractSettings } from '../../lambdas/shared/env.js';

const valid = {
  TABLE_NAME: 'documents',
  BUCKET_NAME: 'docs',
  MAX_PDF_BYTES: '1048576',
  MAX_PAGES: '500',
  MAX_ATTEMPTS: '5',
  DOCUMENT_TIMEOUT_SECONDS: '60',
  WORKER_MEMORY_MB: '512',
  ENGINE_HEAP_BUDGET_MB: '256',
  SHARD_PAGES: '400',
  SHARD_OCR_PAGE_WEIGHT: '200',
  SHARD_MAX_PER_DOCUMENT: '16',
  INTERACTIVE_SHARD_QUEUE_URL: 'http://queue/interactive-shards',
  BULK_SHARD_QUEUE_URL: 'http://queue/bulk-shards',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '2048',
};

describe('loadExtractSettings', () => {
  it('reads typed settings from the environment the stack sets', () => {
    expect(loadExtractSettings(valid)).toEqual({
      tableName: 'documents',
      bucketName: 'docs',
      maxPdfBytes: 1048576,
      maxPages: 500,
      maxAttempts: 5,
      documentTimeoutMs: 60_000,
      workerMemoryMb: 512,
      engineHeapBudgetMb: 256,
      ocr: { engine: 'off', languages: ['eng'], maxPagesPerDocument: 10, dpi: 150 },
      sharding: { pagesPerShard: 400, ocrPageWeight: 200, maxShardsPerDocument: 16 },
      shardQueueUrls: { interactive: 'http://queue/interactive-shards', bulk: 'http://queue/bulk-shards' },
      functionMemoryMb: 2048,
      reuseIdenticalDocuments: false,
    });
  });

  it("reads Textract's request interval when the stack sets one", () => {
    const settings = loadExtractSettings({ ...valid, OCR_ENGINE: 'textract', OCR_TEXTRACT_INTERVAL_MS: '2000' });

    expect(settings.ocr).toMatchObject({ engine: 'textract', textractIntervalMs: 2000 });
  });

  it('reads the reuse of identical documents and the usage retention when the stack sets them', () => {
    const settings = loadExtractSettings({ ...valid, REUSE_IDENTICAL_DOCUMENTS: 'true', USAGE_RETENTION_SECONDS: '7776000' });
    expect(settings).toMatchObject({ reuseIdenticalDocuments: true, usageRetentionSeconds: 7_776_000 });
  });

  it.each([
    ['a missing table name', { TABLE_NAME: undefined }, 'TABLE_NAME'],
    ['an empty bucket name', { BUCKET_NAME: '' }, 'BUCKET_NAME'],
    ['a fractional page limit', { MAX_PAGES: '1.5' }, 'MAX_PAGES'],
    ['a negative size limit', { MAX_PDF_BYTES: '-1' }, 'MAX_PDF_BYTES'],
    ['a word for a number', { MAX_ATTEMPTS: 'five' }, 'MAX_ATTEMPTS'],
  ])('fails fast on %s, naming the variable', (_name, change, variable) => {
    expect(() => loadExtractSettings({ ...valid, ...change })).toThrow(variable);
  });
});
