import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { logger } from '../../shared/powertools.js';
import type { ApiDependencies } from '../dependencies.js';
import { laneQueues } from '../lane-queues.js';
import { ApiError } from '../errors.js';
import type { ApiRequest, ApiResult } from '../http.js';

/** The whole check answers within this time, whatever the dependencies do. */
export const HEALTH_TIMEOUT_MS = 2_000;

/**
 * `GET /v1/health` (no auth): the table, bucket and each lane's queue answer within 2 s, or 503
 * names the ones that did not (`queue` is the interactive lane's, `bulkQueue` the bulk lane's).
 */
export async function getHealth(_request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const signal = AbortSignal.timeout(HEALTH_TIMEOUT_MS);
  const queueCheck = (queueUrl: string) => () =>
    deps.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }), {
      abortSignal: signal,
    });
  const { lanes } = laneQueues(deps.settings);
  const checks: Record<string, () => Promise<unknown>> = {
    table: () => deps.documents.ping(signal),
    bucket: () => deps.objects.checkBucket(deps.settings.bucketName, signal),
    queue: queueCheck(lanes.interactive.queueUrl),
    ...(lanes.bulk ? { bulkQueue: queueCheck(lanes.bulk.queueUrl) } : {}),
  };
  const failing = (
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withDeadline(check(), signal);
          return undefined;
        } catch (error) {
          logger.warn('Health check failed', { dependency: name, error });
          return name;
        }
      }),
    )
  ).filter((name): name is string => name !== undefined);

  if (failing.length > 0) {
    throw new ApiError(503, 'UNAVAILABLE', `Not healthy: ${failing.join(', ')} did not answer in time.`, { 'Retry-After': '5' });
  }
  return { statusCode: 200, body: { status: 'ok' } };
}

/** Rejects when `signal` aborts, even if the call itself ignores the signal. */
function withDeadline<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('timed out'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
