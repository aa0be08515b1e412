import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadPurgeSettings, PURGE_METRICS } from './contract.js';
import { dynamoDbClient, s3Client } from '../shared/clients.js';
import { DocumentStore } from '../shared/document-store.js';
import { PageStore } from '../shared/page-store.js';
import { logger, metrics } from '../shared/powertools.js';
import { PurgeRequest } from '../shared/purge-request.js';
import { purgeDocument, type PurgeDependencies } from './purge-document.js';

const settings = loadPurgeSettings();

const dependencies: PurgeDependencies = {
  documents: new DocumentStore(dynamoDbClient, settings.tableName),
  pages: new PageStore(dynamoDbClient, settings.tableName),
  s3: s3Client,
  bucketName: settings.bucketName,
};

const processor = new BatchProcessor(EventType.SQS);

async function processRecord(record: SQSRecord): Promise<void> {
  let request: PurgeRequest;
  try {
    request = PurgeRequest.parse(JSON.parse(record.body));
  } catch (error) {
    // Nothing in it names a document: retrying cannot help.
    logger.error('Dropping a message that is not a purge request', { messageId: record.messageId, error });
    metrics.addMetric(PURGE_METRICS.malformedRequests, MetricUnit.Count, 1);
    return;
  }
  // The lines about this document carry its id as the correlation id, as the API's line for the
  // deletion did. Records run side by side, so the keys go on each line, not on the logger.
  const about = { correlation_id: request.documentId, documentId: request.documentId };
  const outcome = await purgeDocument(request, dependencies);
  if (!outcome) {
    logger.warn('Not purging a document that is not deleted', about);
    return;
  }
  logger.info('Document purged', { ...about, ...outcome });
  metrics.addMetric(PURGE_METRICS.documentsPurged, MetricUnit.Count, 1);
}

/** Purges deleted documents, each message on its own; a failed one is retried, then dead-lettered. */
const processBatch = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, processRecord, processor, { context, throwOnFullBatchFailure: false });

export const handler = middy(processBatch)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
