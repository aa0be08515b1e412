/**
 * What each reliability test file measures and leaves behind for RELIABILITY.md: one JSON file
 * per suite under `reports/reliability/`, written by the suite as it finishes, read by
 * `report.ts`. A suite that did not run leaves no file, and the report says "not run".
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
