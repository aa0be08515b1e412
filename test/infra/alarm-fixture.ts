/** Reading the Monitoring construct's alarms back from a synthesized environment. */
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

/** `{ Name: Value }` of a metric's dimensions, values rendered. */
export const dimensionsOf = (dimensions: { Name: string; Value: unknown }[]) =>
  Object.fromEntries(dimensions.map(({ Name, Value }) => [Name, render(Value)]));
