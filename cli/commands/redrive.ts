/**
 * `pdf-pipeline redrive`: inspect each lane's extraction dead-letter queue (or one lane's, with
 * `--lane`) and move its messages back to that lane's extraction queue at a bounded rate.
 *
 * On AWS the move is an SQS message move task (`StartMessageMoveTask`), which SQS runs itself.
 * The emulator has no such call, so locally the command moves messages itself: receive from the
 * DLQ, send to the queue, then delete from the DLQ. Both ways live in
 * `lambdas/shared/dead-letter-redrive.ts`, shared with the admin route `POST /v1/admin/redrive`.
 *
 * What a moved message does next is the pipeline's rule (`claim.ts`): a document that never got
 * recorded or is still PROCESSING is simply processed; a POISON document gets a fresh set of
 * attempts (`revive`), and if those fail too it ends FAILED/POISON and back in the DLQ, once.
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  DEFAULT_MOVE_RATE,
  MAX_MOVE_RATE,
  moveByReceiving,
  planRedrive as planMove,
  startMoveTask,
  type MoveResult,
  type RedrivePlan,
} from '../../lambdas/shared/dead-letter-redrive.js';
import type { Lane } from '../../lambdas/shared/contract.js';
import {
  describeMessage,
  parseLane,
  peekMessages,
  queueDepth,
  selectedLanes,
  type MessageSample,
  type QueueDepth,
} from '../ops/queues.js';
import { reportingErrors } from '../ops/report-errors.js';
import { resolveTarget, withOpsTargetOptions, type OpsTarget, type TargetOptions } from '../ops/target.js';

export {
  DEFAULT_MOVE_RATE,
  MAX_MOVE_RATE,
  moveByReceiving,
  RateLimiter,
  startMoveTask,
  type MoveResult,
  type RedrivePlan,
} from '../../lambdas/shared/dead-letter-redrive.js';

const DEFAULT_SAMPLE_SIZE = 5;

/** Decides how to move the DLQ's messages: a move task on AWS, receive-send-delete locally. */
export function planRedrive(input: {
  readonly kind: OpsTarget['kind'];
  readonly messages: number;
  readonly maxPerSecond?: number;
  readonly dryRun?: boolean;
}): RedrivePlan {
  const { kind, ...rest } = input;
  return planMove({ ...rest, strategy: kind === 'aws' ? 'move-task' : 'receive-send-delete' });
}

export interface DeadLetterReport {
  readonly target: string;
  readonly lane: Lane;
  readonly depth: QueueDepth;
  readonly samples: readonly MessageSample[];
}

/** A lane's DLQ depth and a sample of its messages, with the state of the documents they name. */
export async function inspectDeadLetters(target: OpsTarget, lane: Lane, sampleSize = DEFAULT_SAMPLE_SIZE): Promise<DeadLetterReport> {
  const { deadLetterQueueUrl } = target.lanes[lane];
  const depth = await queueDepth(target, deadLetterQueueUrl);
  const peeked = await peekMessages(target, deadLetterQueueUrl, sampleSize);
  const samples: MessageSample[] = [];
  for (const message of peeked) samples.push(await describeMessage(target, message));
  return { target: target.label, lane, depth, samples };
}

export interface RedriveOptions extends TargetOptions {
  /** @default every lane */
  readonly lane?: Lane;
  readonly dryRun?: boolean;
  readonly maxPerSecond?: number;
  readonly sample?: number;
  /** AWS: follow the move task until it ends. */
  readonly wait?: boolean;
}

/** What the command did in one lane. */
export interface LaneRedrive {
  readonly report: DeadLetterReport;
  readonly plan: RedrivePlan;
  readonly result?: MoveResult;
}

export interface RedriveOutcome {
  /** The lanes redriven, in order, each with its own report, plan and result. */
  readonly lanes: Partial<Record<Lane, LaneRedrive>>;
}

/**
 * The whole command: for each lane asked for, inspect, plan, move (unless a dry run), reporting
 * each step through `print`. Each lane's messages go back to that lane's queue only.
 */
export async function redrive(options: RedriveOptions, print: (line: string) => void = console.log): Promise<RedriveOutcome> {
  const target = resolveTarget(options);
  const lanes: Partial<Record<Lane, LaneRedrive>> = {};
  try {
    for (const lane of selectedLanes(options.lane)) lanes[lane] = await redriveLane(target, lane, options, print);
    return { lanes };
  } finally {
    target.destroy();
  }
}

async function redriveLane(target: OpsTarget, lane: Lane, options: RedriveOptions, print: (line: string) => void): Promise<LaneRedrive> {
  const report = await inspectDeadLetters(target, lane, options.sample);
  print(formatReport(report));
  const plan = planRedrive({
    kind: target.kind,
    messages: report.depth.visible,
    maxPerSecond: options.maxPerSecond,
    dryRun: options.dryRun,
  });
  print(formatPlan(plan, lane));
  if (plan.dryRun || plan.messages === 0) return { report, plan };

  const queues = { sqs: target.sqs, ...target.lanes[lane] };
  const result =
    plan.strategy === 'move-task'
      ? await startMoveTask(queues, plan, { wait: options.wait, progress: print })
      : await moveByReceiving(queues, plan);
  print(
    result.taskHandle
      ? `Move task ${result.taskStatus === 'RUNNING' ? 'started' : result.taskStatus?.toLowerCase()}: ${result.taskHandle}` +
          (options.wait ? '' : '\n  follow it with: aws sqs list-message-move-tasks --source-arn <DLQ ARN>')
      : `Moved ${result.moved} message(s) back to the ${lane} lane's extraction queue.`,
  );
  return { report, plan, result };
}

export function formatReport(report: DeadLetterReport): string {
  const { depth, samples } = report;
  const lines = [
    `Dead-letter queue of the ${report.lane} lane, ${report.target}`,
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

export function formatPlan(plan: RedrivePlan, lane: Lane): string {
  if (plan.messages === 0) return `Nothing to redrive in the ${lane} lane.`;
  const how = plan.strategy === 'move-task' ? 'with an SQS message move task' : 'by receive, send and delete';
  const verb = plan.dryRun ? 'Would move' : 'Moving';
  return `${verb} ${plan.messages} message(s) back to the ${lane} lane's extraction queue ${how}, at most ${plan.maxPerSecond}/s (at least ${plan.estimatedSeconds} s).`;
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
  withOpsTargetOptions(
    program
      .command('redrive')
      .description(
        "Inspect each lane's extraction dead-letter queue and move its messages back to that lane's extraction queue: " +
          'the local runtime by default, a deployed environment with --env.',
      )
      .option('--lane <lane>', 'only this lane: interactive or bulk (default: both)', parseLane)
      .option('--dry-run', 'inspect and plan only; move nothing')
      .option('--max-per-second <n>', `move at most this many messages per second (1–${MAX_MOVE_RATE})`, positiveNumber, DEFAULT_MOVE_RATE)
      .option('--sample <n>', 'how many messages to show', positiveNumber, DEFAULT_SAMPLE_SIZE)
      .option('--wait', 'AWS: follow the move task until it ends'),
  )
    .action(
      reportingErrors(async (options: RedriveOptions) => {
        await redrive(options);
      }),
    );
}
