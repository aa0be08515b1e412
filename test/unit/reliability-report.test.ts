import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  faultsPartFiles,
  mergeFaultsParts,
  readFigures,
  writeFaultsPart,
  type ApiAbuseFigures,
  type FaultCase,
  type FaultsFigures,
  type HostileFigures,
  type LoadFigures,
  type Reconciliation,
} from '../reliability/figures.js';
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

  it('shows the load run per upload path with its throughput and reconciliation', () => {
    const latency = { count: 400, p50Ms: 310, p95Ms: 880, p99Ms: 1_240, maxMs: 1_500 };
    const load: LoadFigures = {
      suite: 'load',
      generatedAt: '2026-11-23T10:00:00.000Z',
      wallClockMs: 120_000,
      reconciliation: reconciliation(1000, 0),
      source: 'npm run loadtest',
      settings: { documents: 1000, mix: { direct: 40, presigned: 30, drop: 30 }, rate: 20, concurrency: 16, owners: 42, laneConcurrency: { interactive: 2, bulk: 2 } },
      submitMs: 60_000,
      throughput: { documents: 1000, pages: 10_000, documentsPerSecond: 8.33, pagesPerSecond: 83.33 },
      paths: [{ path: 'direct', planned: 400, accepted: 400, completed: 392, failedAsExpected: 8, upload: latency, toCompleted: { ...latency, p95Ms: 25_000 } }],
      checks: { planned: 1000, refused: 0, asExpected: 1000, duplicated: 0, unexpectedState: 0, extraRecords: 0, expectedDeadLettered: 0, expectedFailures: 20 },
      passed: true,
      discrepancies: [],
    };

    const report = renderReport(inputs({ figures: { load } }));

    expect(report).toContain('| direct | 400 | 400 | 392 | 8 | 310 ms / 880 ms / 1240 ms | 310 ms / 25.0 s / 1240 ms |');
    expect(report).toContain('| throughput | 8.33 documents/s, 83.33 pages/s (1000 documents, 10000 pages in 120.0 s; uploads took 60.0 s) |');
    expect(report).toContain('| lost (no record, or never terminal) | 0 |');
    expect(report).toContain('| reconciliation | passed: every upload accounted for |');
    expect(report).toContain('load: 0 of 1000');
    expect(report).toContain('| Load | 1000 documents through 1 upload paths, 8.33 documents/s; every upload accounted for |');
    const unreconciled: LoadFigures = { ...load, passed: false, discrepancies: ['drop drop-00001.pdf (u1): no document record'] };
    const failed = renderReport(inputs({ figures: { load: unreconciled } }));
    expect(failed).toContain('| reconciliation | FAILED ✗ |');
    expect(failed).toContain('- drop drop-00001.pdf (u1): no document record');
  });

  it('says the load run did not run, with no figure in its place, when it left no figures', () => {
    const report = renderReport(inputs({ figures: {} }));

    expect(report).toContain('**Not run.** There is no `reports/reliability/load.json`');
  });

  it('prints each injected fault with what it must and did end in, marking a case that failed or lost documents', () => {
    const faultCase: FaultCase = {
      name: 'DynamoDB throttling past the SDK’s retries',
      fault: 'ThrottlingException (400) ×4 on UpdateItem',
      expected: 'COMPLETED on a later delivery',
      ended: 'COMPLETED ×1',
      documents: 1,
      lost: 0,
      injected: 4,
      attempts: 2,
      passed: true,
    };
    const faults = mergeFaultsParts([
      { part: 'services', generatedAt: 'now', wallClockMs: 40_000, cases: [faultCase], acceptedDocumentIds: ['a'], terminalDocumentIds: ['a'], deadLettered: 0 },
      {
        part: 'timeouts',
        generatedAt: 'now',
        wallClockMs: 90_000,
        cases: [{ ...faultCase, name: 'stuck', ended: 'never terminal', lost: 1, passed: false }],
        coveredElsewhere: [{ name: 'a burst of 200', where: 'test/integration/pipeline.test.ts' }],
        acceptedDocumentIds: ['b'],
        terminalDocumentIds: [],
        deadLettered: 1,
      },
    ]);

    const report = renderReport(inputs({ figures: { faults } }));

    expect(report).toContain(
      '| DynamoDB throttling past the SDK’s retries | ThrottlingException (400) ×4 on UpdateItem | COMPLETED on a later delivery | COMPLETED ×1 | 1 | 4 | 2 | 0 |',
    );
    expect(report).toContain('| stuck | ThrottlingException (400) ×4 on UpdateItem | COMPLETED on a later delivery | never terminal ✗ | 1 | 4 | 2 | 1 ✗ |');
    expect(report).toContain('| Faults | 2 injected, 1 survived with nothing lost |');
    expect(report).toContain('Documents accepted / terminal / lost: 2 / 1 / 1; left in a dead-letter queue at the end: 1. Longest test file: 90.0 s.');
    expect(report).toContain('- a burst of 200: test/integration/pipeline.test.ts');
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

describe('writeFaultsPart', () => {
  it('keeps each test file’s part and writes faults.json from every part present', () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'faults-parts-'));
    const part = (name: string, ids: string[]) => ({
      part: name,
      generatedAt: `2026-11-23T10:00:0${ids.length}.000Z`,
      wallClockMs: 1_000 * ids.length,
      cases: [],
      acceptedDocumentIds: ids,
      terminalDocumentIds: ids,
      deadLettered: 0,
    });

    // Act
    writeFaultsPart(part('timeouts', ['a', 'b']), dir);
    writeFaultsPart(part('services', ['c']), dir);

    // Assert
    const figures = readFigures<FaultsFigures>('faults', dir);
    expect(figures?.reconciliation).toMatchObject({ accepted: 3, terminal: 3, lost: 0 });
    expect(figures?.wallClockMs).toBe(2_000);
    expect(faultsPartFiles(dir).map((file) => file.slice(dir.length + 1)).sort()).toEqual(['faults.services.json', 'faults.timeouts.json']);
    rmSync(dir, { recursive: true });
  });
});
