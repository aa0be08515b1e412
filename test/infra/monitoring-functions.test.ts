import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_DIMENSIONS } from '../../lambdas/shared/metric-names.js';
import { deriveSettings, ENVIRONMENT_NAMES } from '../../lib/config.js';
import { FUNCTION_METRICS } from '../../lib/constructs/monitoring.js';
import { alarmOf, ANY_DEAD_LETTER_WITHIN_A_MINUTE, dashboardWidgetsOf, dimensionsOf, metricDimensionsOf } from './alarm-fixture.js';
import { environment, logicalId, synthesizeEnvironments } from './app-fixture.js';

beforeAll(synthesizeEnvironments);

describe.each(ENVIRONMENT_NAMES)('monitoring of the clean-up (%s)', (envName) => {
  const { config, stack } = environment(envName);
  const topic = { Ref: logicalId(stack.monitoring.topic) };

  it('PurgeDeadLetterQueueNotEmpty: any purge request in its dead-letter queue, within a minute', () => {
    // Act
    const alarm = alarmOf(envName, 'PurgeDeadLetterQueueNotEmpty');

    // Assert
    expect(alarm).toMatchObject({
      ...ANY_DEAD_LETTER_WITHIN_A_MINUTE,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
    });
    expect(dimensionsOf(alarm.Dimensions)).toEqual({ QueueName: `${logicalId(stack.cleanup.purgeDeadLetterQueue)}.QueueName` });
  });

  it('PurgeErrors: purge invocations failing as a whole in 2 of 3 five-minute periods', () => {
    // Act
    const alarm = alarmOf(envName, 'PurgeErrors');

    // Assert
    expect(alarm).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
    });
    expect(dimensionsOf(alarm.Dimensions)).toEqual({ FunctionName: logicalId(stack.cleanup.purger.function) });
  });

  it(`SweeperErrors: two sweeps in a row failed (one every ${config.api.sweepIntervalMinutes} min)`, () => {
    // Act
    const alarm = alarmOf(envName, 'SweeperErrors');

    // Assert: one period per scheduled run, so two failing periods are two failed runs.
    expect(alarm).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Period: config.api.sweepIntervalMinutes * 60,
      Threshold: 1,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
    });
    expect(dimensionsOf(alarm.Dimensions)).toEqual({ FunctionName: logicalId(stack.cleanup.sweeper.function) });
  });
});

describe.each(ENVIRONMENT_NAMES)('dashboard coverage of the functions\' metrics (%s)', (envName) => {
  const { config, template } = environment(envName);

  /** Every metric the dashboard graphs in the functions' namespace, as name and dimensions. */
  function graphedCustomMetrics(): { name: string; dimensions: Record<string, string> }[] {
    return dashboardWidgetsOf(template)
      .filter((widget) => widget.type === 'metric')
      .flatMap((widget) => widget.properties.metrics as unknown[][])
      .filter((metric) => metric[0] === deriveSettings(config).metricsNamespace)
      .map((metric) => ({ name: metric[1] as string, dimensions: metricDimensionsOf(metric) }));
  }

  it.each(Object.keys(FUNCTION_METRICS) as (keyof typeof FUNCTION_METRICS)[])(
    'graphs every metric the %s function\'s contract declares, under that function\'s service',
    (fn) => {
      // Arrange
      const { serviceName, metrics } = FUNCTION_METRICS[fn];
      const graphed = graphedCustomMetrics();

      // Act
      const missing = Object.values(metrics).filter(
        (name) => !graphed.some((metric) => metric.name === name && metric.dimensions[METRIC_DIMENSIONS.service] === serviceName),
      );

      // Assert
      expect(missing).toEqual([]);
    },
  );
});
