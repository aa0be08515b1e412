/** `extraction`: the extractor function, its priority lanes and the limits it enforces per document. */
import { z } from 'zod';
import { lanesMaxConcurrency } from '../../../lambdas/extract/contract.js';
import { LANES, type Lane } from '../../../lambdas/shared/contract.js';
import { atLeast, rule, wholeNumber } from '../rules.js';

/** One priority lane's event source. */
export const laneSchema = z.strictObject({
  maxConcurrency: wholeNumber(2, 1000).describe(
    "the lane's event source maximum concurrency (SQS minimum 2): the most invocations it runs at once",
  ),
});
export type LaneConfig = z.infer<typeof laneSchema>;

const lanesSchema = z.strictObject(
  Object.fromEntries(LANES.map((lane) => [lane, laneSchema])) as Record<Lane, typeof laneSchema>,
);

export const extractionSchema = z
  .strictObject({
    memoryMb: wholeNumber(128, 10240).describe('Lambda memory (and vCPUs: one per 1,769 MB)'),
    timeoutSeconds: wholeNumber(1, 900).describe('Lambda timeout'),
    // Optional: new AWS accounts have a concurrency quota of 10, which leaves nothing to reserve.
    reservedConcurrency: atLeast(1)
      .optional()
      .describe('reserved for the extractor; unset where new accounts (quota 10) have nothing to reserve'),
    // Each lane has its own event source, so interactive uploads never wait behind a bulk load.
    lanes: lanesSchema,
    batchSize: wholeNumber(1, 10000).describe('records per invocation (above 10 needs a batching window)'),
    maxBatchingWindowSeconds: wholeNumber(0, 300).describe('how long the event source gathers records before invoking'),
    maxPdfBytes: atLeast(1).describe('larger files fail `TOO_LARGE`'),
    maxPages: atLeast(1).describe('more pages fail `TOO_MANY_PAGES`'),
    documentTimeoutSeconds: atLeast(1).describe('per-document budget (further capped by the invocation); past it, `TIMEOUT`'),
    workerMemoryMb: atLeast(1).describe('heap limit of the worker thread that parses one document'),
    // PDFium's WebAssembly heap in a worker grows and never shrinks.
    engineHeapBudgetMb: atLeast(64).describe("PDFium heap past which a worker is replaced after its document"),
    sharding: z.strictObject({
      pagesPerShard: atLeast(1).describe('text pages one shard extracts (a few ms a page, `npm run bench`)'),
      // The ratio of per-page costs `npm run bench:shards` measures (seconds to OCR a page,
      // milliseconds to read a text layer; see the README's latency model).
      ocrPageWeight: atLeast(1).describe('what a page that needs OCR weighs, in text pages (`npm run bench:shards`)'),
      // Bounds the messages one document queues (ahead of the next long document of its lane)
      // and its record's set of done shards; past it, ranges widen.
      maxShardsPerDocument: atLeast(1).describe('shards per document at most'),
      // Shards have queues of their own (batch size 1), so a huge document's shards never sit in
      // front of the lane's new documents.
      maxConcurrency: z.strictObject(
        Object.fromEntries(
          LANES.map((lane) => [lane, wholeNumber(2, 1000).describe(`the ${lane} lane's shard queue event source maximum concurrency (SQS minimum 2)`)]),
        ) as Record<Lane, z.ZodNumber>,
      ),
    }),
  })
  .superRefine((extraction, ctx) => {
    // Without reserved concurrency (dev: new accounts cannot reserve any) the lanes share the
    // account's pool and nothing here can be exceeded; with it, the lanes' maximums must fit.
    const lanesTotal = lanesMaxConcurrency({ extraction });
    if (extraction.reservedConcurrency !== undefined) {
      rule(
        ctx,
        lanesTotal <= extraction.reservedConcurrency,
        'reservedConcurrency',
        `(${extraction.reservedConcurrency}) must not be below the lanes' and shard queues' maxConcurrency together (${lanesTotal}), or throttled invocations push healthy messages into the DLQ`,
      );
    }
    rule(
      ctx,
      extraction.batchSize <= 10 || extraction.maxBatchingWindowSeconds >= 1,
      'batchSize',
      'above 10 needs a batching window (maxBatchingWindowSeconds) of at least 1 second',
    );
    rule(
      ctx,
      extraction.documentTimeoutSeconds < extraction.timeoutSeconds,
      'documentTimeoutSeconds',
      'must be below timeoutSeconds, leaving time to record the outcome',
    );
    rule(ctx, extraction.workerMemoryMb < extraction.memoryMb, 'workerMemoryMb', 'must be below memoryMb');
    rule(ctx, extraction.engineHeapBudgetMb < extraction.memoryMb, 'engineHeapBudgetMb', 'must be below memoryMb');
  });
export type ExtractionConfig = z.infer<typeof extractionSchema>;
