import { describe, expect, it } from 'vitest';
import type { ApiAbuseFigures, HostileFigures, Reconciliation } from '../reliability/figures.js';
import { HOSTILE_INPUTS } from '../reliability/hostile-inputs.js';
import { documentsLost, renderReport, type ReportInputs, type VitestJsonReport } from '../reliability/render-report.js';

const reconciliation = (accepted: number, lost: number): Reconciliation => ({
  accepted,
  terminal: accepted - lost,
  lost,
  deadLettered: 0,
  lostDocumentIds: Array.from({ length: lost }, (_, index) => `lost-${index}`),
});

const hostile: HostileFigures = {
  suite: 'hostile-input',
  generatedAt: '2026-11-23T10:00:00.000Z',
  wallClockMs: 19_200,
  reconciliation: reconciliation(3, 1),
  outcomes: [
    { name: 'flate-bomb', description: 'A bomb', entry: 'api', bytes: 1_044_095, expected: { status: 'FAILED', code: 'RESOURCE_LIMIT' }, actual: { status: 'FAILED', code: 'RESOURCE_LIMIT', attempts: 1 }, msToTerminal: 13_100 },
    { name: 'empty-pages', description: 'Empty', entry: 'api', bytes: 481, expected: { status: 'COMPLETED', pageCount: 3 }, actual: { status: 'FAILED', code: 'CORRUPT', attempts: 1 }, msToTerminal: 900 },
    { name: 'stuck', description: 'Never ends', entry: 'drop-folder', bytes: 10, expected: { status: 'FAILED', code: 'CORRUPT' } },
  ],
  executedPayloads: [],
  environmentFailures: [],
  peakEnvironmentRssMb: 612,
  functionMemoryMb: 2048,
};

const abuse: ApiAbuseFigures = {
  suite: 'api-abuse',
  generatedAt: '2026-11-23T10:00:00.000Z',
  wallClockMs: 12_000,
  reconciliation: reconciliation(18, 0),
  cases: [
    { group: 'tokens', name: 'expired → 401', expectedStatuses: [401], status: 401, code: 'UNAUTHORIZED', sideEffectCheck: 'no document' },
    { group: 'headers', name: 'flood → 431', expectedStatuses: [431], status: 200 },
  ],
  coveredElsewhere: [{ name: 'a 64 KB header', where: 'test/integration/api-errors.test.ts' }],
};

const inputs = (overrides: Partial<ReportInputs> = {}): ReportInputs => ({
  generatedAt: new Date('2026-11-23T10:00:00.000Z'),
  figures: {},
  hostileInputs: HOSTILE_INPUTS,
  repoRoot: '/repo',
  ...overrides,
});

describe('documentsLost', () => {
  it('sums the suites’ own reconciliations, and is unknown when no suite ran', () => {
    expect(documentsLost({ 'hostile-input': hostile, 'api-abuse': abuse })).toBe(1);
    expect(documentsLost({})).toBeUndefined();
  });
});

describe('renderReport', () => {
  it('says "not run" for every suite without figures, never a figure, and still lists the planned bad inputs', () => {
    const report = renderReport(inputs());

    expect(report).toContain('| Documents lost | not measured (no suite ran) |');
    expect(report.match(/\*\*Not run\.\*\*/g)).toHaveLength(4);
    for (const input of HOSTILE_INPUTS) expect(report).toContain(`\`${input.name}\``);
    expect(report).toContain('| `flate-bomb` | One Flate stream of 1 MB that inflates to 1 GB of zeros | api | FAILED RESOURCE_LIMIT |');
  });

  it('prints each bad input with its expected and actual state and time, marking a mismatch and one that never ended', () => {
    const report = renderReport(inputs({ figures: { 'hostile-input': hostile } }));

    expect(report).toContain('| `flate-bomb` | A bomb | api | 1019.6 KB | FAILED RESOURCE_LIMIT | FAILED RESOURCE_LIMIT | 1 | 13.1 s |');
    expect(report).toContain('| `empty-pages` | Empty | api | 481 B | COMPLETED (3 pages) | FAILED CORRUPT ✗ | 1 | 0.9 s |');
    expect(report).toContain('| `stuck` | Never ends | drop-folder | 10 B | FAILED CORRUPT | **never terminal** ✗ | — | — |');
    expect(report).toContain('| Documents lost | **1** (hostile-input: 1 of 3; api-abuse: not run; load: not run; faults: not run) |');
    expect(report).toContain('3 tried, 1 ended as expected');
    expect(report).toContain('Most resident memory of one extraction environment: 612 MB (memory size 2048 MB).');
  });

  it('prints the API abuse cases by group, marking an answer outside the expected statuses', () => {
    const report = renderReport(inputs({ figures: { 'api-abuse': abuse } }));

    expect(report).toContain('### Tokens');
    expect(report).toContain('| expired → 401 | 401 | 401 UNAUTHORIZED | no document |');
    expect(report).toContain('| flood → 431 | 431 | 200 ✗ |  |');
    expect(report).toContain('- a 64 KB header: test/integration/api-errors.test.ts');
    const withKey: ApiAbuseFigures = { ...abuse, cases: [{ ...abuse.cases[0]!, sideEffectCheck: 'key is uploads/<owner>/<uuid>.pdf' }] };
    expect(renderReport(inputs({ figures: { 'api-abuse': withKey } }))).toContain('key is uploads/&lt;owner&gt;/&lt;uuid&gt;.pdf');
    expect(report).toContain('2 cases, 1 answered as expected');
  });

  it('shows a load suite’s reconciliation and scalar figures as they are until it has a section of its own', () => {
    const load = { suite: 'load' as const, generatedAt: 'now', wallClockMs: 60_000, reconciliation: reconciliation(500, 0), documentsPerSecond: 8.4 };

    const report = renderReport(inputs({ figures: { load } }));

    expect(report).toContain('| documents accepted / terminal / lost | 500 / 500 / 0 |');
    expect(report).toContain('| documentsPerSecond | 8.4 |');
  });

  it('lists the test files with their counts, and every failed test', () => {
    const vitest: VitestJsonReport = {
      numTotalTests: 3,
      numPassedTests: 2,
      numFailedTests: 1,
      testResults: [
        {
          name: '/repo/test/reliability/api-abuse.test.ts',
          assertionResults: [
            { fullName: 'tokens refuses each', status: 'passed' },
            { fullName: 'headers floods', status: 'passed' },
            { fullName: 'bursts accept the quota', status: 'failed' },
          ],
        },
      ],
    };

    const report = renderReport(inputs({ vitest, runDurationMs: 41_300 }));

    expect(report).toContain('| `test/reliability/api-abuse.test.ts` | 3 | 2 | 1 |');
    expect(report).toContain('- test/reliability/api-abuse.test.ts: bursts accept the quota');
    expect(report).toContain('| Tests | 2 passed, 1 failed of 3, in 41.3 s |');
  });
});
