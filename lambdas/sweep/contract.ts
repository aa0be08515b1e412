/**
 * The sweeper's contract: its handler and sizing, the environment it is given (built here from
 * the config, for the stack, the local runtime and the tests alike), the settings it reads back
 * from that environment, and the metrics it emits.
 */
import { z } from 'zod';
import type { EnvironmentConfig } from '../../lib/config/schema.js';
import { documentRetentionSeconds, powertoolsEnvironment } from '../shared/function-environment.js';
import { SERVICE_NAMES } from '../shared/metric-names.js';
import { parseEnvironment } from '../shared/parse-environment.js';

/** The handler (relative to the project root), the `service` its metrics carry, and its sizing. */
export const SWEEP_FUNCTION = {
  entry: 'lambdas/sweep/handler.ts',
  serviceName: SERVICE_NAMES.sweeper,
  memoryMb: 512,
  timeoutSeconds: 300,
} as const;

/** Environment variables the stack (and the local runtime) set on the sweeper. */
export const SWEEP_ENV = {
  tableName: 'TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  /** How long a document is kept after its creation, in seconds. */
  documentRetentionSeconds: 'DOCUMENT_RETENTION_SECONDS',
} as const;

/** Metrics the sweeper emits, one datapoint of each per run. */
export const SWEEP_METRICS = {
  /** Count: abandoned uploads whose documents failed `UPLOAD_EXPIRED`. */
  uploadsExpired: 'UploadsExpired',
  /** Count: purges of deleted documents that had been lost and were requested again. */
  purgesRetried: 'PurgesRetried',
} as const;

/** Where the documents the sweeper looks after are: what the stack (or the local runtime) created. */
export interface SweepResources {
  readonly tableName: string;
  readonly bucketName: string;
}

/** The variables the sweeper runs with: from the config and the resources it works on. */
export function sweepEnvironment(config: EnvironmentConfig, resources: SweepResources): Record<string, string> {
  return {
    [SWEEP_ENV.documentRetentionSeconds]: String(documentRetentionSeconds(config)),
    ...powertoolsEnvironment(config, SWEEP_FUNCTION.serviceName),
    [SWEEP_ENV.tableName]: resources.tableName,
    [SWEEP_ENV.bucketName]: resources.bucketName,
  };
}

/**
 * Settings of the sweeper, which expires abandoned uploads and retries lost purges. Each task
 * carries its own due time (the upload's expiry plus the grace), so it needs no limits of its own.
 */
export interface SweepSettings {
  readonly tableName: string;
  readonly bucketName: string;
  /** How long a document is kept after its creation; unset, documents never expire. */
  readonly documentRetentionSeconds?: number;
}

const name = z.string().min(1);
const sweepSchema = z.object({
  [SWEEP_ENV.tableName]: name,
  [SWEEP_ENV.bucketName]: name,
  [SWEEP_ENV.documentRetentionSeconds]: z.coerce.number().int().positive().optional(),
});

export function loadSweepSettings(env: NodeJS.ProcessEnv = process.env): SweepSettings {
  const values = parseEnvironment(sweepSchema, env, 'sweeper function');
  return {
    tableName: values[SWEEP_ENV.tableName],
    bucketName: values[SWEEP_ENV.bucketName],
    documentRetentionSeconds: values[SWEEP_ENV.documentRetentionSeconds],
  };
}
