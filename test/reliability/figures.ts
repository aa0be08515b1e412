/**
 * What each reliability test file measures and leaves behind for RELIABILITY.md: one JSON file
 * per suite under `reports/reliability/`, written by the suite as it finishes, read by
 * `report.ts`. A suite that did not run leaves no file, and the report says "not run".
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RELIABILITY_REPORTS_DIR = join(REPO_ROOT, 'reports', 'reliability');

/** The suites the report knows, in its order; `load` and `faults` are filled by their own suites. */
export const SUITES = ['hostile-input', 'api-abuse', 'load', 'faults'] as const;
export type SuiteName = (typeof SUITES)[number];

/**
 * Every document a suite caused, accounted for: `accepted` is what the pipeline took on (API
 * answers 202/201 and objects dropped); `terminal` is how many of those ended COMPLETED or FAILED;
 * `lost` is every accepted document that did not, or that has no record at all.
 */
export interface Reconciliation {
  readonly accepted: number;
  readonly terminal: number;
  readonly lost: number;
  /** Messages left in the extraction dead-letter queues at the end. */
  readonly deadLettered: number;
  /** Accepted documents that are not terminal, by id (empty when nothing is lost). */
  readonly lostDocumentIds: readonly string[];
}

export interface SuiteFigures {
  readonly suite: SuiteName;
  readonly generatedAt: string;
  /** From the suite's first submission to its last terminal state, in ms. */
  readonly wallClockMs: number;
  readonly reconciliation: Reconciliation;
}

export interface HostileOutcome {
  readonly name: string;
  readonly description: string;
  readonly entry: string;
  readonly bytes: number;
  readonly expected: { readonly status: string; readonly code?: string; readonly pageCount?: number };
  /** Absent when the document never reached a terminal state. */
  readonly actual?: { readonly status: string; readonly code?: string; readonly pageCount?: number; readonly attempts: number };
  /** From submission to the terminal state, in ms, with every input submitted together. */
  readonly msToTerminal?: number;
}

export interface HostileFigures extends SuiteFigures {
  readonly suite: 'hostile-input';
  readonly outcomes: readonly HostileOutcome[];
  /** Active-content payloads that ran (marker files found): must be empty. */
  readonly executedPayloads: readonly string[];
  /** Extraction environments that crashed or timed out (the local Lambda log). */
  readonly environmentFailures: readonly string[];
  /** The most resident memory one extraction environment reached, and the function's memory size, in MB. */
  readonly peakEnvironmentRssMb?: number;
  readonly functionMemoryMb: number;
}

export interface AbuseCase {
  readonly group: string;
  readonly name: string;
  /** The statuses the case accepts (one, or e.g. 400/431 for a header flood). */
  readonly expectedStatuses: readonly number[];
  readonly status: number;
  readonly code?: string;
  /** Said when the case also checks there was no side effect. */
  readonly sideEffectCheck?: string;
}

export interface ApiAbuseFigures extends SuiteFigures {
  readonly suite: 'api-abuse';
  readonly cases: readonly AbuseCase[];
  /** Where a case is already covered elsewhere rather than repeated here. */
  readonly coveredElsewhere: readonly { readonly name: string; readonly where: string }[];
}

/** Nearest-rank percentiles of a set of durations; absent when there were none. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
  readonly maxMs?: number;
}

export interface LoadSettings {
  readonly documents: number;
  /** Shares per upload path, as given. */
  readonly mix: Readonly<Record<string, number>>;
  /** Uploads started per second, at most. */
  readonly rate: number;
  readonly concurrency: number;
  /** Users the uploads are spread over (each under the per-user quota). */
  readonly owners: number;
  /** The extraction lanes' event-source concurrency in force. */
  readonly laneConcurrency?: Readonly<Record<string, number>>;
}

export interface LoadPathFigures {
  readonly path: string;
  readonly planned: number;
  readonly accepted: number;
  readonly completed: number;
  readonly failedAsExpected: number;
  /** The upload's own requests (presigned: both the API call and the form POST). */
  readonly upload: LatencySummary;
  /** From the first request (the PutObject for the drop folder) to the record's COMPLETED write. */
  readonly toCompleted: LatencySummary;
}

export interface LoadFigures extends SuiteFigures {
  readonly suite: 'load';
  /** What ran it: `npm run loadtest` or the CI-sized test. */
  readonly source: string;
  readonly settings: LoadSettings;
  /** From the first upload to the end of the last one's requests, in ms. */
  readonly submitMs: number;
  /** Terminal documents and the pages of those completed, over `wallClockMs`. */
  readonly throughput: { readonly documents: number; readonly pages: number; readonly documentsPerSecond: number; readonly pagesPerSecond: number };
  readonly paths: readonly LoadPathFigures[];
  readonly checks: {
    readonly planned: number;
    readonly refused: number;
    readonly asExpected: number;
    readonly duplicated: number;
    readonly unexpectedState: number;
    readonly extraRecords: number;
    readonly expectedDeadLettered: number;
    /** Deliberately bad files among the planned, each expected to end FAILED with its code. */
    readonly expectedFailures: number;
  };
  /** Every upload accounted for, nothing extra, dead letters as expected. */
  readonly passed: boolean;
  /** The first discrepancies, as sentences (empty when it passed). */
  readonly discrepancies: readonly string[];
}

export const figuresFile = (suite: SuiteName) => join(RELIABILITY_REPORTS_DIR, `${suite}.json`);

export function writeFigures(figures: SuiteFigures): void {
  mkdirSync(RELIABILITY_REPORTS_DIR, { recursive: true });
  writeFileSync(figuresFile(figures.suite), `${JSON.stringify(figures, null, 2)}\n`);
}

/** A suite's figures, or `undefined` when it has not run (no file). */
export function readFigures<T extends SuiteFigures = SuiteFigures>(suite: SuiteName, dir = RELIABILITY_REPORTS_DIR): T | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, `${suite}.json`), 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Accepted documents against what the table says about them. */
export function reconcile(
  accepted: readonly string[],
  terminalIds: ReadonlySet<string>,
  deadLettered: number,
): Reconciliation {
  const lostDocumentIds = accepted.filter((id) => !terminalIds.has(id));
  return {
    accepted: accepted.length,
    terminal: accepted.length - lostDocumentIds.length,
    lost: lostDocumentIds.length,
    deadLettered,
    lostDocumentIds,
  };
}

/** One fault the faults suite injected, and what became of the documents it hit. */
export interface FaultCase {
  readonly name: string;
  /** What was injected, where, and how often (e.g. `ProvisionedThroughputExceededException (400) ×4 on UpdateItem`). */
  readonly fault: string;
  /** What the design says must happen. */
  readonly expected: string;
  /** The documents' terminal states as read back (e.g. `COMPLETED ×3`), or `never terminal`. */
  readonly ended: string;
  readonly documents: number;
  /** Documents with no terminal record at the end. */
  readonly lost: number;
  /** Faults the proxy (or the test) injected: each one a failed try something had to retry. */
  readonly injected: number;
  /** The highest attempt count recorded on the documents: deliveries the pipeline needed. */
  readonly attempts: number;
  /** Whether the case's assertions held. */
  readonly passed: boolean;
}

export interface FaultsFigures extends SuiteFigures {
  readonly suite: 'faults';
  readonly cases: readonly FaultCase[];
  /** Faults proved by other tests rather than repeated here. */
  readonly coveredElsewhere: readonly { readonly name: string; readonly where: string }[];
}

/** One faults test file's share of `faults.json`; the files run side by side, so each writes its own. */
export interface FaultsPart {
  readonly part: string;
  readonly generatedAt: string;
  readonly wallClockMs: number;
  readonly cases: readonly FaultCase[];
  readonly coveredElsewhere?: FaultsFigures['coveredElsewhere'];
  readonly acceptedDocumentIds: readonly string[];
  readonly terminalDocumentIds: readonly string[];
  readonly deadLettered: number;
}

const FAULTS_PART_PREFIX = 'faults.';

/** The parts a faults run leaves beside `faults.json`, to be removed before a fresh run. */
export function faultsPartFiles(dir = RELIABILITY_REPORTS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith(FAULTS_PART_PREFIX) && name.endsWith('.json') && name !== 'faults.json')
    .map((name) => join(dir, name));
}

/**
 * Writes one file's part, then `faults.json` from every part present. The last file to finish
 * writes last and so sees every part; each write is a rename, so no reader sees half a file.
 */
export function writeFaultsPart(part: FaultsPart, dir = RELIABILITY_REPORTS_DIR): FaultsFigures {
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, `${FAULTS_PART_PREFIX}${part.part}.json`), part);
  const parts = faultsPartFiles(dir)
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as FaultsPart)
    .sort((a, b) => a.part.localeCompare(b.part));
  const figures = mergeFaultsParts(parts);
  writeAtomic(join(dir, 'faults.json'), figures);
  return figures;
}

export function mergeFaultsParts(parts: readonly FaultsPart[]): FaultsFigures {
  const accepted = [...new Set(parts.flatMap((part) => part.acceptedDocumentIds))];
  const terminal = new Set(parts.flatMap((part) => part.terminalDocumentIds));
  return {
    suite: 'faults',
    generatedAt: parts.map((part) => part.generatedAt).sort().at(-1) ?? new Date(0).toISOString(),
    wallClockMs: Math.max(0, ...parts.map((part) => part.wallClockMs)),
    reconciliation: reconcile(accepted, terminal, parts.reduce((sum, part) => sum + part.deadLettered, 0)),
    cases: parts.flatMap((part) => part.cases),
    coveredElsewhere: parts.flatMap((part) => part.coveredElsewhere ?? []),
  };
}

function writeAtomic(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}
