/** The API's alarms (5XX rate and p99 latency from the config; audit writes) and its dashboard rows. */
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { API_METRICS, UPLOAD_SOURCES } from '../../../lambdas/api/contract.js';
import { METRIC_DIMENSIONS } from '../../../lambdas/shared/metric-names.js';
import type { AlarmThresholds } from '../../config.js';
import { FIVE_MINUTES, GRAPH, type AddAlarm } from './alarm-catalog.js';
import { customMetric } from './function-metrics.js';

export function monitorApiOn(
  add: AddAlarm,
  dashboard: cloudwatch.Dashboard,
  { api, thresholds, namespace }: { readonly api: apigateway.RestApiBase; readonly thresholds: AlarmThresholds; readonly namespace: string },
): void {
  const requests = api.metricCount({ statistic: 'Sum', period: FIVE_MINUTES });
  const serverErrors = api.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES });
  const clientErrors = api.metricClientError({ statistic: 'Sum', period: FIVE_MINUTES });
  const latencyAt = (statistic: string, label?: string) => api.metricLatency({ statistic, period: FIVE_MINUTES, label });

  const serverErrorRate = add('ApiServerErrorRate', {
    summary: `More than ${thresholds.apiServerErrorRatePercent}% of API requests were answered 5XX in 2 of 3 five-minute periods.`,
    metric: new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: serverErrors, requests },
      label: '5XX (%)',
      period: FIVE_MINUTES,
    }),
    threshold: thresholds.apiServerErrorRatePercent,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    // API Gateway publishes nothing for periods without requests: no traffic, no errors.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const latencyHigh = add('ApiLatencyHigh', {
    summary: `API p99 latency passed ${thresholds.apiLatencyP99Ms} ms in 2 of 3 five-minute periods.`,
    metric: latencyAt('p99'),
    threshold: thresholds.apiLatencyP99Ms,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    // No requests, no latency to judge.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  // Any entry missing from the audit trail needs a person (it is in the API's log instead).
  const auditWriteFailures = customMetric(namespace, 'api', API_METRICS.auditWriteFailures, { label: 'Audit writes failed' });
  const auditWriteFailed = add('AuditWriteFailed', {
    summary: 'An audit entry could not be written; the API logged it instead.',
    metric: auditWriteFailures,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // The metric is emitted only when a write fails: no datapoint, no failure.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'API traffic',
      left: [requests.with({ label: 'Requests' }), clientErrors.with({ label: '4XX' }), serverErrors.with({ label: '5XX' })],
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'API latency (ms)',
      left: ['p50', 'p90', 'p99'].map((statistic) => latencyAt(statistic, statistic)),
      leftAnnotations: [{ value: thresholds.apiLatencyP99Ms, label: 'p99 alarm', color: cloudwatch.Color.RED }],
      ...GRAPH,
    }),
    new cloudwatch.AlarmStatusWidget({
      title: 'API alarms',
      alarms: [serverErrorRate, latencyHigh, auditWriteFailed],
      ...GRAPH,
    }),
  );
  // What users did through the API, from the API function's own metrics.
  const apiMetric = (metricName: string, label: string, dimensions?: Record<string, string>) =>
    customMetric(namespace, 'api', metricName, { label, dimensions });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Uploads',
      left: UPLOAD_SOURCES.map((source) => apiMetric(API_METRICS.documentsUploaded, `Uploaded (${source})`, { [METRIC_DIMENSIONS.source]: source })),
      right: [apiMetric(API_METRICS.uploadQuotaRejections, 'Refused by the quota')],
      ...GRAPH,
    }),
    new cloudwatch.GraphWidget({
      title: 'Document operations',
      left: [
        apiMetric(API_METRICS.documentsDeleted, 'Deleted'),
        apiMetric(API_METRICS.documentsReprocessed, 'Reprocessed'),
        apiMetric(API_METRICS.deadLetterRedrives, 'Dead-letter redrives'),
        auditWriteFailures,
      ],
      ...GRAPH,
    }),
  );
}
