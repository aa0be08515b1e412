/**
 * `pdf-pipeline stats` (`npm run stats`): the local pipeline's figures in a readable form:
 * each lane's queue and DLQ depth (or one lane's, with `--lane`), the age of their oldest
 * message, documents by status and error code, and the document events so far. On AWS the same
 * figures are on the environment's dashboard.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { DOCUMENT_STATUSES, type DocumentStatus, type Lane } from '../../lambdas/shared/contract.js';
import { countDocuments } from '../../lambdas/shared/document-counts.js';
import { parseLane, queueDepth, selectedLanes, type QueueDepth } from '../ops/queues.js';
import { reportingErrors } from '../ops/report-errors.js';
import { localTarget, type OpsTarget } from '../ops/target.js';
import { formatAge } from './redrive.js';

/** A lane's extraction queue and dead-letter queue. */
export interface LaneStats {
  readonly queue: QueueDepth;
  readonly deadLetterQueue: QueueDepth;
}

export interface PipelineStats {
  readonly target: string;
  /** The lanes asked for (every lane by default). */
  readonly lanes: Partial<Record<Lane, LaneStats>>;
  readonly documents: {
    readonly total: number;
    readonly byStatus: Readonly<Record<DocumentStatus, number>>;
    /** FAILED documents by error code. */
    readonly failedByCode: Readonly<Record<string, number>>;
    /** Tombstones of deleted documents, counted apart from the statuses. */
    readonly deleted: number;
  };
  readonly events: {
    /** Events put on the local bus so far, by detail-type. */
    readonly byType: Readonly<Record<string, number>>;
    /** Table-change batches given up without their events. */
    readonly failedBatches: number;
  };
}

export async function collectStats(target: OpsTarget, options: { readonly lane?: Lane } = {}): Promise<PipelineStats> {
  const lanes: Partial<Record<Lane, LaneStats>> = {};
  for (const lane of selectedLanes(options.lane)) {
    const [queue, deadLetterQueue] = await Promise.all([
      queueDepth(target, target.lanes[lane].queueUrl),
      queueDepth(target, target.lanes[lane].deadLetterQueueUrl),
    ]);
    lanes[lane] = { queue, deadLetterQueue };
  }
  const { total, byStatus, failedByCode, deleted } = await countDocuments(target.listing.scanDocuments());

  const byType: Record<string, number> = {};
  for (const line of readLines(target.layout?.eventLog)) {
    const type = (JSON.parse(line) as { 'detail-type'?: string })['detail-type'] ?? 'unknown';
    byType[type] = (byType[type] ?? 0) + 1;
  }
  const failedBatches = readLines(target.layout?.failedEventBatches).length;
  return { target: target.label, lanes, documents: { total, byStatus, failedByCode, deleted }, events: { byType, failedBatches } };
}

function readLines(file: string | undefined): string[] {
  if (!file || !existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
}

export function formatStats(stats: PipelineStats): string {
  const queueLine = (name: string, depth: QueueDepth) =>
    `  ${name.padEnd(24)} ${String(depth.visible).padStart(5)} waiting ${String(depth.inFlight).padStart(5)} in flight ` +
    `${String(depth.delayed).padStart(3)} delayed   oldest ${depth.oldestAgeMs === undefined ? '—' : formatAge(depth.oldestAgeMs)}`;
  const { documents, events } = stats;
  const failures = Object.entries(documents.failedByCode)
    .sort(([, a], [, b]) => b - a)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  const lines = [
    `pdf-pipeline: ${stats.target}`,
    '',
    'Queues',
    ...Object.entries(stats.lanes).flatMap(([lane, { queue, deadLetterQueue }]) => [
      queueLine(`${lane} queue`, queue),
      queueLine(`${lane} dead-letter queue`, deadLetterQueue),
    ]),
    '',
    `Documents (${documents.total}${documents.deleted ? `, plus ${documents.deleted} deleted` : ''})`,
    ...DOCUMENT_STATUSES.map(
      (status) =>
        `  ${status.padEnd(11)} ${String(documents.byStatus[status]).padStart(6)}${status === 'FAILED' && failures ? `   ${failures}` : ''}`,
    ),
    '',
    'Document events',
    ...Object.entries(events.byType).map(([type, count]) => `  ${type.padEnd(20)} ${String(count).padStart(6)}`),
    ...(Object.keys(events.byType).length === 0 ? ['  none yet'] : []),
    `  failed batches      ${String(events.failedBatches).padStart(6)}${events.failedBatches ? '   (see event-stream/failed-batches.ndjson)' : ''}`,
  ];
  return lines.join('\n');
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description("Each lane's queue and DLQ depth, oldest message, documents by status and error code, events: the local runtime.")
    .option('--state-dir <dir>', 'local state directory (default: $PDF_PIPELINE_STATE_DIR or .local)')
    .option('--lane <lane>', 'only this lane: interactive or bulk (default: both)', parseLane)
    .option('--json', 'print the figures as JSON')
    .action(
      reportingErrors(async (options: { stateDir?: string; lane?: Lane; json?: boolean }) => {
        const target = localTarget(options.stateDir);
        try {
          const stats = await collectStats(target, { lane: options.lane });
          console.log(options.json ? JSON.stringify(stats, null, 2) : formatStats(stats));
        } finally {
          target.destroy();
        }
      }),
    );
}
