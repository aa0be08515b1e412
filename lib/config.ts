/**
 * Per-environment settings of pdf-pipeline: the schema (`config/schema.ts`, one file per section
 * in `config/sections/`) and each environment's values as plain data (`config/environments/`).
 *
 * The CDK app, the functions (through the environment each function's contract builds from it,
 * `lambdas/<function>/contract.ts`) and the local runtime all derive their settings from here, so
 * a limit is changed once.
 */
import { dev } from './config/environments/dev.js';
import { prod } from './config/environments/prod.js';
import { staging } from './config/environments/staging.js';
import type { EnvironmentConfig, EnvironmentName } from './config/schema.js';

export { deriveSettings, documentRetentionSeconds, lanesMaxConcurrency, ocrTextractIntervalMs, type DerivedSettings } from './config/derived.js';
export { CLI_LOGIN_CALLBACK_URL } from './config/environments/defaults.js';
export {
  configProblems,
  ENVIRONMENT_NAMES,
  environmentConfigSchema,
  SECTIONS,
  validateConfig,
  type EnvironmentConfig,
  type EnvironmentName,
} from './config/schema.js';
export { MAX_DIRECT_UPLOAD_CEILING_BYTES, type ApiConfig } from './config/sections/api.js';
export type { AuditConfig } from './config/sections/audit.js';
export type { AuthConfig } from './config/sections/auth.js';
export { LAMBDA_DEPLOYMENT_CONFIGS, type DeploymentConfig, type LambdaDeploymentConfigName } from './config/sections/deployment.js';
export type { EventsConfig } from './config/sections/events.js';
export type { ExtractionConfig, LaneConfig } from './config/sections/extraction.js';
export type { AlarmThresholds, ObservabilityConfig } from './config/sections/observability.js';
export type { MarkdownConfig } from './config/sections/markdown.js';
export { ocrTraineddataFile, type OcrConfig } from './config/sections/ocr.js';
export type { QueueConfig } from './config/sections/queue.js';
export type { RetentionConfig } from './config/sections/retention.js';
export type { StorageConfig } from './config/sections/storage.js';
export type { UsageConfig } from './config/sections/usage.js';
export type { WebConfig } from './config/sections/web.js';
export type { WebhooksConfig } from './config/sections/webhooks.js';

/** Every environment's settings, validated by the CDK app before it synthesizes anything. */
export const CONFIGS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = { dev, staging, prod };
