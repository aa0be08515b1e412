/**
 * The dashboard's rows for the pipeline's core: flow first (is work arriving and leaving?), then
 * the extractor, then outcomes; the API, webhooks and clean-up add their own rows after.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DOCUMENT_EVENT_METRICS } from '../../../lambdas/document-events/contract.js';
import { EXTRACT_METRICS } from '../../../lambdas/extract/contract.js';
import { FAILURE_CODES, LANES } from '../../../lambdas/shared/contract.js';
import { DOCUMENT_EVENT_TYPES } from '../../../lambdas/shared/document-events.js';
import { METRIC_DIMENSIONS } from '../../../lambdas/shared/metric-names.js';
import { GRAPH, ONE_MINUTE } from './alarm-catalog.js';
import { customMetric } from './function-metrics.js';
import type { CoreMonitoring } from './pipeline-metrics.js';

export function addPipelineWidgets(
  dashboard: cloudwatch.Dashboard,
  {
    stackName,
    alarms,
    thresholds,
    namespace,
    resources: { lanes },
    limits,
    metrics,
  }: CoreMonitoring & {
    readonly stackName: string;
    /** The alarms so far, shown in the status row at the top. */
    readonly alarms: cloudwatch.IAlarm[];
  },
): void {
  const { deadLetterDepths, errors, invocations, throttles, concurrency, durationAt } = metrics;
  const timeoutMs = limits.timeout.toMilliseconds();

  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown: `# pdf-pipeline · ${stackName}\nAlarms notify the alarm topic on ALARM and OK. What each means and what to do first: \`docs/runbook.md\`. Redrive: \`npm run redrive -- --env <env>\`.`,
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.AlarmStatusWidget({
      title: 'Alarms',
      alarms,
      width: 24,
      height: 3,
    }),
  );
  // One row per lane: what arrives, what waits, and how long.
  for (const lane of LANES) {
    const { queue } = lanes[lane];
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `${lane} lane: documents queued`,
        left: [queue.metricNumberOfMessagesSent({ statistic: 'Sum', period: ONE_MINUTE, label: 'Messages sent / min' })],
        ...GRAPH,
      }),
      new cloudwatch.GraphWidget({
        title: `${lane} lane: queue depth`,
        left: [
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: ONE_MINUTE, label: 'Waiting' }),
          queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum', period: ONE_MINUTE, label: 'In flight' }),
        ],
        ...GRAPH,
      }),
      new cloudwatch.GraphWidget({
        title: `${lane} lane: age of oldest message (s)`,
        left: [queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: ONE_MINUTE, label: 'Oldest' })],
        leftAnnotations: [{ value: thresholds.queueOldestMessageAgeSeconds[lane], label: 'Alarm', color: cloudwatch.Color.RED }],
        ...GRAPH,
      }),
    );
  }
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Dead-letter queues',
      left: [
        ...LANES.map((lane) => deadLetterDepths[lane].with({ label: `Extraction DLQ (${lane})` })),
        ...LANES.map((lane) => metrics.shardDeadLetterDepths[lane].with({ label: `Shard DLQ (${lane})` })),
        ...(metrics.failedEventsDepth ? [metrics.failedEventsDepth.with({ label: 'Failed event batches' })] : []),
      ],
      leftAnnotations: [{ value: 1, label: 'Alarm', color: cloudwatch.Color.RED }],
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'Extraction duration (ms)',
      left: ['p50', 'p90', 'p99', 'Maximum'].map((statistic) => durationAt(statistic, statistic)),
      leftAnnotations: [
        { value: timeoutMs, label: 'Timeout', color: cloudwatch.Color.RED },
        { value: Math.round(thresholds.durationP99TimeoutShare * timeoutMs), label: 'p99 alarm', color: cloudwatch.Color.ORANGE },
      ],
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'Extractor invocations, errors, throttles',
      left: [invocations.with({ label: 'Invocations' }), errors.with({ label: 'Errors' }), throttles.with({ label: 'Throttles' })],
      right: [concurrency.with({ label: 'Concurrent executions (max)' })],
      rightAnnotations: [{ value: limits.concurrencyCap, label: 'Cap', color: cloudwatch.Color.RED }],
      ...GRAPH,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Documents by outcome',
      left: [
        customMetric(namespace, 'extract', EXTRACT_METRICS.documentsCompleted, { label: 'Completed' }),
        customMetric(namespace, 'extract', EXTRACT_METRICS.documentsFailed, { label: 'Failed' }),
        customMetric(namespace, 'extract', EXTRACT_METRICS.documentsPoisoned, { label: 'Poisoned' }),
      ],
      stacked: true,
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'Long documents in shards',
      left: [
        customMetric(namespace, 'extract', EXTRACT_METRICS.documentsSharded, { label: 'Documents split' }),
        customMetric(namespace, 'extract', EXTRACT_METRICS.shardsExtracted, { label: 'Shards read' }),
        customMetric(namespace, 'extract', EXTRACT_METRICS.shardsFailed, { label: 'Shards failed' }),
      ],
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'Pages read by OCR',
      left: [
        customMetric(namespace, 'extract', EXTRACT_METRICS.ocrPages, { label: 'OCR pages' }),
        customMetric(namespace, 'extract', EXTRACT_METRICS.textractPages, { label: 'Textract pages (billed)' }),
      ],
      right: [customMetric(namespace, 'extract', EXTRACT_METRICS.ocrConfidence, { statistic: 'Average', label: 'Mean confidence (%)' })],
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'OCR seconds per page',
      left: ['p50', 'p90', 'Maximum'].map((statistic) => customMetric(namespace, 'extract', EXTRACT_METRICS.ocrSeconds, { statistic, label: statistic })),
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'Failures by error code',
      left: FAILURE_CODES.map((code) =>
        customMetric(namespace, 'extract', EXTRACT_METRICS.documentsFailedByCode, { dimensions: { [METRIC_DIMENSIONS.errorCode]: code }, label: code }),
      ),
      stacked: true,
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'End-to-end latency, upload to completion (ms)',
      left: ['p50', 'p90', 'p99'].map((statistic) => customMetric(namespace, 'extract', EXTRACT_METRICS.endToEndLatency, { statistic, label: statistic })),
      ...GRAPH,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Pages extracted',
      left: [customMetric(namespace, 'extract', EXTRACT_METRICS.pagesExtracted, { label: 'Pages' })],
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'Bytes processed',
      left: [customMetric(namespace, 'extract', EXTRACT_METRICS.bytesProcessed, { label: 'Bytes' })],
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'Document table: throttles and system errors',
      left: [metrics.tableThrottles, metrics.tableSystemErrors],
      ...GRAPH,
    }),
  );
  if (metrics.iteratorAge) {
    const published = (detailType: string) =>
      customMetric(namespace, 'documentEvents', DOCUMENT_EVENT_METRICS.eventsPublished, {
        dimensions: { [METRIC_DIMENSIONS.detailType]: detailType },
        label: detailType,
      });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Document events published',
        left: Object.values(DOCUMENT_EVENT_TYPES).map(published),
        right: [metrics.iteratorAge.with({ label: 'Lag behind the table (ms)' })],
        ...GRAPH,
      }),
    );
  }
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Identical uploads reused; usage not recorded',
      left: [customMetric(namespace, 'extract', EXTRACT_METRICS.documentsReused, { label: 'Reused (completed without extraction)' })],
      right: [customMetric(namespace, 'extract', EXTRACT_METRICS.usageNotRecorded, { label: 'Usage not recorded' })],
      ...GRAPH,
    }),
  );
}
