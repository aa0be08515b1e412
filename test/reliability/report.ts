/**
 * `npm run reliability`: runs the reliability suites (test/reliability/) with vitest's JSON
 * reporter, then writes RELIABILITY.md at the repository root from that report and the figures
 * the suites wrote to `reports/reliability/`. Exits with vitest's status, after writing the
 * report either way.
 *
 * `--render-only` skips the run and renders from the files already there (for a suite being
 * worked on, or a report from CI's artifacts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { faultsPartFiles, readFigures, RELIABILITY_REPORTS_DIR, REPO_ROOT, SUITES, figuresFile, type SuiteFigures, type SuiteName } from './figures.js';
import { HOSTILE_INPUTS } from './hostile-inputs.js';
import { renderReport, type VitestJsonReport } from './render-report.js';

const VITEST_REPORT = join(RELIABILITY_REPORTS_DIR, 'vitest.json');
const REPORT_FILE = join(REPO_ROOT, 'RELIABILITY.md');

function runSuites(): number {
  // Figures from an earlier run must not pass for this one's.
  mkdirSync(RELIABILITY_REPORTS_DIR, { recursive: true });
  for (const suite of SUITES) rmSync(figuresFile(suite), { force: true });
  for (const part of faultsPartFiles()) rmSync(part, { force: true });
  rmSync(VITEST_REPORT, { force: true });
  const run = spawnSync(
    'vitest',
    ['run', 'test/reliability', '--reporter=default', '--reporter=json', `--outputFile.json=${VITEST_REPORT}`],
    { cwd: REPO_ROOT, stdio: 'inherit', shell: process.platform === 'win32' },
  );
  if (run.error) throw run.error;
  return run.status ?? 1;
}

function readVitestReport(): VitestJsonReport | undefined {
  try {
    return JSON.parse(readFileSync(VITEST_REPORT, 'utf8')) as VitestJsonReport;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const { values } = parseArgs({ options: { 'render-only': { type: 'boolean', default: false } } });
const runStartedAt = Date.now();
const status = values['render-only'] ? 0 : runSuites();
const runDurationMs = values['render-only'] ? undefined : Date.now() - runStartedAt;

const figures: Partial<Record<SuiteName, SuiteFigures>> = {};
for (const suite of SUITES) {
  const found = readFigures(suite);
  if (found) figures[suite] = found;
}
writeFileSync(
  REPORT_FILE,
  renderReport({ generatedAt: new Date(), vitest: readVitestReport(), runDurationMs, figures, hostileInputs: HOSTILE_INPUTS, repoRoot: REPO_ROOT }),
);
console.log(`Wrote ${REPORT_FILE}`);
process.exitCode = status;
