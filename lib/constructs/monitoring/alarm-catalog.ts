/**
 * The alarms the pipeline raises, by name, and what every part of the Monitoring construct
 * shares: how an alarm is defined, the dead-letter alarm they all raise alike, the periods, and
 * the size of a graph.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Lane } from '../../../lambdas/shared/contract.js';

/** Every alarm the pipeline raises; `docs/runbook.md` has a section for each, under the same name. */
export const ALARM_NAMES = [
  'DeadLetterQueueNotEmpty',
  'BulkDeadLetterQueueNotEmpty',
  'ShardDeadLetterQueueNotEmpty',
  'BulkShardDeadLetterQueueNotEmpty',
  'QueueBacklogAging',
  'BulkQueueBacklogAging',
  'ExtractionErrorRate',
  'ExtractionThrottled',
  'ExtractionDurationNearTimeout',
  'ExtractionConcurrencyNearCap',
  'ShardsFailing',
  'TableThrottled',
  'TableSystemErrors',
  'EventPublishingLag',
  'EventPublishingFailed',
  'ApiServerErrorRate',
  'ApiLatencyHigh',
  'AuditWriteFailed',
  'WebhookDeadLetterQueueNotEmpty',
  'WebhookDeliveryErrors',
  'PurgeDeadLetterQueueNotEmpty',
  'PurgeErrors',
  'SweeperErrors',
] as const;
export type AlarmName = (typeof ALARM_NAMES)[number];

/**
 * Each lane's queue alarms. The interactive lane's keep the names (and so the ids) they had
 * before there were lanes; the bulk lane's start with `Bulk`.
 */
export const LANE_ALARMS: Readonly<Record<Lane, { readonly deadLetter: AlarmName; readonly backlog: AlarmName; readonly shardDeadLetter: AlarmName }>> = {
  interactive: { deadLetter: 'DeadLetterQueueNotEmpty', backlog: 'QueueBacklogAging', shardDeadLetter: 'ShardDeadLetterQueueNotEmpty' },
  bulk: { deadLetter: 'BulkDeadLetterQueueNotEmpty', backlog: 'BulkQueueBacklogAging', shardDeadLetter: 'BulkShardDeadLetterQueueNotEmpty' },
};

/**
 * Where the runbook section of an alarm is (GitHub's heading anchors are lower case). The lanes
 * share a section per alarm: what to do is the same, for the lane the alarm names.
 */
export const runbookLink = (name: AlarmName) => `docs/runbook.md#${name.replace(/^Bulk/, '').toLowerCase()}`;

/** An alarm's definition: what it watches, when it fires, and what a missing datapoint means. */
export interface AlarmDefinition {
  readonly summary: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

/** Creates an alarm that notifies the alarm topic on ALARM and on OK (the Monitoring construct's). */
export type AddAlarm = (name: AlarmName, definition: AlarmDefinition) => cloudwatch.Alarm;

export const FIVE_MINUTES = Duration.minutes(5);
export const ONE_MINUTE = Duration.minutes(1);
export const GRAPH = { width: 8, height: 6 } as const;

/** A dead-letter queue's depth as its alarm watches it (and the dashboard graphs it): the most messages visible in a minute. */
export const deadLetterDepthOf = (queue: sqs.IQueue): cloudwatch.Metric =>
  queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: ONE_MINUTE });

/**
 * Any message in a dead-letter queue, within a minute: every message there is work given up, so
 * one is enough. Missing data never breaches: SQS publishes while a queue holds messages or is
 * used, and an empty, idle dead-letter queue goes quiet.
 */
export function anyDeadLetter(summary: string, depth: cloudwatch.IMetric): AlarmDefinition {
  return {
    summary,
    metric: depth,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}
