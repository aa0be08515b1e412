/**
 * RELIABILITY.md from what the reliability suites left behind: vitest's JSON report and each
 * suite's figures (`figures.ts`). Pure: `report.ts` gathers the inputs and writes the file.
 * Nothing here is typed in: a suite with no figures is "not run", and documents lost are summed
 * from the suites' own reconciliations.
 */
import type {
  AbuseCase,
  ApiAbuseFigures,
  FaultsFigures,
  HostileFigures,
  HostileOutcome,
  LoadFigures,
  SuiteFigures,
  SuiteName,
} from './figures.js';
import { describeState, type HostileInput } from './hostile-inputs.js';
import { loadPathTable } from './load/load-figures.js';

/** The parts of vitest's JSON reporter output the report reads. */
export interface VitestJsonReport {
  readonly numTotalTests: number;
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests?: number;
  readonly testResults: readonly {
    readonly name: string;
    readonly assertionResults: readonly { readonly fullName: string; readonly status: string }[];
  }[];
}

export interface ReportInputs {
  readonly generatedAt: Date;
  /** Absent when the tests were not run for this report. */
  readonly vitest?: VitestJsonReport;
  /** How long the test run took, start to end, in ms. */
  readonly runDurationMs?: number;
  readonly figures: Partial<Record<SuiteName, SuiteFigures>>;
  /** The hostile-input table, printed with expected states even when the suite did not run. */
  readonly hostileInputs: readonly HostileInput[];
  /** Paths shown relative to this (the repository root). */
  readonly repoRoot: string;
}

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}

const sameState = (outcome: HostileOutcome) =>
  outcome.actual !== undefined &&
  outcome.actual.status === outcome.expected.status &&
  (outcome.expected.status === 'FAILED' ? outcome.actual.code === outcome.expected.code : outcome.actual.pageCount === outcome.expected.pageCount);

/** Documents lost across the suites that ran: `undefined` when none did. */
export function documentsLost(figures: ReportInputs['figures']): number | undefined {
  const ran = Object.values(figures).filter((suite): suite is SuiteFigures => suite !== undefined);
  return ran.length === 0 ? undefined : ran.reduce((sum, suite) => sum + suite.reconciliation.lost, 0);
}

function summary(inputs: ReportInputs): string {
  const { figures, vitest } = inputs;
  const lost = documentsLost(figures);
  const perSuite = (['hostile-input', 'api-abuse', 'load', 'faults'] as const)
    .map((suite) => {
      const ran = figures[suite];
      return ran ? `${suite}: ${ran.reconciliation.lost} of ${ran.reconciliation.accepted}` : `${suite}: not run`;
    })
    .join('; ');
  const hostile = figures['hostile-input'] as HostileFigures | undefined;
  const abuse = figures['api-abuse'] as ApiAbuseFigures | undefined;
  const faults = figures.faults as FaultsFigures | undefined;
  const load = figures.load as LoadFigures | undefined;
  const rows: string[][] = [
    ['Documents lost', lost === undefined ? 'not measured (no suite ran)' : `**${lost}** (${perSuite})`],
    [
      'Tests',
      vitest
        ? `${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed${vitest.numPendingTests ? `, ${vitest.numPendingTests} skipped` : ''} of ${vitest.numTotalTests}` +
          (inputs.runDurationMs === undefined ? '' : `, in ${seconds(inputs.runDurationMs)}`)
        : 'not run for this report',
    ],
    [
      'Bad inputs',
      hostile
        ? `${hostile.outcomes.length} tried, ${hostile.outcomes.filter(sameState).length} ended as expected; payloads run: ${hostile.executedPayloads.length}; environments lost: ${hostile.environmentFailures.length}`
        : 'not run',
    ],
    [
      'API abuse',
      abuse ? `${abuse.cases.length} cases, ${abuse.cases.filter((entry) => entry.expectedStatuses.includes(entry.status)).length} answered as expected` : 'not run',
    ],
    [
      'Load',
      load
        ? `${load.settings.documents} documents through ${load.paths.filter((path) => path.planned > 0).length} upload paths, ` +
          `${load.throughput.documentsPerSecond} documents/s; ${load.passed ? 'every upload accounted for' : 'reconciliation failed ✗'}`
        : 'not run',
    ],
    [
      'Faults',
      faults
        ? `${faults.cases.length} injected, ${faults.cases.filter((entry) => entry.passed && entry.lost === 0).length} survived with nothing lost`
        : 'not run',
    ],
  ];
  return table(['measure', 'result'], rows);
}

function hostileSection(inputs: ReportInputs): string {
  const figures = inputs.figures['hostile-input'] as HostileFigures | undefined;
  const intro =
    'Each input goes through the real pipeline on the local runtime (the API or the drop folder, the real extraction ' +
    'handler), all submitted together; "time" runs from its submission to its terminal state, so it includes waiting ' +
    'behind the others. The table of inputs is `test/reliability/hostile-inputs.ts`.';
  if (!figures) {
    return [
      intro,
      '',
      '**Not run.** The inputs and the states they must reach:',
      '',
      table(
        ['input', 'what it is', 'via', 'expected'],
        inputs.hostileInputs.map((input) => [`\`${input.name}\``, input.description, input.entry, describeState(input.expected)]),
      ),
    ].join('\n');
  }
  const rows = figures.outcomes.map((outcome) => [
    `\`${outcome.name}\``,
    outcome.description,
    outcome.entry,
    size(outcome.bytes),
    describeState(outcome.expected),
    outcome.actual ? `${describeState(outcome.actual)}${sameState(outcome) ? '' : ' ✗'}` : '**never terminal** ✗',
    outcome.actual ? String(outcome.actual.attempts) : '—',
    seconds(outcome.msToTerminal),
  ]);
  return [
    intro,
    '',
    table(['input', 'what it is', 'via', 'size', 'expected', 'ended', 'attempts', 'time'], rows),
    '',
    `All ${figures.outcomes.length} settled within ${seconds(figures.wallClockMs)} of the first submission. ` +
      `Active-content payloads that ran (marker files written): ${figures.executedPayloads.length ? figures.executedPayloads.join(', ') : 'none'}. ` +
      `Extraction environments crashed, killed or timed out: ${figures.environmentFailures.length ? figures.environmentFailures.length : 'none'}. ` +
      `Most resident memory of one extraction environment: ${figures.peakEnvironmentRssMb === undefined ? 'not measured' : `${figures.peakEnvironmentRssMb} MB`} ` +
      `(memory size ${figures.functionMemoryMb} MB).`,
  ].join('\n');
}

function abuseSection(inputs: ReportInputs): string {
  const figures = inputs.figures['api-abuse'] as ApiAbuseFigures | undefined;
  const intro =
    'Through the local gateway with real tokens (`test/reliability/api-abuse.test.ts`). "No side effect" names what was ' +
    'read back through the SDK (table, bucket, audit trail) after the case.';
  if (!figures) return `${intro}\n\n**Not run.**`;
  const groups = [...new Set(figures.cases.map((entry) => entry.group))];
  const sections = groups.map((group) =>
    [
      `### ${group[0]!.toUpperCase()}${group.slice(1)}`,
      '',
      table(
        ['case', 'expected', 'answered', 'no side effect'],
        figures.cases
          .filter((entry: AbuseCase) => entry.group === group)
          .map((entry) => [
            entry.name,
            entry.expectedStatuses.join(' or '),
            `${entry.status}${entry.code ? ` ${entry.code}` : ''}${entry.expectedStatuses.includes(entry.status) ? '' : ' ✗'}`,
            entry.sideEffectCheck ?? '',
          ]),
      ),
    ].join('\n'),
  );
  const elsewhere = figures.coveredElsewhere.map((entry) => `- ${entry.name}: ${entry.where}`);
  return [intro, '', ...sections.flatMap((section) => [section, '']), 'Covered by other suites, not repeated here:', '', ...elsewhere].join('\n');
}

function faultsSection(inputs: ReportInputs): string {
  const figures = inputs.figures.faults as FaultsFigures | undefined;
  const intro =
    'Service faults injected into the functions\' own SDK traffic by a fault-injecting proxy in front of the emulators ' +
    '(`local/fault-proxy.ts`: latency, each service\'s error in its real shape, connections cut mid-answer), and the ' +
    'runtime itself disturbed (an execution environment killed, a restart, a timeout). "Injected" counts failed tries that ' +
    'something (the SDK or the queue) had to retry; "attempts" is the most any of the case\'s documents needed.';
  if (!figures) return `${intro}\n\n**Not run.** There is no \`reports/reliability/faults.json\`, and no figure is shown in its place.`;
  const rows = figures.cases.map((entry) => [
    entry.name,
    entry.fault,
    entry.expected,
    `${entry.ended}${entry.passed ? '' : ' ✗'}`,
    String(entry.documents),
    String(entry.injected),
    String(entry.attempts),
    `${entry.lost}${entry.lost === 0 ? '' : ' ✗'}`,
  ]);
  const { reconciliation } = figures;
  const elsewhere = figures.coveredElsewhere.map((entry) => `- ${entry.name}: ${entry.where}`);
  return [
    intro,
    '',
    table(['case', 'fault', 'expected', 'ended', 'documents', 'injected', 'attempts', 'lost'], rows),
    '',
    `Documents accepted / terminal / lost: ${reconciliation.accepted} / ${reconciliation.terminal} / ${reconciliation.lost}; ` +
      `left in a dead-letter queue at the end: ${reconciliation.deadLettered}. Longest test file: ${seconds(figures.wallClockMs)}.`,
    ...(elsewhere.length ? ['', 'Covered by other tests, not repeated here:', '', ...elsewhere] : []),
  ].join('\n');
}

function loadSection(inputs: ReportInputs): string {
  const figures = inputs.figures.load as LoadFigures | undefined;
  const intro =
    'Documents uploaded through all three paths at once (`POST /v1/documents`, a presigned POST, the drop folder) from ' +
    'several users within the per-user quota, on the local runtime with the dev sizes (`test/reliability/load/`; ' +
    '`npm run loadtest` at full size, `test/reliability/load.test.ts` at CI size). A few are bad files that must end ' +
    'FAILED with their codes. Upload→COMPLETED runs from the first request (the PutObject for the drop folder) to the ' +
    'record\'s COMPLETED write; throughput is over the whole run, first upload to last terminal state.';
  if (!figures) return `${intro}\n\n**Not run.** There is no \`reports/reliability/load.json\`, and no figure is shown in its place.`;
  const { settings, throughput, checks, reconciliation } = figures;
  const pathTable = loadPathTable(figures);
  const mix = Object.entries(settings.mix)
    .map(([path, share]) => `${path} ${share}`)
    .join(', ');
  const lanes = settings.laneConcurrency
    ? `; lane concurrency ${Object.entries(settings.laneConcurrency)
        .map(([lane, value]) => `${lane} ${value}`)
        .join(', ')}`
    : '';
  return [
    intro,
    '',
    `Run by \`${figures.source}\` on ${figures.generatedAt}: ${settings.documents} documents (shares ${mix}), at most ${settings.rate} ` +
      `uploads/s and ${settings.concurrency} at once, from ${settings.owners} users${lanes}.`,
    '',
    table(pathTable.header, pathTable.rows),
    '',
    table(
      ['figure', 'value'],
      [
        ['throughput', `${throughput.documentsPerSecond} documents/s, ${throughput.pagesPerSecond} pages/s (${throughput.documents} documents, ${throughput.pages} pages in ${seconds(figures.wallClockMs)}; uploads took ${seconds(figures.submitMs)})`],
        ['accepted / in the expected terminal state', `${reconciliation.accepted} of ${checks.planned} / ${checks.asExpected} (${checks.expectedFailures} of them expected failures)`],
        ['lost (no record, or never terminal)', `${reconciliation.lost}${reconciliation.lost === 0 ? '' : ' ✗'}`],
        ['refused / more than one record / terminal in another state / records no upload accounts for', `${checks.refused} / ${checks.duplicated} / ${checks.unexpectedState} / ${checks.extraRecords}`],
        ['dead-lettered (expected)', `${reconciliation.deadLettered} (${checks.expectedDeadLettered})`],
        ['reconciliation', figures.passed ? 'passed: every upload accounted for' : 'FAILED ✗'],
      ],
    ),
    ...(figures.discrepancies.length ? ['', 'Discrepancies:', '', ...figures.discrepancies.map((line) => `- ${cell(line)}`)] : []),
  ].join('\n');
}

function testsSection(inputs: ReportInputs): string {
  const { vitest, repoRoot } = inputs;
  if (!vitest) return 'Not run for this report (rendered from earlier figures).';
  const relative = (path: string) => (path.startsWith(repoRoot) ? path.slice(repoRoot.length + 1) : path);
  const rows = vitest.testResults.map((file) => {
    const passed = file.assertionResults.filter((test) => test.status === 'passed').length;
    const failed = file.assertionResults.filter((test) => test.status === 'failed').length;
    return [`\`${relative(file.name)}\``, String(file.assertionResults.length), String(passed), String(failed)];
  });
  const failures = vitest.testResults.flatMap((file) =>
    file.assertionResults.filter((test) => test.status === 'failed').map((test) => `- ${relative(file.name)}: ${test.fullName}`),
  );
  return [table(['file', 'tests', 'passed', 'failed'], rows), ...(failures.length ? ['', 'Failed:', '', ...failures] : [])].join('\n');
}

export function renderReport(inputs: ReportInputs): string {
  return [
    '# Reliability',
    '',
    `Generated by \`npm run reliability\` on ${inputs.generatedAt.toISOString()} from the reliability suite's own output ` +
      '(`test/reliability/`, vitest\'s JSON report and `reports/reliability/*.json`). Do not edit by hand: run it again.',
    '',
    '## Summary',
    '',
    summary(inputs),
    '',
    '## Bad input',
    '',
    hostileSection(inputs),
    '',
    '## API abuse',
    '',
    abuseSection(inputs),
    '',
    '## Load',
    '',
    loadSection(inputs),
    '',
    '## Faults',
    '',
    faultsSection(inputs),
    '',
    '## Test files',
    '',
    testsSection(inputs),
    '',
  ].join('\n');
}
