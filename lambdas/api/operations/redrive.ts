/**
 * `POST /v1/admin/redrive` (admins): the extraction dead-letter queues' messages go back to their
 * queues at a bounded rate, through the same core as `pdf-pipeline redrive`. On AWS an SQS
 * message move task does the moving (and this answers once it has started); where the queues
 * have no move tasks (the local emulator), this request moves what it can within its budget and
 * says whether more is left.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ListMessageMoveTasksCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { LANES, type Lane } from '../../shared/contract.js';
import {
  moveByReceiving,
  planRedrive,
  startMoveTask,
  visibleMessages,
  type RedriveQueues,
} from '../../shared/dead-letter-redrive.js';
import { logger, metrics } from '../../shared/powertools.js';
import { API_METRICS } from '../contract.js';
import type { ApiDependencies } from '../dependencies.js';
import { badRequest } from '../errors.js';
import type { ApiRequest, ApiResult } from '../http.js';
import { laneQueues } from '../lane-queues.js';
import { RedriveQuery, describeIssues } from '../schemas.js';

/** How long one request moves messages itself, well inside API Gateway's 29-second limit. */
export const REDRIVE_REQUEST_BUDGET_MS = 10_000;
/** Messages one request moves itself at most, whatever the rate. */
export const REDRIVE_REQUEST_MAX_MESSAGES = 500;

export async function redriveDeadLetters(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const query = RedriveQuery.safeParse(request.query);
  if (!query.success) throw badRequest('INVALID_QUERY', `Invalid query: ${describeIssues(query.error)}.`);
  const lanes = deadLetterLanes(deps);
  const chosen = query.data.lane === undefined ? lanes : lanes.filter(([lane]) => lane === query.data.lane);
  if (chosen.length === 0) throw badRequest('INVALID_QUERY', `This deployment has no ${query.data.lane} lane.`);
  request.audit.lanes = chosen.map(([lane]) => lane);

  const deadline = deps.now().getTime() + REDRIVE_REQUEST_BUDGET_MS;
  const results = [];
  for (const [lane, queues] of chosen) {
    const waiting = await visibleMessages(queues);
    const plan = planRedrive({ strategy: deps.settings.deadLetterRedrive, messages: waiting, maxPerSecond: query.data.maxPerSecond });
    if (waiting === 0) {
      results.push({ lane, strategy: plan.strategy, waiting, moved: 0, more: false });
      continue;
    }
    if (plan.strategy === 'move-task') {
      const taskHandle = (await runningMoveTask(queues)) ?? (await startMoveTask(queues, plan)).taskHandle;
      results.push({ lane, strategy: plan.strategy, waiting, moved: 0, ...(taskHandle ? { taskHandle } : {}), more: false });
    } else {
      const moved = await moveByReceiving(queues, plan, undefined, {
        maxMessages: REDRIVE_REQUEST_MAX_MESSAGES,
        hasTime: () => deps.now().getTime() < deadline,
      });
      results.push({ lane, strategy: plan.strategy, waiting, moved: moved.moved, more: moved.stoppedEarly ?? false });
    }
    logger.info('Dead letters redriven', { lane, waiting, strategy: plan.strategy });
    metrics.addMetric(API_METRICS.deadLetterRedrives, MetricUnit.Count, 1);
  }
  return { statusCode: 202, body: { lanes: results } };
}

/** Each lane's dead-letter queue and the queue it goes back to (the bulk lane when the stack has one). */
function deadLetterLanes(deps: ApiDependencies): [Lane, RedriveQueues][] {
  const { lanes } = laneQueues(deps.settings);
  return LANES.flatMap((lane) => {
    const urls = lanes[lane];
    return urls ? [[lane, { sqs: deps.sqs, ...urls }] as [Lane, RedriveQueues]] : [];
  });
}

/** SQS runs one move task per queue at a time: a second request reports the running one. */
async function runningMoveTask(queues: RedriveQueues): Promise<string | undefined> {
  const { Attributes } = await queues.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queues.deadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  if (!Attributes?.QueueArn) return undefined;
  const { Results = [] } = await queues.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: Attributes.QueueArn, MaxResults: 1 }));
  const task = Results[0];
  return task?.Status === 'RUNNING' ? task.TaskHandle : undefined;
}
