import { beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_METRICS, extractionEnvironment } from '../../lambdas/extract/contract.js';
import { FAILURE_CODES, LANES } from '../../lambdas/shared/contract.js';
import { METRIC_DIMENSIONS, SERVICE_NAMES } from '../../lambdas/shared/metric-names.js';
import { deriveSettings, ENVIRONMENT_NAMES, lanesMaxConcurrency } from '../../lib/config.js';
import { ALARM_NAMES, LANE_ALARMS, runbookLink } from '../../lib/constructs/monitoring.js';
import { alarmOf, ANY_DEAD_LETTER_WITHIN_A_MINUTE, dashboardWidgetsOf, dimensionsOf, metricDimensionsOf, type Props } from './alarm-fixture.js';
import { environment, logicalId, propertiesOf, synthesizeEnvironments } from './app-fixture.js';

beforeAll(synthesizeEnvironments);

/** The metrics a math alarm combines, by id: namespace, name, dimensions, statistic, period. */
function mathMetricsOf(alarm: Props): Record<string, Props> {
  return Object.fromEntries(
    (alarm.Metrics as Props[])
      .filter((metric) => metric.MetricStat)
      .map((metric) => [
        metric.Id,
        {
          namespace: metric.MetricStat.Metric.Namespace,
          name: metric.MetricStat.Metric.MetricName,
          dimensions: dimensionsOf(metric.MetricStat.Metric.Dimensions),
          stat: metric.MetricStat.Stat,
          period: metric.MetricStat.Period,
        },
      ]),
  );
}

const expressionOf = (alarm: Props) => (alarm.Metrics as Props[]).find((metric) => metric.Expression)?.Expression;

describe.each(ENVIRONMENT_NAMES)('monitoring (%s)', (envName) => {
  const { config, stack, template } = environment(envName);
  const thresholds = config.observability.alarms;
  const topic = { Ref: logicalId(stack.monitoring.topic) };
  const extractor = logicalId(stack.extraction.extractor.function);
  const publisher = logicalId(stack.documentEvents.publisher.function);
  const table = logicalId(stack.storage.table);
  const queueName = (queue: typeof stack.ingestion.lanes.interactive.queue) => `${logicalId(queue)}.QueueName`;

  describe('alarm topic', () => {
    it('is encrypted with a rotated key of its own, TLS only, and only our alarms may publish', () => {
      // Arrange
      const topicProps = propertiesOf(template, logicalId(stack.monitoring.topic));
      const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
      const statements = policy!.Properties.PolicyDocument.Statement as Props[];

      // Assert
      expect(topicProps.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalId(stack.monitoring.topicKey), 'Arn'] });
      expect(propertiesOf(template, logicalId(stack.monitoring.topicKey)).EnableKeyRotation).toBe(true);
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
        }),
      );
    });

    it(`subscribes ${config.observability.alarmEmail ?? 'no address'} by email`, () => {
      const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'));
      expect(subscriptions.map((subscription) => subscription.Properties.Endpoint)).toEqual(
        config.observability.alarmEmail ? [config.observability.alarmEmail] : [],
      );
    });
  });

  describe('alarms', () => {
    it('has every alarm of the runbook, and no other', () => {
      expect(Object.keys(stack.monitoring.alarms).sort()).toEqual([...ALARM_NAMES].sort());
      // The deployment's own rollback alarms belong to SafeDeployment (see its tests), not to the runbook.
      const monitoringAlarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) => id.startsWith('Monitoring'));
      expect(monitoringAlarms).toHaveLength(ALARM_NAMES.length);
    });

    it.each(ALARM_NAMES)('%s notifies the topic on ALARM and OK, treats missing data as not breaching, and links its runbook', (name) => {
      // Act
      const alarm = alarmOf(envName, name);

      // Assert
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.AlarmDescription).toContain(`Runbook: ${runbookLink(name)}`);
    });

    it('links the bulk lane\'s queue alarms to the section of their kind', () => {
      expect(runbookLink('BulkDeadLetterQueueNotEmpty')).toBe('docs/runbook.md#deadletterqueuenotempty');
      expect(runbookLink('BulkShardDeadLetterQueueNotEmpty')).toBe('docs/runbook.md#sharddeadletterqueuenotempty');
      expect(runbookLink('BulkQueueBacklogAging')).toBe('docs/runbook.md#queuebacklogaging');
    });

    describe.each(LANES)('%s lane', (lane) => {
      const { deadLetter, backlog, shardDeadLetter } = LANE_ALARMS[lane];

      it(`${shardDeadLetter}: any visible message in the lane's shard DLQ, within a minute`, () => {
        const alarm = alarmOf(envName, shardDeadLetter);
        expect(alarm).toMatchObject(ANY_DEAD_LETTER_WITHIN_A_MINUTE);
        expect(dimensionsOf(alarm.Dimensions)).toEqual({ QueueName: queueName(stack.ingestion.lanes[lane].shardDeadLetterQueue) });
      });

      it(`${deadLetter}: any visible message in the lane's DLQ, within a minute`, () => {
        const alarm = alarmOf(envName, deadLetter);
        expect(alarm).toMatchObject(ANY_DEAD_LETTER_WITHIN_A_MINUTE);
        expect(dimensionsOf(alarm.Dimensions)).toEqual({ QueueName: queueName(stack.ingestion.lanes[lane].deadLetterQueue) });
        expect(alarm.AlarmDescription).toContain(`the ${lane} lane's dead-letter queue`);
      });

      it(`${backlog}: the lane's oldest message above ${thresholds.queueOldestMessageAgeSeconds[lane]} s for 15 minutes`, () => {
        const alarm = alarmOf(envName, backlog);
        expect(alarm).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateAgeOfOldestMessage',
          Statistic: 'Maximum',
          Period: 300,
          Threshold: thresholds.queueOldestMessageAgeSeconds[lane],
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 3,
        });
        expect(dimensionsOf(alarm.Dimensions)).toEqual({ QueueName: queueName(stack.ingestion.lanes[lane].queue) });
        // One ordinary retry (a visibility timeout) never raises it.
        expect(alarm.Threshold).toBeGreaterThan(deriveSettings(config).queueVisibilityTimeoutSeconds);
      });
    });

    it(`ExtractionErrorRate: errors / invocations above ${thresholds.extractionErrorRatePercent}% in 2 of 3 periods`, () => {
      const alarm = alarmOf(envName, 'ExtractionErrorRate');
      expect(expressionOf(alarm)).toBe('IF(invocations > 0, 100 * errors / invocations, 0)');
      expect(mathMetricsOf(alarm)).toEqual({
        errors: { namespace: 'AWS/Lambda', name: 'Errors', dimensions: { FunctionName: extractor }, stat: 'Sum', period: 300 },
        invocations: { namespace: 'AWS/Lambda', name: 'Invocations', dimensions: { FunctionName: extractor }, stat: 'Sum', period: 300 },
      });
      expect(alarm).toMatchObject({
        Threshold: thresholds.extractionErrorRatePercent,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
    });

    it(`ExtractionThrottled: ${thresholds.extractionThrottles}+ throttles in 5 minutes`, () => {
      const alarm = alarmOf(envName, 'ExtractionThrottled');
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Statistic: 'Sum',
        Period: 300,
        Threshold: thresholds.extractionThrottles,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
      });
      expect(dimensionsOf(alarm.Dimensions)).toEqual({ FunctionName: extractor });
    });

    it('ExtractionDurationNearTimeout: p99 above the configured share of the function timeout', () => {
      const alarm = alarmOf(envName, 'ExtractionDurationNearTimeout');
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Duration',
        ExtendedStatistic: 'p99',
        Period: 300,
        Threshold: Math.round(thresholds.durationP99TimeoutShare * config.extraction.timeoutSeconds * 1000),
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
      expect(alarm.Threshold).toBeLessThan(config.extraction.timeoutSeconds * 1000);
      expect(dimensionsOf(alarm.Dimensions)).toEqual({ FunctionName: extractor });
    });

    it('ExtractionConcurrencyNearCap: maximum concurrency at the configured share of its cap for 15 minutes', () => {
      const cap = config.extraction.reservedConcurrency ?? lanesMaxConcurrency(config);
      const alarm = alarmOf(envName, 'ExtractionConcurrencyNearCap');
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'ConcurrentExecutions',
        Statistic: 'Maximum',
        Period: 300,
        Threshold: Math.max(1, Math.ceil(thresholds.concurrencyCapShare * cap)),
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 3,
      });
      expect(alarm.Threshold).toBeLessThanOrEqual(cap);
      expect(dimensionsOf(alarm.Dimensions)).toEqual({ FunctionName: extractor });
    });

    it(`TableThrottled: ${thresholds.tableThrottles}+ throttled reads and writes in 2 of 3 periods`, () => {
      const alarm = alarmOf(envName, 'TableThrottled');
      expect(expressionOf(alarm)).toBe('reads + writes');
      expect(mathMetricsOf(alarm)).toEqual({
        reads: { namespace: 'AWS/DynamoDB', name: 'ReadThrottleEvents', dimensions: { TableName: table }, stat: 'Sum', period: 300 },
        writes: { namespace: 'AWS/DynamoDB', name: 'WriteThrottleEvents', dimensions: { TableName: table }, stat: 'Sum', period: 300 },
      });
      expect(alarm).toMatchObject({
        Threshold: thresholds.tableThrottles,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
    });

    it(`TableSystemErrors: ${thresholds.tableSystemErrors}+ system errors over the operations the pipeline uses`, () => {
      const alarm = alarmOf(envName, 'TableSystemErrors');
      const metrics = Object.values(mathMetricsOf(alarm));
      expect(metrics.map((metric) => metric.dimensions.Operation).sort()).toEqual(
        ['BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'Scan', 'TransactWriteItems', 'UpdateItem'],
      );
      for (const metric of metrics) {
        expect(metric).toMatchObject({ namespace: 'AWS/DynamoDB', name: 'SystemErrors', stat: 'Sum', period: 300 });
        expect(metric.dimensions.TableName).toBe(table);
      }
      expect(alarm).toMatchObject({
        Threshold: thresholds.tableSystemErrors,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
    });

    it(`EventPublishingLag: the publisher's iterator age above ${thresholds.eventPublishingLagSeconds} s`, () => {
      const alarm = alarmOf(envName, 'EventPublishingLag');
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Statistic: 'Maximum',
        Period: 300,
        Threshold: thresholds.eventPublishingLagSeconds * 1000,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
      });
      expect(dimensionsOf(alarm.Dimensions)).toEqual({ FunctionName: publisher });
      expect(alarm.Threshold).toBeLessThan(config.events.maxRecordAgeHours * 3600 * 1000);
    });

    it('EventPublishingFailed: any batch in the failed-events queue', () => {
      const alarm = alarmOf(envName, 'EventPublishingFailed');
      expect(alarm).toMatchObject(ANY_DEAD_LETTER_WITHIN_A_MINUTE);
      expect(dimensionsOf(alarm.Dimensions)).toEqual({ QueueName: `${logicalId(stack.documentEvents.failedEvents)}.QueueName` });
    });

    it(`ApiServerErrorRate: 5XX / requests above ${thresholds.apiServerErrorRatePercent}% in 2 of 3 periods`, () => {
      const alarm = alarmOf(envName, 'ApiServerErrorRate');
      const apiName = { ApiName: stack.api.restApi.restApiName };
      expect(expressionOf(alarm)).toBe('IF(requests > 0, 100 * errors / requests, 0)');
      expect(mathMetricsOf(alarm)).toEqual({
        errors: { namespace: 'AWS/ApiGateway', name: '5XXError', dimensions: apiName, stat: 'Sum', period: 300 },
        requests: { namespace: 'AWS/ApiGateway', name: 'Count', dimensions: apiName, stat: 'Sum', period: 300 },
      });
      expect(alarm).toMatchObject({
        Threshold: thresholds.apiServerErrorRatePercent,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
    });

    it(`ApiLatencyHigh: p99 latency above ${thresholds.apiLatencyP99Ms} ms in 2 of 3 periods`, () => {
      const alarm = alarmOf(envName, 'ApiLatencyHigh');
      expect(alarm).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        MetricName: 'Latency',
        ExtendedStatistic: 'p99',
        Period: 300,
        Threshold: thresholds.apiLatencyP99Ms,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
      expect(dimensionsOf(alarm.Dimensions)).toEqual({ ApiName: stack.api.restApi.restApiName });
    });

    it('can add the API only once', () => {
      expect(() => stack.monitoring.monitorApi(stack.api.restApi)).toThrow(/already/);
    });
  });

  describe('dashboard', () => {
    const metricWidgets = () => dashboardWidgetsOf(template).filter((widget) => widget.type === 'metric');

    it('is named after the stack', () => {
      const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
      expect(dashboard!.Properties.DashboardName).toBe(deriveSettings(config).stackName);
    });

    it('shows the flow, the extractor, the outcomes and every alarm', () => {
      // Act
      const titles = metricWidgets().map((widget) => widget.properties.title);
      const alarmsShown = dashboardWidgetsOf(template)
        .filter((widget) => widget.type === 'alarm')
        .flatMap((widget) => widget.properties.alarms as string[]);

      // Assert
      expect(titles).toEqual(
        expect.arrayContaining([
          ...LANES.flatMap((lane) => [`${lane} lane: documents queued`, `${lane} lane: queue depth`, `${lane} lane: age of oldest message (s)`]),
          'Dead-letter queues',
          'Extraction duration (ms)',
          'Documents by outcome',
          'Failures by error code',
          'Pages extracted',
          'Bytes processed',
          'End-to-end latency, upload to completion (ms)',
          'Document events published',
          'API traffic',
          'API latency (ms)',
        ]),
      );
      expect(alarmsShown.sort()).toEqual(Object.values(stack.monitoring.alarms).map((alarm) => `${logicalId(alarm)}.Arn`).sort());
    });

    it.each(LANES)('graphs the %s lane\'s queue on its own, its age with its own alarm line', (lane) => {
      // Arrange
      const widget = (title: string) => metricWidgets().find((candidate) => candidate.properties.title === title)!.properties;
      const queuesIn = (properties: Props) =>
        (properties.metrics as unknown[][]).map((metric) => metric.find((part) => typeof part === 'string' && part.endsWith('.QueueName')));

      // Act
      const age = widget(`${lane} lane: age of oldest message (s)`);
      const depth = widget(`${lane} lane: queue depth`);
      const deadLetters = widget('Dead-letter queues');

      // Assert
      expect(queuesIn(age)).toEqual([queueName(stack.ingestion.lanes[lane].queue)]);
      expect(new Set(queuesIn(depth))).toEqual(new Set([queueName(stack.ingestion.lanes[lane].queue)]));
      expect(age.annotations.horizontal).toEqual([expect.objectContaining({ value: thresholds.queueOldestMessageAgeSeconds[lane], label: 'Alarm' })]);
      expect(queuesIn(deadLetters)).toContain(queueName(stack.ingestion.lanes[lane].deadLetterQueue));
    });

    it('graphs the custom metrics under the namespace and service the extractor is given', () => {
      // Arrange: what the deployed function emits under (see the handler's observability tests).
      const functionEnvironment = extractionEnvironment(config);
      const custom = metricWidgets()
        .flatMap((widget) => widget.properties.metrics as unknown[][])
        .filter((metric) => metric[0] === deriveSettings(config).metricsNamespace);
      const byName = (name: string) => custom.filter((metric) => metric[1] === name);

      // Assert
      expect(functionEnvironment.POWERTOOLS_METRICS_NAMESPACE).toBe(deriveSettings(config).metricsNamespace);
      for (const name of [
        EXTRACT_METRICS.documentsCompleted,
        EXTRACT_METRICS.documentsFailed,
        EXTRACT_METRICS.documentsPoisoned,
        EXTRACT_METRICS.pagesExtracted,
        EXTRACT_METRICS.bytesProcessed,
        EXTRACT_METRICS.endToEndLatency,
      ]) {
        expect(byName(name).length, name).toBeGreaterThan(0);
        for (const metric of byName(name)) {
          expect(metricDimensionsOf(metric)).toEqual({ [METRIC_DIMENSIONS.service]: functionEnvironment.POWERTOOLS_SERVICE_NAME });
        }
      }
      expect(byName(EXTRACT_METRICS.endToEndLatency).map((metric) => (metric.at(-1) as Props).stat)).toEqual(['p50', 'p90', 'p99']);
      const codes = byName(EXTRACT_METRICS.documentsFailedByCode).map((metric) => {
        const { [METRIC_DIMENSIONS.errorCode]: code, ...rest } = metricDimensionsOf(metric);
        expect(rest).toEqual({ [METRIC_DIMENSIONS.service]: SERVICE_NAMES.extract });
        return code;
      });
      expect(codes).toEqual([...FAILURE_CODES]);
    });
  });
});
