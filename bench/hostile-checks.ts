/**
 * The bounded hostile checks: the 2,000-page corpus file, generated Flate bombs and a
 * 100,000-page tree, each extracted alone in a fresh process running the deployed bundle with
 * a pool of the deployed size, as a function instance given only that document would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDeployedExtractor } from './deployed-extractor.js';
import { flateBomb, manyPagesPdf, type BombEncoding } from '../test/support/hostile-pdfs.js';
import { toMb } from './measure.js';
import { PRODUCTION_LIMITS } from './our-extractor.js';
import { TARGETS } from './targets.js';

/** A check's process is killed after this, well past the 60 s production deadline. */
const HARD_LIMIT_MS = 120_000;
const GiB = 1024 ** 3;

const BOMBS: readonly { name: string; inflatedBytes: number; encoding: BombEncoding }[] = [
  { name: 'flate bomb', inflatedBytes: GiB, encoding: 'flate' },
  { name: 'flate bomb, 2 Flate layers', inflatedBytes: 4 * GiB, encoding: 'flate+flate' },
  { name: 'flate bomb, hex-wrapped', inflatedBytes: GiB, encoding: 'hex+flate' },
];
const MANY_PAGES = 100_000;

export interface HostileOutcome {
  /** COMPLETED, or the failure code. */
  readonly outcome: string;
  readonly failureMessage?: string;
  readonly ms: number;
  readonly pages: number;
  readonly peakRssBytes: number;
  readonly kernelMaxRssBytes: number;
  /** RSS of the fresh process before the extraction began. */
  readonly baselineRssBytes: number;
}

export type HostileExpectation = 'completes within the RSS target' | 'FAILED with a code within 30 s';

export interface HostileCheck {
  readonly name: string;
  readonly file: string;
  readonly fileBytes: number;
  readonly description: string;
  readonly expectation: HostileExpectation;
  readonly result?: HostileOutcome;
  /** Why the check produced no result (its process died or was killed). */
  readonly error?: string;
  readonly pass: boolean;
}

type PlannedCheck = Omit<HostileCheck, 'result' | 'error' | 'pass'>;

/** Writes the generated hostile PDFs into `scratchDir` and lists every check to run. */
async function planChecks(longFile: { path: string; bytes: number } | undefined, scratchDir: string): Promise<PlannedCheck[]> {
  const checks: PlannedCheck[] = [];
  if (longFile) {
    checks.push({
      name: '2,000-page file',
      file: longFile.path,
      fileBytes: longFile.bytes,
      description: '2,000 pages of text from the corpus',
      expectation: 'completes within the RSS target',
    });
  }
  for (const bomb of BOMBS) {
    const pdf = await flateBomb(bomb.inflatedBytes, bomb.encoding);
    const file = join(scratchDir, `bomb-${bomb.encoding.replace('+', '-')}.pdf`);
    writeFileSync(file, pdf);
    checks.push({
      name: bomb.name,
      file,
      fileBytes: pdf.length,
      description: `one content stream, encoded ${bomb.encoding}, decoding to ${bomb.inflatedBytes / GiB} GiB of zeros`,
      expectation: 'FAILED with a code within 30 s',
    });
  }
  const manyPages = manyPagesPdf(MANY_PAGES);
  const manyPagesFile = join(scratchDir, `page-tree-${MANY_PAGES}.pdf`);
  writeFileSync(manyPagesFile, manyPages);
  checks.push({
    name: '100,000-page tree',
    file: manyPagesFile,
    fileBytes: manyPages.length,
    description: `/Count ${MANY_PAGES} with ${MANY_PAGES} real leaf pages sharing one content stream`,
    expectation: 'FAILED with a code within 30 s',
  });
  return checks;
}

function passes(expectation: HostileExpectation, result: HostileOutcome): boolean {
  return expectation === 'completes within the RSS target'
    ? result.outcome === 'COMPLETED' && toMb(result.peakRssBytes) <= TARGETS.longFilePeakRssMb
    : result.outcome !== 'COMPLETED' && result.ms <= TARGETS.hostileFailWithinMs;
}

/** Runs the checks one after another, never beside anything else, so their memory is their own. */
export async function runHostileChecks(
  longFile: { path: string; bytes: number } | undefined,
  runtimeDir: string,
  scratchDir: string,
): Promise<HostileCheck[]> {
  const results: HostileCheck[] = [];
  for (const check of await planChecks(longFile, scratchDir)) {
    process.stderr.write(`  ${check.name}…\n`);
    try {
      const run = await runDeployedExtractor(runtimeDir, scratchDir, [check.file], {
        parallel: PRODUCTION_LIMITS.deployedPoolSize,
        withText: false,
        hardLimitMs: HARD_LIMIT_MS,
      });
      const file = run.results[0]!;
      const result: HostileOutcome = {
        outcome: file.failure ?? 'COMPLETED',
        ...(file.failureMessage ? { failureMessage: file.failureMessage } : {}),
        ms: file.ms,
        pages: file.pages,
        peakRssBytes: run.peakRssBytes,
        kernelMaxRssBytes: run.kernelMaxRssBytes,
        baselineRssBytes: run.baselineRssBytes,
      };
      results.push({ ...check, result, pass: passes(check.expectation, result) });
    } catch (error) {
      results.push({ ...check, error: error instanceof Error ? error.message : String(error), pass: false });
    }
  }
  return results;
}
