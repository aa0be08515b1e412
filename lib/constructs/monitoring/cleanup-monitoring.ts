/**
 * Alarms on the clean-up behind the API: a purge request in its dead-letter queue, purge
 * invocations failing as a whole, sweeps failing run after run; and their work on the dashboard.
 * A stuck purge leaves a deleted document's data behind; a stuck sweeper leaves abandoned uploads
 * short of a terminal status, so both need a person.
 */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { EXTRACT_METRICS } from '../../../lambdas/extract/contract.js';
import { PURGE_METRICS } from '../../../lambdas/purge/contract.js';
import { SWEEP_METRICS } from '../../../lambdas/sweep/contract.js';
import { anyDeadLetter, deadLetterDepthOf, FIVE_MINUTES, GRAPH, type AddAlarm } from './alarm-catalog.js';
import { customMetric } from './function-metrics.js';

/** The purge function, its dead-letter queue, the sweeper and how often it runs. */
export interface MonitoredCleanup {
  readonly purger: lambda.IFunction;
  readonly purgeDeadLetterQueue: sqs.IQueue;
  readonly sweeper: lambda.IFunction;
  readonly sweepInterval: Duration;
}

export function monitorCleanupOn(add: AddAlarm, dashboard: cloudwatch.Dashboard, cleanup: MonitoredCleanup, namespace: string): void {
  const purgeDeadLetters = deadLetterDepthOf(cleanup.purgeDeadLetterQueue);
  const purgeErrors = cleanup.purger.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES });
  // One period per scheduled run: each period holds exactly one sweep.
  const sweeperErrors = cleanup.sweeper.metricErrors({ statistic: 'Sum', period: cleanup.sweepInterval });

  const deadLettered = add(
    'PurgeDeadLetterQueueNotEmpty',
    anyDeadLetter("A deleted document's purge request was dead-lettered after its retries: its records or objects may be left behind.", purgeDeadLetters),
  );
  const purging = add('PurgeErrors', {
    summary: 'Purge invocations failed as a whole (crash, timeout, init error) in 2 of 3 five-minute periods; their requests are retried, then dead-lettered.',
    metric: purgeErrors,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    // Lambda publishes nothing while the function is idle (no deletions): no invocations, no errors.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const sweeping = add('SweeperErrors', {
    summary: `Two sweeps in a row failed (one runs every ${cleanup.sweepInterval.toMinutes()} min): abandoned uploads are not expiring and lost purges are not retried.`,
    metric: sweeperErrors,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    // The schedule invokes it every period, so Errors is published each period; none means none failed.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });

  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Clean-up: purges and sweeps',
      left: [
        customMetric(namespace, 'purge', PURGE_METRICS.documentsPurged, { label: 'Documents purged' }),
        customMetric(namespace, 'sweeper', SWEEP_METRICS.uploadsExpired, { label: 'Uploads expired' }),
        customMetric(namespace, 'sweeper', SWEEP_METRICS.purgesRetried, { label: 'Purges retried' }),
      ],
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'Clean-up: errors and dead letters',
      left: [purgeErrors.with({ label: 'Purge errors' }), sweeperErrors.with({ label: 'Sweeper errors' })],
      right: [purgeDeadLetters.with({ label: 'Purge DLQ' })],
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'Messages dropped as malformed',
      left: [
        customMetric(namespace, 'extract', EXTRACT_METRICS.malformedMessages, { label: 'Extraction queue' }),
        customMetric(namespace, 'purge', PURGE_METRICS.malformedRequests, { label: 'Purge queue' }),
      ],
      ...GRAPH,
    }),
    new cloudwatch.AlarmStatusWidget({ title: 'Clean-up alarms', alarms: [deadLettered, purging, sweeping], ...GRAPH }),
  );
}
