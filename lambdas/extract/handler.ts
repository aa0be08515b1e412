import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { availableParallelism } from 'node:os';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient, s3Client, sqsClient } from '../shared/clients.js';
import { DocumentRepository } from '../shared/document-repository.js';
import { loadExtractSettings } from '../shared/env.js';
import { TransientFailure } from '../shared/errors.js';
import { EXTRACT_METRICS, METRIC_DIMENSIONS } from '../shared/metric-names.js';
import { logger, metrics } from '../shared/powertools.js';
import { ObjectStore } from './object-store.js';
import { ExtractionPool, poolSizeForMemory } from './pdf-extractor.js';
import { ocrParallelPages } from './ocr/ocr-sizing.js';
import { observeOcrPages } from './ocr/ocr-metrics.js';
import { documentIdOf, processCreatedObject, type ProcessingDependencies, type ProcessingOutcome } from './process-object.js';
import { processShard } from './process-shard.js';
import { MalformedMessageError, parseS3Message, type CreatedObject } from './s3-event.js';
import { parseShardMessage, type ShardMessage } from './shard-message.js';
import { SqsShardQueue } from './shard-queue.js';
import { ShardProgressStore } from '../shared/shard-progress.js';
import { findReusableDocument } from '../shared/document-reuse.js';
import type { Consumption } from '../shared/usage.js';
import { UsageStore } from '../shared/usage-store.js';
import { meterClientWrites, RunMeter } from './metering.js';
import { outputSettings, producedBy } from './reuse-identical.js';

const settings = loadExtractSettings();

/** Time kept back from each document's deadline to record its outcome before the function times out. */
const RECORDING_RESERVE_MS = 5_000;
/** Share of the function's memory the process may use before a parse is stopped. */
const RSS_BUDGET_SHARE = 0.9;

const poolSize = poolSizeForMemory(settings.functionMemoryMb);
const extractionPool = new ExtractionPool({
  size: poolSize,
  heapLimitMb: settings.workerMemoryMb,
  engineHeapBudgetMb: settings.engineHeapBudgetMb,
  ...(settings.ocr.engine === 'off'
    ? {}
    : { ocr: { ...settings.ocr, engine: settings.ocr.engine, parallelPages: ocrParallelPages(settings.functionMemoryMb, poolSize, availableParallelism()) } }),
});
extractionPool.warm();

const dependencies: ProcessingDependencies = {
  repository: new DocumentRepository(dynamoDbClient, settings.tableName, {
    documentRetentionSeconds: settings.documentRetentionSeconds,
  }),
  objects: new ObjectStore(s3Client),
  // Each OCR page is measured as it is recorded, shards included (seconds, confidence, Textract pages).
  extract: observeOcrPages(extractionPool.extract, (page) => {
    metrics.addMetric(EXTRACT_METRICS.ocrSeconds, MetricUnit.Seconds, page.seconds);
    metrics.addMetric(EXTRACT_METRICS.ocrConfidence, MetricUnit.Percent, page.confidence);
    if (settings.ocr.engine === 'textract') metrics.addMetric(EXTRACT_METRICS.textractPages, MetricUnit.Count, 1);
  }),
  shards: {
    store: new ShardProgressStore(dynamoDbClient, settings.tableName),
    queue: new SqsShardQueue(sqsClient, settings.shardQueueUrls),
    settings: settings.sharding,
  },
  producedBy: producedBy(outputSettings(settings)),
  ...(settings.reuseIdenticalDocuments
    ? {
        reuse: {
          find: (request) =>
            findReusableDocument(dynamoDbClient, settings.tableName, request, { enabled: true, nowSeconds: Math.floor(Date.now() / 1000) }),
        },
      }
    : {}),
  limits: {
    maxPdfBytes: settings.maxPdfBytes,
    maxPages: settings.maxPages,
    maxAttempts: settings.maxAttempts,
    documentTimeoutMs: settings.documentTimeoutMs,
    rssLimitMb: Math.floor(settings.functionMemoryMb * RSS_BUDGET_SHARE),
    resultsBucket: settings.bucketName,
  },
};

// Usage metering: every run's writes are counted on the shared clients, and its figures recorded
// under its owner and day (see metering.ts).
meterClientWrites(dynamoDbClient, s3Client);
const runMeter = new RunMeter({
  usage: new UsageStore(dynamoDbClient, settings.tableName, { retentionSeconds: settings.usageRetentionSeconds }),
  memoryMb: settings.functionMemoryMb,
  ocrEngine: settings.ocr.engine,
  onNotRecorded: (error, consumption) => {
    logger.warn('Usage figures not recorded', { error, consumption });
    metrics.addMetric(EXTRACT_METRICS.usageNotRecorded, MetricUnit.Count, 1);
  },
});

// Records run one after another: each parse already has a thread of its own, and running
// them in turn keeps a whole batch's documents from being in memory at once.
const processor = new BatchProcessor(EventType.SQS);

function report(outcome: ProcessingOutcome, object: CreatedObject, consumption?: Consumption): void {
  logger.info('Object processed', { ...outcome, ...(consumption ? { consumption } : {}) });
  switch (outcome.status) {
    case 'completed': {
      metrics.addMetric(EXTRACT_METRICS.documentsCompleted, MetricUnit.Count, 1);
      // A reused document's pages were copied, not extracted.
      if (outcome.reusedFrom) metrics.addMetric(EXTRACT_METRICS.documentsReused, MetricUnit.Count, 1);
      else metrics.addMetric(EXTRACT_METRICS.pagesExtracted, MetricUnit.Count, outcome.pageCount);
      metrics.addMetric(EXTRACT_METRICS.bytesProcessed, MetricUnit.Bytes, outcome.bytes);
      if (outcome.ocrPages) metrics.addMetric(EXTRACT_METRICS.ocrPages, MetricUnit.Count, outcome.ocrPages);
      // Upload to completion: from the object's creation (the S3 event time), so time spent
      // queued, retried or re-driven counts too.
      const latencyMs = Date.now() - Date.parse(object.eventTime);
      if (Number.isFinite(latencyMs) && latencyMs >= 0) {
        metrics.addMetric(EXTRACT_METRICS.endToEndLatency, MetricUnit.Milliseconds, latencyMs);
      }
      break;
    }
    case 'failed':
      metrics.addMetric(EXTRACT_METRICS.documentsFailed, MetricUnit.Count, 1);
      metrics
        .singleMetric()
        .addDimension(METRIC_DIMENSIONS.errorCode, outcome.code)
        .addMetric(EXTRACT_METRICS.documentsFailedByCode, MetricUnit.Count, 1);
      break;
    case 'dead-letter':
      metrics.addMetric(EXTRACT_METRICS.documentsPoisoned, MetricUnit.Count, 1);
      break;
    case 'sharded':
      metrics.addMetric(EXTRACT_METRICS.documentsSharded, MetricUnit.Count, 1);
      metrics.addMetric(EXTRACT_METRICS.shardsExtracted, MetricUnit.Count, 1);
      break;
    case 'shard-done':
      metrics.addMetric(EXTRACT_METRICS.shardsExtracted, MetricUnit.Count, 1);
      break;
  }
}

/** One page range of a long document (see process-shard.ts). */
async function processShardRecord(shard: ShardMessage, record: SQSRecord, context: Context): Promise<void> {
  logger.appendKeys({ messageId: record.messageId, correlation_id: shard.documentId, documentId: shard.documentId, shard: shard.index });
  try {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    const deadline = invocationDeadline(context);
    const { outcome, consumption } = await runMeter.measure(shard.object, () => processShard(shard, { receiveCount, deadline }, dependencies));
    report(outcome, shard.object, consumption);
    if (outcome.status === 'failed') metrics.addMetric(EXTRACT_METRICS.shardsFailed, MetricUnit.Count, 1);
    if (outcome.status === 'dead-letter') {
      throw new TransientFailure('Document recorded as POISON; sending the shard message on to the dead-letter queue.');
    }
  } catch (error) {
    logger.warn('Shard left on the queue for another attempt', { error });
    throw error;
  } finally {
    logger.removeKeys(['messageId', 'correlation_id', 'documentId', 'shard']);
  }
}

/**
 * When this invocation must have recorded a document's outcome; a full extraction budget must fit
 * before it, or the record is deferred to a later invocation without counting an attempt.
 */
function invocationDeadline(context: Context): number {
  const usableMs = context.getRemainingTimeInMillis() - RECORDING_RESERVE_MS;
  if (usableMs < settings.documentTimeoutMs) {
    // Starting now could only cut the document's budget short; a later invocation gives it
    // the full budget, and the attempt is not counted because the document is not touched.
    throw new TransientFailure('Not enough time left in this invocation for a full extraction budget; deferring.');
  }
  return Date.now() + usableMs;
}

async function processRecord(record: SQSRecord, context: Context): Promise<void> {
  let shard: ShardMessage | undefined;
  try {
    shard = parseShardMessage(record.body);
  } catch (error) {
    logger.error('Dropping a malformed shard message', { messageId: record.messageId, reason: (error as Error).message });
    metrics.addMetric(EXTRACT_METRICS.malformedMessages, MetricUnit.Count, 1);
    return;
  }
  if (shard) return processShardRecord(shard, record, context);

  let message;
  try {
    message = parseS3Message(record.body);
  } catch (error) {
    if (!(error instanceof MalformedMessageError)) throw error;
    // Nothing in such a message names a document; retrying cannot help, so it is logged and dropped.
    logger.error('Dropping a message that is not an S3 notification', { messageId: record.messageId, reason: error.message });
    metrics.addMetric(EXTRACT_METRICS.malformedMessages, MetricUnit.Count, 1);
    return;
  }
  if (message.kind === 'test-event') {
    logger.info('Acknowledged the S3 test event', { messageId: record.messageId });
    return;
  }

  const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
  let poisoned = false;
  for (const object of message.objects) {
    // Every line about this object carries its document id as the correlation id. Records and
    // their objects run one at a time, so the keys belong to this object until removed below.
    const documentId = documentIdOf(object);
    logger.appendKeys({ messageId: record.messageId, ...(documentId ? { correlation_id: documentId, documentId } : {}) });
    try {
      const deadline = invocationDeadline(context);
      const { outcome, consumption } = await runMeter.measure(object, () => processCreatedObject(object, { receiveCount, deadline }, dependencies));
      report(outcome, object, consumption);
      poisoned ||= outcome.status === 'dead-letter';
    } catch (error) {
      logger.warn('Object left on the queue for another attempt', { error });
      throw error;
    } finally {
      logger.removeKeys(['messageId', 'correlation_id', 'documentId']);
    }
  }
  if (poisoned) {
    throw new TransientFailure('Document recorded as POISON; sending the message on to the dead-letter queue.');
  }
}

const processBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, processRecord, processor, {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });

export const handler = middy(processBatch)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
