/** Reading the Monitoring construct's alarms and dashboard back from a synthesized environment. */
import type { Template } from 'aws-cdk-lib/assertions';
import type { EnvironmentName } from '../../lib/config.js';
import type { AlarmName } from '../../lib/constructs/monitoring.js';
import { environment, logicalId, propertiesOf, render } from './app-fixture.js';

export type Props = Record<string, any>;

/** The alarm's properties in the template. */
export function alarmOf(envName: EnvironmentName, name: AlarmName): Props {
  const { stack, template } = environment(envName);
  const alarm = stack.monitoring.alarms[name];
  if (!alarm) throw new Error(`No ${name} alarm in ${envName}`);
  return propertiesOf(template, logicalId(alarm));
}

/** Every dead-letter alarm: any visible message in the queue, the most in a minute, alarms at once. */
export const ANY_DEAD_LETTER_WITHIN_A_MINUTE = {
  Namespace: 'AWS/SQS',
  MetricName: 'ApproximateNumberOfMessagesVisible',
  Statistic: 'Maximum',
  Period: 60,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  EvaluationPeriods: 1,
} as const;

/** `{ Name: Value }` of a metric's dimensions, values rendered. */
export const dimensionsOf = (dimensions: { Name: string; Value: unknown }[]) =>
  Object.fromEntries(dimensions.map(({ Name, Value }) => [Name, render(Value)]));

export interface DashboardWidget {
  readonly type: string;
  readonly properties: Props;
}

/** The widgets of the environment's dashboard, from its body with the intrinsics rendered. */
export function dashboardWidgetsOf(template: Template): DashboardWidget[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  return (JSON.parse(render(dashboard!.Properties.DashboardBody)) as { widgets: DashboardWidget[] }).widgets;
}

/** `{ name: value }` of a dashboard metric's dimensions; a metric is `[namespace, name, dimension, value, …, options?]`. */
export function metricDimensionsOf(metric: unknown[]): Record<string, string> {
  const pairs = metric.slice(2).filter((part) => typeof part === 'string') as string[];
  return Object.fromEntries(pairs.flatMap((part, index) => (index % 2 === 0 ? [[part, pairs[index + 1]!]] : [])));
}
