/**
 * The alarms on the pipeline's core: each lane's queues, the extractor, the document table and
 * the document events, with thresholds from the config.
 *
 * Missing data is treated deliberately, alarm by alarm: every metric watched here is published
 * only while something happens (SQS metrics stop for an idle queue, Lambda's for an idle
 * function, DynamoDB's error metrics exist only when errors occur), so a missing datapoint means
 * "nothing happened" and never breaches. The comment at each alarm says why that holds there
 * (`anyDeadLetter`'s, for the dead-letter queues).
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { EXTRACT_METRICS } from '../../../lambdas/extract/contract.js';
import { LANES } from '../../../lambdas/shared/contract.js';
import { anyDeadLetter, FIVE_MINUTES, LANE_ALARMS, type AddAlarm } from './alarm-catalog.js';
import { customMetric } from './function-metrics.js';
import type { CoreMonitoring } from './pipeline-metrics.js';

export function addPipelineAlarms(add: AddAlarm, { thresholds, namespace, resources, limits, metrics }: CoreMonitoring): void {
  const { lanes } = resources;
  const { deadLetterDepths, errors, invocations, throttles, concurrency, durationAt, tableThrottles, tableSystemErrors } = metrics;
  const { iteratorAge, failedEventsDepth } = metrics;
  const timeoutMs = limits.timeout.toMilliseconds();
  const concurrencyThreshold = Math.max(1, Math.ceil(thresholds.concurrencyCapShare * limits.concurrencyCap));

  // Alarms: each lane's queues.
  for (const lane of LANES) {
    const { queue } = lanes[lane];
    add(
      LANE_ALARMS[lane].shardDeadLetter,
      anyDeadLetter(`A shard message reached the ${lane} lane's shard dead-letter queue: its document is FAILED/POISON.`, metrics.shardDeadLetterDepths[lane]),
    );
    add(
      LANE_ALARMS[lane].deadLetter,
      anyDeadLetter(`A document message reached the ${lane} lane's dead-letter queue: its document is FAILED/POISON or never got recorded.`, deadLetterDepths[lane]),
    );
    add(LANE_ALARMS[lane].backlog, {
      summary: `The oldest document queued in the ${lane} lane has waited more than ${thresholds.queueOldestMessageAgeSeconds[lane]} s for 15 minutes: extraction is not keeping up or is stuck.`,
      metric: queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: FIVE_MINUTES }),
      threshold: thresholds.queueOldestMessageAgeSeconds[lane],
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      // The event source polls the queue all the time, so it is never idle; no data = no messages.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  // Alarms: the extractor.
  add('ExtractionErrorRate', {
    summary: `More than ${thresholds.extractionErrorRatePercent}% of extractor invocations failed as a whole (crash, timeout, init error) in 2 of 3 five-minute periods.`,
    metric: new cloudwatch.MathExpression({
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: { errors, invocations },
      label: 'Failed invocations (%)',
      period: FIVE_MINUTES,
    }),
    threshold: thresholds.extractionErrorRatePercent,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    // Lambda publishes nothing while the function is idle: no invocations, no errors.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  add('ExtractionThrottled', {
    summary: `The extractor was throttled ${thresholds.extractionThrottles}+ times in 5 minutes: the account or reserved concurrency is exhausted, and throttled messages age toward the DLQ.`,
    metric: throttles,
    threshold: thresholds.extractionThrottles,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // Published only for periods with invocation attempts; none means nothing was throttled.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  add('ExtractionDurationNearTimeout', {
    summary: `Extractor p99 duration passed ${Math.round(thresholds.durationP99TimeoutShare * 100)}% of its ${limits.timeout.toSeconds()} s timeout in 2 of 3 five-minute periods: invocations are about to time out.`,
    metric: durationAt('p99'),
    threshold: Math.round(thresholds.durationP99TimeoutShare * timeoutMs),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    // No invocations, no durations: an idle function is not slow.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  add('ShardsFailing', {
    summary: 'A page-range shard of a long document could not be read and failed its document, twice or more in 15 minutes.',
    metric: customMetric(namespace, 'extract', EXTRACT_METRICS.shardsFailed).with({ period: FIVE_MINUTES }),
    threshold: 2,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    // Published only when a shard fails.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  add('ExtractionConcurrencyNearCap', {
    summary: `The extractor ran at ${concurrencyThreshold}+ concurrent executions (cap ${limits.concurrencyCap}) for 15 minutes: it cannot scale further, so the backlog will grow.`,
    metric: concurrency,
    threshold: concurrencyThreshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    // Idle function, no datapoints: far from the cap.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });

  // Alarms: the table.
  add('TableThrottled', {
    summary: `The document table throttled ${thresholds.tableThrottles}+ reads and writes in 2 of 3 five-minute periods; the SDK retries, but documents slow down and may fail over to retries.`,
    metric: tableThrottles,
    threshold: thresholds.tableThrottles,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    // DynamoDB publishes throttle events only when there are some.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  add('TableSystemErrors', {
    summary: `DynamoDB answered ${thresholds.tableSystemErrors}+ requests with a server error in 2 of 3 five-minute periods.`,
    metric: tableSystemErrors,
    threshold: thresholds.tableSystemErrors,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    // DynamoDB publishes SystemErrors only when there are some.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });

  // Alarms: document events.
  if (iteratorAge && failedEventsDepth) {
    add('EventPublishingLag', {
      summary: `Document events lag more than ${thresholds.eventPublishingLagSeconds} s behind the table: the publisher keeps failing (bus refusing events?) or is throttled.`,
      metric: iteratorAge,
      threshold: thresholds.eventPublishingLagSeconds * 1000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // Lambda publishes IteratorAge only for batches it invokes; no changes, no lag. A failing
      // publisher is retried continuously, so a stuck stream does keep publishing it.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    add(
      'EventPublishingFailed',
      anyDeadLetter('A batch of table changes was given up without its document events: consumers missed Completed/Failed events.', failedEventsDepth),
    );
  }
}
