/** `GET /v1/health/detail`: the pipeline's figures for a signed-in caller. */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { countDocuments } from '../../shared/document-counts.js';
import type { ApiDependencies } from '../dependencies.js';
import { laneQueues } from '../lane-queues.js';
import type { ApiRequest, ApiResult } from '../http.js';
import { requireCaller } from './guards.js';

/**
 * Counting reads the table (a scan), so it stops after this long or this many records and says
 * so (`complete: false`); each scan request reads up to 1 MB, page items included. Locally the
 * whole table fits; on AWS the dashboard has the exact figures.
 */
export const HEALTH_DETAIL_SCAN_BUDGET_MS = 5_000;
export const HEALTH_DETAIL_MAX_RECORDS = 10_000;

/**
 * Aggregates only (no document ids or owners), so any caller with the read scope may see them:
 * each lane's extraction and dead-letter queue depth, documents by status and error code, and
 * how long the oldest QUEUED document has waited. The queues' `ApproximateAgeOfOldestMessage`
 * is a CloudWatch metric SQS itself does not answer; it is on the dashboard and its alarm.
 */
export async function getHealthDetail(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  requireCaller(request);
  const started = deps.now();
  const { lanes } = laneQueues(deps.settings);
  const [extraction, deadLetter, bulk, documents] = await Promise.all([
    queueDepth(deps, lanes.interactive.queueUrl),
    queueDepth(deps, lanes.interactive.deadLetterQueueUrl),
    lanes.bulk
      ? Promise.all([queueDepth(deps, lanes.bulk.queueUrl), queueDepth(deps, lanes.bulk.deadLetterQueueUrl)])
      : undefined,
    countDocuments(deps.listing.scanDocuments(), {
      deadline: started.getTime() + HEALTH_DETAIL_SCAN_BUDGET_MS,
      maxRecords: HEALTH_DETAIL_MAX_RECORDS,
      now: () => deps.now().getTime(),
    }),
  ]);
  const { oldestQueuedAgeMs, ...counts } = documents;
  return {
    statusCode: 200,
    body: {
      status: 'ok',
      checkedAt: started.toISOString(),
      queues: { extraction, deadLetter, ...(bulk ? { bulkExtraction: bulk[0], bulkDeadLetter: bulk[1] } : {}) },
      documents: {
        ...counts,
        ...(oldestQueuedAgeMs === undefined ? {} : { oldestQueuedAgeSeconds: Math.floor(oldestQueuedAgeMs / 1000) }),
      },
    },
  };
}

async function queueDepth(deps: ApiDependencies, queueUrl: string) {
  const { Attributes = {} } = await deps.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}
