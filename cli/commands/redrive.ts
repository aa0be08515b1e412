/**
 * `pdf-pipeline redrive`: inspect the extraction dead-letter queue and move its messages back to
 * the extraction queue at a bounded rate.
 *
 * On AWS the move is an SQS message move task (`StartMessageMoveTask`), which SQS runs itself.
 * The emulator has no such call, so locally the command moves messages itself: receive from the
 * DLQ, send to the queue, then delete from the DLQ. A crash between the send and the delete
 * leaves a message in both queues; the pipeline treats the second delivery as the duplicate it is.
 *
 * What a moved message does next is the pipeline's rule (`claim.ts`): a document that never got
 * recorded or is still PROCESSING is simply processed; a POISON document gets a fresh set of
 * attempts (`revive`), and if those fail too it ends FAILED/POISON and back in the DLQ, once.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { InvalidArgumentError, type Command } from 'commander';
import { describeMessage, peekMessages, queueDepth, type MessageSample, type QueueDepth } from '../ops/queues.js';
import { reportingErrors } from '../ops/report-errors.js';
import { resolveTarget, type OpsTarget, type TargetOptions } from '../ops/target.js';

/** SQS limits a message move task to 500 messages per second. */
export const MAX_MOVE_RATE = 500;
/** Unless told otherwise, messages go back no faster than this: a gentle restart of the work. */
export const DEFAULT_MOVE_RATE = 10;
const DEFAULT_SAMPLE_SIZE = 5;
/** SQS batch calls take at most 10 entries. */
const SQS_BATCH = 10;

export interface RedrivePlan {
  /** `move-task` on AWS; `receive-send-delete` against the emulator. */
  readonly strategy: 'move-task' | 'receive-send-delete';
  /** Messages to move: those waiting in the DLQ now (the move task takes what arrives meanwhile too). */
  readonly messages: number;
  readonly maxPerSecond: number;
  /** A lower bound on how long the move takes at that rate. */
  readonly estimatedSeconds: number;
  readonly dryRun: boolean;
}

/** Decides how to move the DLQ's messages; pure, so the rules are easy to test. */
export function planRedrive(input: {
  readonly kind: OpsTarget['kind'];
  readonly messages: number;
  readonly maxPerSecond?: number;
  readonly dryRun?: boolean;
}): RedrivePlan {
  const requested = input.maxPerSecond ?? DEFAULT_MOVE_RATE;
  if (!Number.isFinite(requested) || requested <= 0) throw new Error(`maxPerSecond must be positive, got ${requested}`);
  const maxPerSecond = Math.min(MAX_MOVE_RATE, Math.max(1, Math.floor(requested)));
  return {
    strategy: input.kind === 'aws' ? 'move-task' : 'receive-send-delete',
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

export interface DeadLetterReport {
  readonly target: string;
  readonly depth: QueueDepth;
  readonly samples: readonly MessageSample[];
}

/** The DLQ's depth and a sample of its messages, with the state of the documents they name. */
export async function inspectDeadLetters(target: OpsTarget, sampleSize = DEFAULT_SAMPLE_SIZE): Promise<DeadLetterReport> {
  const depth = await queueDepth(target, target.deadLetterQueueUrl);
  const peeked = await peekMessages(target, target.deadLetterQueueUrl, sampleSize);
  const samples: MessageSample[] = [];
  for (const message of peeked) samples.push(await describeMessage(target, message));
  return { target: target.label, depth, samples };
}

export interface MoveResult {
  readonly strategy: RedrivePlan['strategy'];
  /** Messages moved (receive-send-delete), or moved so far when the task was last seen. */
  readonly moved: number;
  /** The move task's handle and last status (AWS). */
  readonly taskHandle?: string;
  readonly taskStatus?: string;
}

/** Locally: receive from the DLQ, send to the queue, delete from the DLQ, at most `maxPerSecond`. */
export async function moveByReceiving(target: OpsTarget, plan: RedrivePlan, limiter = new RateLimiter(plan.maxPerSecond)): Promise<MoveResult> {
  const batchSize = Math.min(SQS_BATCH, plan.maxPerSecond);
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await target.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: target.deadLetterQueueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: 1,
        // Long enough to send and delete; if the command dies, the messages reappear in the DLQ.
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) {
      const depth = await queueDepth(target, target.deadLetterQueueUrl);
      if (depth.visible === 0) break;
      continue;
    }
    await limiter.take(Messages.length);
    const { Failed = [] } = await target.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: target.queueUrl,
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
      await target.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: target.deadLetterQueueUrl,
          Entries: sent.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
        }),
      );
    }
    moved += sent.length;
    if (failedIds.size > 0) throw new Error(`${failedIds.size} message(s) could not be sent back: ${Failed[0]?.Message ?? ''}`);
  }
  return { strategy: plan.strategy, moved };
}

/** On AWS: an SQS message move task from the DLQ back to the queue, optionally followed to its end. */
export async function startMoveTask(
  target: OpsTarget,
  plan: RedrivePlan,
  options: { readonly wait?: boolean; readonly pollMs?: number; readonly progress?: (line: string) => void } = {},
): Promise<MoveResult> {
  const arnOf = async (queueUrl: string) => {
    const { Attributes } = await target.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    if (!Attributes?.QueueArn) throw new Error(`No ARN for ${queueUrl}`);
    return Attributes.QueueArn;
  };
  const sourceArn = await arnOf(target.deadLetterQueueUrl);
  const { TaskHandle } = await target.sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: sourceArn,
      DestinationArn: await arnOf(target.queueUrl),
      MaxNumberOfMessagesPerSecond: plan.maxPerSecond,
    }),
  );
  let moved = 0;
  let status = 'RUNNING';
  while (options.wait && status === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 5_000));
    const { Results = [] } = await target.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }));
    const task = Results.find((result) => result.TaskHandle === TaskHandle) ?? Results[0];
    status = task?.Status ?? 'UNKNOWN';
    moved = task?.ApproximateNumberOfMessagesMoved ?? moved;
    options.progress?.(`  ${status}: ${moved} of ${task?.ApproximateNumberOfMessagesToMove ?? '?'} moved`);
    if (task?.FailureReason) throw new Error(`The move task failed: ${task.FailureReason}`);
  }
  return { strategy: plan.strategy, moved, taskHandle: TaskHandle, taskStatus: status };
}

export interface RedriveOptions extends TargetOptions {
  readonly dryRun?: boolean;
  readonly maxPerSecond?: number;
  readonly sample?: number;
  /** AWS: follow the move task until it ends. */
  readonly wait?: boolean;
}

export interface RedriveOutcome {
  readonly report: DeadLetterReport;
  readonly plan: RedrivePlan;
  readonly result?: MoveResult;
}

/** The whole command: inspect, plan, move (unless a dry run), reporting each step through `print`. */
export async function redrive(options: RedriveOptions, print: (line: string) => void = console.log): Promise<RedriveOutcome> {
  const target = resolveTarget(options);
  try {
    const report = await inspectDeadLetters(target, options.sample);
    print(formatReport(report));
    const plan = planRedrive({
      kind: target.kind,
      messages: report.depth.visible,
      maxPerSecond: options.maxPerSecond,
      dryRun: options.dryRun,
    });
    print(formatPlan(plan));
    if (plan.dryRun || plan.messages === 0) return { report, plan };

    const result =
      plan.strategy === 'move-task'
        ? await startMoveTask(target, plan, { wait: options.wait, progress: print })
        : await moveByReceiving(target, plan);
    print(
      result.taskHandle
        ? `Move task ${result.taskStatus === 'RUNNING' ? 'started' : result.taskStatus?.toLowerCase()}: ${result.taskHandle}` +
            (options.wait ? '' : '\n  follow it with: aws sqs list-message-move-tasks --source-arn <DLQ ARN>')
        : `Moved ${result.moved} message(s) back to the extraction queue.`,
    );
    return { report, plan, result };
  } finally {
    target.destroy();
  }
}

export function formatReport(report: DeadLetterReport): string {
  const { depth, samples } = report;
  const lines = [
    `Dead-letter queue of ${report.target}`,
    `  ${depth.visible} waiting, ${depth.inFlight} in flight${depth.oldestAgeMs === undefined ? '' : `, oldest ${formatAge(depth.oldestAgeMs)}`}`,
  ];
  if (samples.length > 0) lines.push(`  sample of ${samples.length}:`);
  for (const sample of samples) {
    const received = sample.receiveCount ? `, received ${sample.receiveCount}×` : '';
    lines.push(`    message ${sample.messageId}${sample.sentAt ? ` sent ${sample.sentAt}` : ''}${received}${sample.note ? `: ${sample.note}` : ''}`);
    for (const document of sample.documents) {
      const state = document.status
        ? `${document.status}${document.errorCode ? ` ${document.errorCode}` : ''}, generation ${document.generation}, attempts ${document.attempts}`
        : 'no record yet';
      lines.push(`      document ${document.documentId} (${document.key}): ${state}`);
      if (document.lastError) lines.push(`        last error: ${document.lastError.slice(0, 300)}`);
    }
  }
  return lines.join('\n');
}

export function formatPlan(plan: RedrivePlan): string {
  if (plan.messages === 0) return 'Nothing to redrive.';
  const how = plan.strategy === 'move-task' ? 'with an SQS message move task' : 'by receive, send and delete';
  const verb = plan.dryRun ? 'Would move' : 'Moving';
  return `${verb} ${plan.messages} message(s) back to the extraction queue ${how}, at most ${plan.maxPerSecond}/s (at least ${plan.estimatedSeconds} s).`;
}

export function formatAge(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

const positiveNumber = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive number');
  return parsed;
};

export function registerRedrive(program: Command): void {
  program
    .command('redrive')
    .description(
      'Inspect the extraction dead-letter queue and move its messages back to the extraction queue: ' +
        'the local runtime by default, a deployed environment with --env.',
    )
    .option('--env <env>', 'a deployed environment (reads cdk-outputs/<env>.json); without it, the local runtime')
    .option('--dry-run', 'inspect and plan only; move nothing')
    .option('--max-per-second <n>', `move at most this many messages per second (1–${MAX_MOVE_RATE})`, positiveNumber, DEFAULT_MOVE_RATE)
    .option('--sample <n>', 'how many messages to show', positiveNumber, DEFAULT_SAMPLE_SIZE)
    .option('--wait', 'AWS: follow the move task until it ends')
    .option('--state-dir <dir>', 'local state directory (default: $PDF_PIPELINE_STATE_DIR or .local)')
    .option('--outputs-dir <dir>', 'where cdk deploy wrote <env>.json', 'cdk-outputs')
    .action(
      reportingErrors(async (options: RedriveOptions) => {
        await redrive(options);
      }),
    );
}
