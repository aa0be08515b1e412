/** Each priority lane's extraction queues, as the stack hands them to the API function. */
import type { Lane } from '../shared/contract.js';
import type { ApiSettings } from './contract.js';

export interface LaneQueueUrls {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

/**
 * The interactive lane always; the bulk lane when the function was given its queues. A stack
 * without a bulk lane feeds every prefix to its one queue, so that queue is where a bulk
 * document goes there: `queueFor` falls back to it.
 */
export function laneQueues(settings: ApiSettings): {
  readonly lanes: Partial<Record<Lane, LaneQueueUrls>> & { readonly interactive: LaneQueueUrls };
  readonly queueFor: (lane: Lane) => string;
} {
  const interactive = { queueUrl: settings.queueUrl, deadLetterQueueUrl: settings.deadLetterQueueUrl };
  const bulk =
    settings.bulkQueueUrl && settings.bulkDeadLetterQueueUrl
      ? { queueUrl: settings.bulkQueueUrl, deadLetterQueueUrl: settings.bulkDeadLetterQueueUrl }
      : undefined;
  const lanes = { interactive, ...(bulk ? { bulk } : {}) };
  return { lanes, queueFor: (lane) => (lanes[lane] ?? interactive).queueUrl };
}
