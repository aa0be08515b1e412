/**
 * What every function's environment has in common, for the builders in each function's contract
 * (`lambdas/<function>/contract.ts`): Powertools' service, namespace and log level.
 *
 * Only a type comes from `lib/config`, so nothing of the config reaches a bundle.
 */
import type { EnvironmentConfig } from '../../lib/config/schema.js';

const SECONDS_PER_DAY = 24 * 60 * 60;

/**
 * CloudWatch namespace of the functions' custom metrics, e.g. `PdfPipeline/prod`: one per
 * environment, so environments sharing an account and region never mix their figures.
 */
export function metricsNamespace(envName: string): string {
  return `PdfPipeline/${envName}`;
}

/** How long a document is kept after its creation, in seconds (what the functions are told). */
export function documentRetentionSeconds(config: Pick<EnvironmentConfig, 'retention'>): number {
  return config.retention.documentDays * SECONDS_PER_DAY;
}

/** Days in seconds, for the settings the functions take in seconds. */
export const daysInSeconds = (days: number): number => days * SECONDS_PER_DAY;

/**
 * Powertools' variables: the service (the `service` dimension of every metric), the namespace
 * and the log level. Source maps are on unless a function's cold start cannot afford them.
 */
export function powertoolsEnvironment(
  config: Pick<EnvironmentConfig, 'envName' | 'observability'>,
  serviceName: string,
  options: { readonly sourceMaps?: boolean } = {},
): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(config.envName),
    POWERTOOLS_LOG_LEVEL: config.observability.logLevel,
    ...((options.sourceMaps ?? true) ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
  };
}
