/**
 * Moving a dead-letter queue's messages back to its source queue at a bounded rate: one core for
 * the operators' command (`pdf-pipeline redrive`) and the admin route (`POST /v1/admin/redrive`).
 *
 * On AWS the move is an SQS message move task (`StartMessageMoveTask`), which SQS runs itself.
 * An emulator without that call gets the same move done here: receive from the DLQ, send to the
 * queue, then delete from the DLQ. A crash between the send and the delete leaves a message in
 * both queues; the pipeline treats the second delivery as the duplicate it is.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** SQS limits a message move task to 500 messages per second. */
export const MAX_MOVE_RATE = 500;
/** Unless told otherwise, messages go back no faster than this: a gentle restart of the work. */
export const DEFAULT_MOVE_RATE = 10;
/** SQS batch calls take at most 10 entries. */
const SQS_BATCH = 10;

/** `move-task` on AWS; `receive-send-delete` against an emulator without message move tasks. */
export type RedriveStrategy = 'move-task' | 'receive-send-delete';
export const REDRIVE_STRATEGIES: readonly RedriveStrategy[] = ['move-task', 'receive-send-delete'];

/** A dead-letter queue and the queue its messages go back to. */
export interface RedriveQueues {
  readonly sqs: SQSClient;
  /** Where the messages go back to. */
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

export interface RedrivePlan {
  readonly strategy: RedriveStrategy;
  /** Messages to move: those waiting in the DLQ now (the move task takes what arrives meanwhile too). */
  readonly messages: number;
  readonly maxPerSecond: number;
  /** A lower bound on how long the move takes at that rate. */
  readonly estimatedSeconds: number;
  readonly dryRun: boolean;
}

/** Decides how to move the DLQ's messages; pure, so the rules are easy to test. */
export function planRedrive(input: {
  readonly strategy: RedriveStrategy;
  readonly messages: number;
  readonly maxPerSecond?: number;
  readonly dryRun?: boolean;
}): RedrivePlan {
  const requested = input.maxPerSecond ?? DEFAULT_MOVE_RATE;
  if (!Number.isFinite(requested) || requested <= 0) throw new Error(`maxPerSecond must be positive, got ${requested}`);
  const maxPerSecond = Math.min(MAX_MOVE_RATE, Math.max(1, Math.floor(requested)));
  return {
    strategy: input.strategy,
    messages: input.messages,
    maxPerSecond,
    estimatedSeconds: Math.ceil(input.messages / maxPerSecond),
    dryRun: input.dryRun ?? false,
  };
}

/**
 * A token bucket holding one second's worth: after a pause, up to `perSecond` messages go at
 * once, then `perSecond` a second; by any time t, at most `perSecond × (t + 1 s)` have gone.
 * Clock and sleep are injectable so tests need not wait.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(perSecond > 0)) throw new Error('perSecond must be positive');
    this.tokens = perSecond;
    this.last = now();
  }

  /** Waits until `count` messages may go (`count` must not exceed `perSecond`). */
  async take(count: number): Promise<void> {
    if (count > this.perSecond) throw new Error(`Cannot take ${count} at once at ${this.perSecond}/s`);
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= count) {
        this.tokens -= count;
        return;
      }
      await this.sleep(Math.ceil(((count - this.tokens) / this.perSecond) * 1000));
    }
  }
}

export interface MoveResult {
  readonly strategy: RedriveStrategy;
  /** Messages moved (receive-send-delete), or moved so far when the task was last seen. */
  readonly moved: number;
  /** receive-send-delete: it stopped at its bound (`maxMessages` or `hasTime`) with messages left. */
  readonly stoppedEarly?: boolean;
  /** The move task's handle and last status (AWS). */
  readonly taskHandle?: string;
  readonly taskStatus?: string;
}

export interface MoveBounds {
  /** Stop after moving this many. @default every message */
  readonly maxMessages?: number;
  /** Checked before each batch; `false` stops the move (a request's remaining time). @default always */
  readonly hasTime?: () => boolean;
}

/** Receive from the DLQ, send to the queue, delete from the DLQ, at most `maxPerSecond`, within `bounds`. */
export async function moveByReceiving(
  queues: RedriveQueues,
  plan: RedrivePlan,
  limiter = new RateLimiter(plan.maxPerSecond),
  bounds: MoveBounds = {},
): Promise<MoveResult> {
  const maxMessages = bounds.maxMessages ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  for (;;) {
    const left = maxMessages - moved;
    if (left <= 0 || !(bounds.hasTime?.() ?? true)) {
      return { strategy: plan.strategy, moved, stoppedEarly: (await visibleMessages(queues)) > 0 };
    }
    const { Messages = [] } = await queues.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(SQS_BATCH, plan.maxPerSecond, left),
        WaitTimeSeconds: 1,
        // Long enough to send and delete; if the mover dies, the messages reappear in the DLQ.
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) {
      if ((await visibleMessages(queues)) === 0) break;
      continue;
    }
    await limiter.take(Messages.length);
    const { Failed = [] } = await queues.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes && Object.keys(message.MessageAttributes).length > 0
            ? { MessageAttributes: message.MessageAttributes }
            : {}),
        })),
      }),
    );
    const failedIds = new Set(Failed.map((failure) => failure.Id));
    // Only what reached the queue leaves the DLQ; the rest reappears there after the visibility timeout.
    const sent = Messages.filter((_, index) => !failedIds.has(String(index)));
    if (sent.length > 0) {
      await queues.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queues.deadLetterQueueUrl,
          Entries: sent.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
        }),
      );
    }
    moved += sent.length;
    if (failedIds.size > 0) throw new Error(`${failedIds.size} message(s) could not be sent back: ${Failed[0]?.Message ?? ''}`);
  }
  return { strategy: plan.strategy, moved };
}

/** An SQS message move task from the DLQ back to the queue, optionally followed to its end. */
export async function startMoveTask(
  queues: RedriveQueues,
  plan: RedrivePlan,
  options: { readonly wait?: boolean; readonly pollMs?: number; readonly progress?: (line: string) => void } = {},
): Promise<MoveResult> {
  const arnOf = async (queueUrl: string) => {
    const { Attributes } = await queues.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    if (!Attributes?.QueueArn) throw new Error(`No ARN for ${queueUrl}`);
    return Attributes.QueueArn;
  };
  const sourceArn = await arnOf(queues.deadLetterQueueUrl);
  const { TaskHandle } = await queues.sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: sourceArn,
      DestinationArn: await arnOf(queues.queueUrl),
      MaxNumberOfMessagesPerSecond: plan.maxPerSecond,
    }),
  );
  let moved = 0;
  let status = 'RUNNING';
  while (options.wait && status === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 5_000));
    const { Results = [] } = await queues.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }));
    const task = Results.find((result) => result.TaskHandle === TaskHandle) ?? Results[0];
    status = task?.Status ?? 'UNKNOWN';
    moved = task?.ApproximateNumberOfMessagesMoved ?? moved;
    options.progress?.(`  ${status}: ${moved} of ${task?.ApproximateNumberOfMessagesToMove ?? '?'} moved`);
    if (task?.FailureReason) throw new Error(`The move task failed: ${task.FailureReason}`);
  }
  return { strategy: plan.strategy, moved, taskHandle: TaskHandle, taskStatus: status };
}

/** Messages waiting in the DLQ (SQS's approximate count). */
export async function visibleMessages(queues: RedriveQueues): Promise<number> {
  const { Attributes = {} } = await queues.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queues.deadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
}
