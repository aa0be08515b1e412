/**
 * The load run's figures from its matched submissions: throughput, latencies per upload path and
 * the reconciliation, in the shape RELIABILITY.md reads (`figures.ts`), and the table the command
 * prints. Pure.
 */
import { percentile } from '../../../bench/measure.js';
import type { LatencySummary, LoadFigures, LoadPathFigures, LoadSettings, Reconciliation } from '../figures.js';
import { UPLOAD_PATHS } from './load-plan.js';
import type { LoadReconciliation, MatchedSubmission } from './load-reconciliation.js';

/** Discrepancies kept in the figures; the full list goes to the detailed report. */
const DISCREPANCIES_IN_FIGURES = 20;

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0 };
  return {
    count: values.length,
    p50Ms: percentile(values, 50),
    p95Ms: percentile(values, 95),
    p99Ms: percentile(values, 99),
    maxMs: Math.max(...values),
  };
}

/** When a terminal record reached its state, in epoch ms: its last write, on this machine's clock. */
const terminalAt = (entry: MatchedSubmission) => (entry.verdict.kind === 'ok' || entry.verdict.kind === 'unexpected-state' ? Date.parse(entry.verdict.record.updatedAt) : undefined);

export function pathFigures(matched: readonly MatchedSubmission[]): LoadPathFigures[] {
  return UPLOAD_PATHS.map((path) => {
    const ofPath = matched.filter((entry) => entry.submission.upload.path === path);
    const completed = ofPath.filter((entry) => entry.verdict.kind === 'ok' && entry.verdict.record.status === 'COMPLETED');
    return {
      path,
      planned: ofPath.length,
      accepted: ofPath.filter((entry) => entry.submission.accepted).length,
      completed: completed.length,
      failedAsExpected: ofPath.filter((entry) => entry.verdict.kind === 'ok' && entry.verdict.record.status === 'FAILED').length,
      upload: summarizeLatencies(ofPath.flatMap((entry) => (entry.submission.uploadMs === undefined ? [] : [entry.submission.uploadMs]))),
      toCompleted: summarizeLatencies(completed.map((entry) => terminalAt(entry)! - entry.submission.startedAt)),
    };
  });
}

export function loadFigures(input: {
  readonly source: string;
  readonly settings: LoadSettings;
  readonly matched: readonly MatchedSubmission[];
  readonly reconciliation: LoadReconciliation;
  /** When the last upload's requests ended, epoch ms. */
  readonly submittedAt: number;
  readonly generatedAt?: Date;
}): LoadFigures {
  const { matched, reconciliation } = input;
  const firstStart = Math.min(...matched.map((entry) => entry.submission.startedAt));
  const terminalTimes = matched.map(terminalAt).filter((at): at is number => at !== undefined);
  const lastTerminal = terminalTimes.length ? Math.max(...terminalTimes) : firstStart;
  const wallClockMs = Math.max(0, lastTerminal - firstStart);
  const pages = matched.reduce((sum, entry) => sum + (entry.verdict.kind === 'ok' ? (entry.verdict.record.pageCount ?? 0) : 0), 0);
  const perSecond = (count: number) => (wallClockMs === 0 ? 0 : Math.round((count / (wallClockMs / 1000)) * 100) / 100);
  const suiteReconciliation: Reconciliation = {
    accepted: reconciliation.accepted,
    terminal: reconciliation.accepted - reconciliation.lost,
    lost: reconciliation.lost,
    deadLettered: reconciliation.deadLettered,
    lostDocumentIds: reconciliation.lostDocumentIds,
  };
  return {
    suite: 'load',
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    wallClockMs,
    reconciliation: suiteReconciliation,
    source: input.source,
    settings: input.settings,
    submitMs: Math.max(0, input.submittedAt - firstStart),
    throughput: { documents: terminalTimes.length, pages, documentsPerSecond: perSecond(terminalTimes.length), pagesPerSecond: perSecond(pages) },
    paths: pathFigures(matched),
    checks: {
      planned: reconciliation.planned,
      refused: reconciliation.refused,
      asExpected: reconciliation.asExpected,
      duplicated: reconciliation.duplicated,
      unexpectedState: reconciliation.unexpectedState,
      extraRecords: reconciliation.extraRecords,
      expectedDeadLettered: reconciliation.expectedDeadLettered,
      expectedFailures: matched.filter((entry) => entry.submission.upload.expected.status === 'FAILED').length,
    },
    passed: reconciliation.passed,
    discrepancies: reconciliation.discrepancies.slice(0, DISCREPANCIES_IN_FIGURES).map((entry) => `${entry.path} ${entry.filename} (${entry.ownerId}): ${entry.problem}`),
  };
}

const ms = (value: number | undefined) => (value === undefined ? '—' : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
const triple = (summary: LatencySummary) => `${ms(summary.p50Ms)} / ${ms(summary.p95Ms)} / ${ms(summary.p99Ms)}`;

/** The per-path table, as the command prints it and RELIABILITY.md shows it: a header row, then a row per path. */
export function loadPathTable(figures: Pick<LoadFigures, 'paths'>): { header: string[]; rows: string[][] } {
  return {
    header: ['path', 'uploaded', 'accepted', 'completed', 'failed as expected', 'upload p50 / p95 / p99', 'upload→COMPLETED p50 / p95 / p99'],
    rows: figures.paths.map((path) => [
      path.path,
      String(path.planned),
      String(path.accepted),
      String(path.completed),
      String(path.failedAsExpected),
      triple(path.upload),
      triple(path.toCompleted),
    ]),
  };
}

function columns(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((text, column) => (column === 0 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!))).join('  '));
}

/** The table the command prints. */
export function formatLoadFigures(figures: LoadFigures): string {
  const { checks, reconciliation, throughput, settings } = figures;
  const pathTable = loadPathTable(figures);
  const lines = [
    `Load: ${settings.documents} documents (${Object.entries(settings.mix).map(([path, share]) => `${path}=${share}`).join(',')}), ` +
      `${settings.rate}/s, concurrency ${settings.concurrency}, ${settings.owners} users`,
    '',
    ...columns([pathTable.header, ...pathTable.rows]),
    '',
    `throughput: ${throughput.documentsPerSecond} documents/s, ${throughput.pagesPerSecond} pages/s ` +
      `(${throughput.documents} documents, ${throughput.pages} pages in ${ms(figures.wallClockMs)}; uploads took ${ms(figures.submitMs)})`,
    '',
    ...columns([
      ['reconciliation', ''],
      ['accepted', `${reconciliation.accepted} of ${checks.planned}`],
      ['in the expected terminal state', String(checks.asExpected)],
      ['  of which expected failures', String(checks.expectedFailures)],
      ['refused', String(checks.refused)],
      ['lost (no record, or never terminal)', String(reconciliation.lost)],
      ['more than one record', String(checks.duplicated)],
      ['terminal in another state', String(checks.unexpectedState)],
      ['records no upload accounts for', String(checks.extraRecords)],
      ['dead-lettered (expected)', `${reconciliation.deadLettered} (${checks.expectedDeadLettered})`],
    ]),
    '',
    figures.passed ? 'RECONCILED: every upload accounted for.' : 'NOT RECONCILED:',
    ...figures.discrepancies.map((line) => `  ${line}`),
  ];
  return lines.join('\n');
}
