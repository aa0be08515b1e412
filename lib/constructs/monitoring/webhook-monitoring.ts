/**
 * Alarms on webhook delivery: a message in its dead-letter queue (events or tasks that kept
 * failing for reasons other than the receiver, whose failures are retried and logged instead),
 * and delivery invocations that failed as a whole; and the deliveries on the dashboard.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { WEBHOOK_METRICS } from '../../../lambdas/webhooks/contract.js';
import { anyDeadLetter, deadLetterDepthOf, FIVE_MINUTES, GRAPH, type AddAlarm } from './alarm-catalog.js';
import { customMetric } from './function-metrics.js';

/** The delivery function and its dead-letter queue. */
export interface MonitoredWebhooks {
  readonly deliverer: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
}

export function monitorWebhooksOn(add: AddAlarm, dashboard: cloudwatch.Dashboard, webhooks: MonitoredWebhooks, namespace: string): void {
  const deadLettered = add(
    'WebhookDeadLetterQueueNotEmpty',
    anyDeadLetter(
      'A webhook message (a document event or a delivery task) was dead-lettered: subscribers may have missed an event.',
      deadLetterDepthOf(webhooks.deadLetterQueue),
    ),
  );
  const deliveryErrors = add('WebhookDeliveryErrors', {
    summary: 'Webhook delivery invocations are failing as a whole (the table or the queue unreachable, or a bug); receivers are not the cause.',
    metric: webhooks.deliverer.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
    threshold: 5,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // An idle function publishes no Errors datapoint.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Webhooks',
      left: [
        customMetric(namespace, 'webhooks', WEBHOOK_METRICS.delivered, { label: 'Delivered' }),
        customMetric(namespace, 'webhooks', WEBHOOK_METRICS.attemptsFailed, { label: 'Failed attempts' }),
        customMetric(namespace, 'webhooks', WEBHOOK_METRICS.givenUp, { label: 'Given up' }),
      ],
      ...GRAPH,
    }),
    new cloudwatch.AlarmStatusWidget({ title: 'Webhook alarms', alarms: [deadLettered, deliveryErrors], ...GRAPH }),
  );
}
