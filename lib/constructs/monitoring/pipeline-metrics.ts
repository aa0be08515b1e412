/** The metrics of the pipeline's core (lanes, extractor, table, document events) that its alarms and its dashboard share. */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { LANES, type Lane } from '../../../lambdas/shared/contract.js';
import type { AlarmThresholds } from '../../config.js';
import { deadLetterDepthOf, FIVE_MINUTES } from './alarm-catalog.js';

/** A priority lane's queues. */
export interface MonitoredLane {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** Where the lane's shard messages go after their last receive. */
  readonly shardDeadLetterQueue: sqs.IQueue;
}

/** The document-event publisher and the queue its failed batches go to. */
export interface MonitoredDocumentEvents {
  readonly publisher: lambda.IFunction;
  readonly failedEvents: sqs.IQueue;
}

export interface PipelineResources {
  readonly lanes: Readonly<Record<Lane, MonitoredLane>>;
  readonly extractor: lambda.IFunction;
  readonly table: dynamodb.ITable;
  readonly documentEvents?: MonitoredDocumentEvents;
}

export interface PipelineMetrics {
  readonly deadLetterDepths: Readonly<Record<Lane, cloudwatch.Metric>>;
  readonly shardDeadLetterDepths: Readonly<Record<Lane, cloudwatch.Metric>>;
  readonly invocations: cloudwatch.Metric;
  readonly errors: cloudwatch.Metric;
  readonly throttles: cloudwatch.Metric;
  readonly concurrency: cloudwatch.Metric;
  readonly durationAt: (statistic: string, label?: string) => cloudwatch.Metric;
  readonly tableThrottles: cloudwatch.MathExpression;
  readonly tableSystemErrors: cloudwatch.IMetric;
  /** Present with the document events. */
  readonly iteratorAge?: cloudwatch.Metric;
  readonly failedEventsDepth?: cloudwatch.Metric;
}

export function pipelineMetrics({ lanes, extractor, table, documentEvents }: PipelineResources): PipelineMetrics {
  const deadLetterDepths = Object.fromEntries(LANES.map((lane) => [lane, deadLetterDepthOf(lanes[lane].deadLetterQueue)])) as Record<Lane, cloudwatch.Metric>;
  const shardDeadLetterDepths = Object.fromEntries(LANES.map((lane) => [lane, deadLetterDepthOf(lanes[lane].shardDeadLetterQueue)])) as Record<Lane, cloudwatch.Metric>;
  return {
    deadLetterDepths,
    shardDeadLetterDepths,
    invocations: extractor.metricInvocations({ statistic: 'Sum', period: FIVE_MINUTES }),
    errors: extractor.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
    throttles: extractor.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
    concurrency: extractor.metric('ConcurrentExecutions', { statistic: 'Maximum', period: FIVE_MINUTES }),
    durationAt: (statistic: string, label?: string) => extractor.metricDuration({ statistic, period: FIVE_MINUTES, label }),
    tableThrottles: new cloudwatch.MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: table.metric('ReadThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES }),
        writes: table.metric('WriteThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES }),
      },
      label: 'Throttled reads + writes',
      period: FIVE_MINUTES,
    }),
    tableSystemErrors: table.metricSystemErrorsForOperations({
      operations: [
        dynamodb.Operation.GET_ITEM,
        dynamodb.Operation.PUT_ITEM,
        dynamodb.Operation.UPDATE_ITEM,
        dynamodb.Operation.DELETE_ITEM,
        dynamodb.Operation.QUERY,
        dynamodb.Operation.SCAN,
        dynamodb.Operation.BATCH_WRITE_ITEM,
        dynamodb.Operation.TRANSACT_WRITE_ITEMS,
      ],
      period: FIVE_MINUTES,
      label: 'System errors',
    }),
    iteratorAge: documentEvents?.publisher.metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES }),
    failedEventsDepth: documentEvents && deadLetterDepthOf(documentEvents.failedEvents),
  };
}

/** What the core's alarms and its dashboard rows are built from. */
export interface CoreMonitoring {
  readonly thresholds: AlarmThresholds;
  /** Namespace of the functions' custom metrics. */
  readonly namespace: string;
  readonly resources: PipelineResources;
  readonly limits: ExtractorLimits;
  readonly metrics: PipelineMetrics;
}

/** What the duration and concurrency alarms (and their graphs' lines) are measured against. */
export interface ExtractorLimits {
  /** The extraction function's timeout; the duration alarm is a share of it. */
  readonly timeout: Duration;
  /** Concurrency the extractor cannot pass (reserved, else the lanes' maximums together). */
  readonly concurrencyCap: number;
}
