import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { loadSweepSettings, SWEEP_METRICS } from './contract.js';
import { dynamoDbClient, s3Client } from '../shared/clients.js';
import { DocumentStore } from '../shared/document-store.js';
import { PageStore } from '../shared/page-store.js';
import { logger, metrics } from '../shared/powertools.js';
import { TaskStore } from '../shared/task-store.js';
import { sweep, type SweepDependencies, type SweepOutcome } from './sweep.js';

const settings = loadSweepSettings();

const dependencies: SweepDependencies = {
  documents: new DocumentStore(dynamoDbClient, settings.tableName, {
    documentRetentionSeconds: settings.documentRetentionSeconds,
  }),
  pages: new PageStore(dynamoDbClient, settings.tableName),
  tasks: new TaskStore(dynamoDbClient, settings.tableName),
  s3: s3Client,
  bucketName: settings.bucketName,
  now: () => new Date(),
};

/** Time kept back so a sweep stops between tasks rather than being cut off inside one. */
const RESERVE_MS = 10_000;

/** Runs on a schedule (EventBridge): expires abandoned uploads and finishes lost purges. */
const run = async (_event: ScheduledEvent, context: Context): Promise<SweepOutcome> => {
  const outcome = await sweep(dependencies, () => context.getRemainingTimeInMillis() > RESERVE_MS);
  logger.info('Sweep finished', { ...outcome });
  metrics.addMetric(SWEEP_METRICS.uploadsExpired, MetricUnit.Count, outcome.expired);
  metrics.addMetric(SWEEP_METRICS.purgesRetried, MetricUnit.Count, outcome.purged);
  return outcome;
};

export const handler = middy(run)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
