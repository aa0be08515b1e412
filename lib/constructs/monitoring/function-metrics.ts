/**
 * The custom metrics of every function, by the function that emits them, as each function's
 * contract declares them: the dashboard graphs them all, and its tests check that it does.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { API_FUNCTION, API_METRICS } from '../../../lambdas/api/contract.js';
import { DOCUMENT_EVENT_METRICS, DOCUMENT_EVENTS_FUNCTION } from '../../../lambdas/document-events/contract.js';
import { EXTRACT_FUNCTION, EXTRACT_METRICS } from '../../../lambdas/extract/contract.js';
import { PURGE_FUNCTION, PURGE_METRICS } from '../../../lambdas/purge/contract.js';
import { METRIC_DIMENSIONS } from '../../../lambdas/shared/metric-names.js';
import { SWEEP_FUNCTION, SWEEP_METRICS } from '../../../lambdas/sweep/contract.js';
import { WEBHOOK_DELIVERY, WEBHOOK_METRICS } from '../../../lambdas/webhooks/contract.js';
import { FIVE_MINUTES } from './alarm-catalog.js';

/** Each function's `service` dimension and the metrics it emits. */
export const FUNCTION_METRICS = {
  extract: { serviceName: EXTRACT_FUNCTION.serviceName, metrics: EXTRACT_METRICS },
  documentEvents: { serviceName: DOCUMENT_EVENTS_FUNCTION.serviceName, metrics: DOCUMENT_EVENT_METRICS },
  api: { serviceName: API_FUNCTION.serviceName, metrics: API_METRICS },
  webhooks: { serviceName: WEBHOOK_DELIVERY.serviceName, metrics: WEBHOOK_METRICS },
  purge: { serviceName: PURGE_FUNCTION.serviceName, metrics: PURGE_METRICS },
  sweeper: { serviceName: SWEEP_FUNCTION.serviceName, metrics: SWEEP_METRICS },
} as const;
export type MonitoredFunction = keyof typeof FUNCTION_METRICS;

/**
 * A function's custom metric, as Powertools publishes it: in the environment's namespace, with
 * the function's `service` dimension (and any of its own).
 */
export function customMetric(
  namespace: string,
  fn: MonitoredFunction,
  metricName: string,
  options: { readonly statistic?: string; readonly dimensions?: Record<string, string>; readonly label?: string } = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    dimensionsMap: { [METRIC_DIMENSIONS.service]: FUNCTION_METRICS[fn].serviceName, ...options.dimensions },
    statistic: options.statistic ?? 'Sum',
    period: FIVE_MINUTES,
    label: options.label,
  });
}
