/**
 * The purge function's contract: its handler and sizing, the environment it is given (built here
 * from the config, for the stack, the local runtime and the tests alike), the settings it reads
 * back from that environment, and the metrics it emits.
 */
import { z } from 'zod';
import type { EnvironmentConfig } from '../../lib/config/schema.js';
import { powertoolsEnvironment } from '../shared/function-environment.js';
import { SERVICE_NAMES } from '../shared/metric-names.js';
import { parseEnvironment } from '../shared/parse-environment.js';

/**
 * The handler (relative to the project root), the `service` its metrics carry, and the function
 * and its queue, the same in every environment: a purge lists and deletes, which five minutes
 * covers for documents of thousands of pages.
 */
export const PURGE_FUNCTION = {
  entry: 'lambdas/purge/handler.ts',
  serviceName: SERVICE_NAMES.purge,
  memoryMb: 512,
  timeoutSeconds: 300,
  /** Purge requests per invocation, failures reported one by one. */
  batchSize: 5,
  maxConcurrency: 2,
  /** Deliveries of a purge request before its dead-letter queue. */
  maxReceiveCount: 5,
  retentionDays: 4,
  deadLetterRetentionDays: 14,
} as const;

/** Environment variables the stack (and the local runtime) set on the purge function. */
export const PURGE_ENV = {
  tableName: 'TABLE_NAME',
  bucketName: 'BUCKET_NAME',
} as const;

/** Metrics the purge function emits. */
export const PURGE_METRICS = {
  /** Count: deleted documents whose records, pages and objects were removed. */
  documentsPurged: 'DocumentsPurged',
  /** Count: purge requests that were not valid, dropped. */
  malformedRequests: 'MalformedPurgeRequests',
} as const;

/** Where the documents a purge removes are: what the stack (or the local runtime) created. */
export interface PurgeResources {
  readonly tableName: string;
  readonly bucketName: string;
}

/** The variables the purge function runs with: from the config and the resources it works on. */
export function purgeEnvironment(config: EnvironmentConfig, resources: PurgeResources): Record<string, string> {
  return {
    ...powertoolsEnvironment(config, PURGE_FUNCTION.serviceName),
    [PURGE_ENV.tableName]: resources.tableName,
    [PURGE_ENV.bucketName]: resources.bucketName,
  };
}

/** Settings of the purge function, which removes what a deleted document left behind. */
export interface PurgeSettings {
  readonly tableName: string;
  readonly bucketName: string;
}

const name = z.string().min(1);
const purgeSchema = z.object({ [PURGE_ENV.tableName]: name, [PURGE_ENV.bucketName]: name });

export function loadPurgeSettings(env: NodeJS.ProcessEnv = process.env): PurgeSettings {
  const values = parseEnvironment(purgeSchema, env, 'purge function');
  return { tableName: values[PURGE_ENV.tableName], bucketName: values[PURGE_ENV.bucketName] };
}
