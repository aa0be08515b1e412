import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { documentEventFor, type DocumentEvent } from '../shared/document-events.js';
import { eventBridgeClient } from '../shared/event-bridge-client.js';
import { METRIC_DIMENSIONS } from '../shared/metric-names.js';
import { logger, metrics } from '../shared/powertools.js';
import { DOCUMENT_EVENT_METRICS, loadDocumentEventsSettings } from './contract.js';

const settings = loadDocumentEventsSettings();

type StreamImage = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

/** A stream image as a plain item; the table holds no binary or set attributes. */
const plain = (image: StreamImage) =>
  image ? (unmarshall(image as Record<string, AttributeValue>) as Record<string, unknown>) : undefined;

/** Puts one event on the bus; throws when EventBridge refuses it, so the record is retried. */
async function publish(event: DocumentEvent): Promise<string | undefined> {
  const { FailedEntryCount, Entries } = await eventBridgeClient.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: settings.eventBusName,
          Source: settings.eventSource,
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
          Time: new Date(event.detail.occurredAt),
        },
      ],
    }),
  );
  const [entry] = Entries ?? [];
  if (FailedEntryCount || !entry?.EventId) {
    throw new Error(`EventBridge refused the event: ${entry?.ErrorCode ?? 'no entry'} ${entry?.ErrorMessage ?? ''}`.trim());
  }
  return entry.EventId;
}

async function processRecord(record: DynamoDBRecord): Promise<void> {
  const event = documentEventFor(plain(record.dynamodb?.OldImage), plain(record.dynamodb?.NewImage));
  if (!event) return;
  const { documentId } = event.detail;
  logger.appendKeys({ correlation_id: documentId, documentId });
  try {
    const eventId = await publish(event);
    // The total, and the same count by detail-type.
    metrics.addMetric(DOCUMENT_EVENT_METRICS.eventsPublished, MetricUnit.Count, 1);
    metrics
      .singleMetric()
      .addDimension(METRIC_DIMENSIONS.detailType, event.detailType)
      .addMetric(DOCUMENT_EVENT_METRICS.eventsPublished, MetricUnit.Count, 1);
    logger.info('Published document event', {
      detailType: event.detailType,
      eventId,
      status: event.detail.status,
      errorCode: event.detail.errorCode,
      generation: event.detail.generation,
    });
  } finally {
    logger.removeKeys(['correlation_id', 'documentId']);
  }
}

/**
 * Turns the document table's change stream into document events on EventBridge.
 *
 * Records are handled strictly in order, and the first that cannot be published ends the batch:
 * it is reported as the batch item failure, so Lambda checkpoints everything before it and
 * retries from it. (Powertools' BatchProcessor would go on past a failure, and the records it
 * published after it would be published again on the retry.) After the mapping's retries the
 * batch goes to the on-failure queue, where the `EventPublishingFailed` alarm sees it.
 */
async function processStream(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    try {
      await processRecord(record);
    } catch (error) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      logger.error('Could not publish a document event; retrying from this record', { error, sequenceNumber });
      return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
}

export const handler = middy(processStream)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
