/** Settings that follow from the config by rule rather than being chosen. */
import { documentEventSource } from '../../lambdas/document-events/contract.js';
import { extractionConcurrencyCap, lanesMaxConcurrency, ocrTextractIntervalMs } from '../../lambdas/extract/contract.js';
import { documentRetentionSeconds, metricsNamespace } from '../../lambdas/shared/function-environment.js';
import type { EnvironmentConfig } from './schema.js';

export { documentRetentionSeconds, lanesMaxConcurrency, ocrTextractIntervalMs };

export interface DerivedSettings {
  /** AWS guidance: at least 6 × function timeout + batching window, so retries of a throttled batch do not expire. */
  readonly queueVisibilityTimeoutSeconds: number;
  /** Stack name, e.g. `PdfPipeline-dev`. */
  readonly stackName: string;
  /**
   * CloudWatch namespace of the functions' custom metrics, e.g. `PdfPipeline/prod`: one per
   * environment, so environments sharing an account and region never mix their figures.
   */
  readonly metricsNamespace: string;
  /** `source` of the document events, e.g. `pdf-pipeline.prod`, so consumers tell environments apart. */
  readonly documentEventSource: string;
  /** Concurrency the extractor cannot pass: its reserved concurrency, else its event sources' maximums together. */
  readonly extractionConcurrencyCap: number;
}

/** The extraction queues' visibility timeout (also bounded by the schema). */
export function queueVisibilityTimeoutSeconds(config: Pick<EnvironmentConfig, 'extraction'>): number {
  return 6 * config.extraction.timeoutSeconds + config.extraction.maxBatchingWindowSeconds;
}

export function deriveSettings(config: EnvironmentConfig): DerivedSettings {
  return {
    queueVisibilityTimeoutSeconds: queueVisibilityTimeoutSeconds(config),
    stackName: `PdfPipeline-${config.envName}`,
    metricsNamespace: metricsNamespace(config.envName),
    documentEventSource: documentEventSource(config.envName),
    extractionConcurrencyCap: extractionConcurrencyCap(config),
  };
}
