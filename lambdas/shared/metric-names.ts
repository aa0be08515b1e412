/**
 * What the custom CloudWatch metrics of every function (Powertools EMF) share: the service names
 * and the dimensions. Each function's metric names are in its contract
 * (`lambdas/<function>/contract.ts`): the handler emits them under those names, and the Monitoring
 * construct graphs and alarms on the same names, so a rename cannot silently empty a dashboard.
 *
 * The namespace and the `service` dimension come from each function's environment
 * (`POWERTOOLS_METRICS_NAMESPACE`, `POWERTOOLS_SERVICE_NAME`), which its contract builds.
 * Plain data with no runtime dependencies.
 */

/** Service names: Powertools adds each as the `service` dimension of every metric the function emits. */
export const SERVICE_NAMES = {
  extract: 'pdf-pipeline-extract',
  documentEvents: 'pdf-pipeline-document-events',
  api: 'pdf-pipeline-api',
  webhooks: 'pdf-pipeline-webhooks',
  purge: 'pdf-pipeline-purge',
  sweeper: 'pdf-pipeline-sweeper',
} as const;

/** Dimensions the metrics carry. */
export const METRIC_DIMENSIONS = {
  /** Added by Powertools to every metric; its value is the function's service name. */
  service: 'service',
  /** The failure code of a `DocumentsFailedByCode` datapoint. */
  errorCode: 'ErrorCode',
  /** The detail-type of a `DocumentEventsPublished` datapoint. */
  detailType: 'DetailType',
  /** The upload route of a `DocumentsUploaded` datapoint (`api` or `presigned`). */
  source: 'Source',
} as const;
