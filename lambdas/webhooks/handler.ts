/**
 * The webhook delivery function, on the delivery queue. Two kinds of message arrive there:
 *
 * - a document event, from the EventBridge rule: fanned out into one delivery per subscription
 *   (`fanOut`), each queued as a task;
 * - a task: one attempt of one delivery (`attemptDelivery`). When it must be tried again, the
 *   message's visibility timeout is set to the backoff delay (up to SQS's 12 hours) and the record
 *   is reported as a batch item failure, so SQS shows it again after the wait: the retries live in
 *   the queue, not in a sleeping function.
 *
 * A message that keeps failing for other reasons (the table unreachable, a crash) goes to the
 * dead-letter queue after the queue's `maxReceiveCount`, which the monitoring alarms on.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient, sqsClient } from '../shared/clients.js';
import { logger, metrics } from '../shared/powertools.js';
import { WebhookStore } from '../shared/webhook-store.js';
import { DEFAULT_RETRY_SCHEDULE } from '../shared/webhooks/retry-schedule.js';
import { isDeliveryTask, sendDeliveryTask } from '../shared/webhooks/tasks.js';
import { attemptDelivery, fanOut, type DeliveryDependencies, type DocumentBusEvent } from './deliver.js';
import { postWebhook } from './http-client.js';
import { loadWebhookDeliverySettings, WEBHOOK_METRICS } from './contract.js';

const settings = loadWebhookDeliverySettings();

const dependencies: DeliveryDependencies = {
  store: new WebhookStore(dynamoDbClient, settings.tableName, settings.deliveryRetentionSeconds),
  enqueue: (task) => sendDeliveryTask(sqsClient, settings.queueUrl, task),
  post: (url, headers, body) => postWebhook(url, headers, body, { policy: settings.urlPolicy, timeoutMs: settings.timeoutMs }),
  now: () => new Date(),
  random: Math.random,
  apiUrl: settings.apiUrl,
  schedule: { ...DEFAULT_RETRY_SCHEDULE, maxAttempts: settings.maxAttempts },
};

/** Thrown to leave a record on the queue until its visibility timeout, set to the backoff, runs out. */
class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

async function processRecord(record: SQSRecord): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    logger.error('Dropping a message that is not JSON', { messageId: record.messageId });
    return;
  }

  if (isDeliveryTask(body)) {
    const step = await attemptDelivery(body, dependencies);
    const context = { webhookId: body.webhookId, ownerId: body.ownerId, deliveryKey: body.deliveryKey };
    if (step.kind === 'retry') {
      metrics.addMetric(WEBHOOK_METRICS.attemptsFailed, MetricUnit.Count, 1);
      logger.info('Webhook attempt failed; retrying later', { ...context, delaySeconds: step.delaySeconds });
      await sqsClient.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: settings.queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: step.delaySeconds }),
      );
      throw new RetryLater(`retry in ${step.delaySeconds} s`);
    }
    if (step.status === 'DELIVERED') metrics.addMetric(WEBHOOK_METRICS.delivered, MetricUnit.Count, 1);
    if (step.status === 'FAILED') {
      metrics.addMetric(WEBHOOK_METRICS.attemptsFailed, MetricUnit.Count, 1);
      metrics.addMetric(WEBHOOK_METRICS.givenUp, MetricUnit.Count, 1);
    }
    logger.info('Webhook delivery settled', { ...context, status: step.status });
    return;
  }

  const event = body as DocumentBusEvent;
  if (typeof event?.['detail-type'] === 'string' && event.detail) {
    const queued = await fanOut(event, dependencies);
    // Records run side by side, so the correlation id goes on the line, not on the logger.
    const documentId = event.detail.documentId;
    logger.info('Document event fanned out to webhooks', { detailType: event['detail-type'], correlation_id: documentId, documentId, queued });
    return;
  }
  logger.error('Dropping a message that is neither a document event nor a delivery task', { messageId: record.messageId });
}

// Records run side by side: each waits on a different receiver, up to the attempt's timeout.
const processor = new BatchProcessor(EventType.SQS);

const processBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, processRecord, processor, { context, processInParallel: true, throwOnFullBatchFailure: false });

export const handler = middy(processBatch)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
