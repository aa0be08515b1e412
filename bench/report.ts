/** Turns the benchmark's measurements into the printed table and the JSON report. */
import { availableParallelism, cpus } from 'node:os';
import { basename } from 'node:path';
import type { BundleSize, ColdInitRuns } from './bundle.js';
import type { CorpusFile } from './corpus.js';
import type { DeployedRun } from './deployed-extractor.js';
import type { FloorResponse } from './engine-floor-runner.js';
import type { HostileCheck } from './hostile-checks.js';
import { mean, percentile, toMb } from './measure.js';
import { PRODUCTION_LIMITS } from './our-extractor.js';
import type { PdftotextResult } from './pdftotext.js';
import { ARABIC_FILES, TARGETS } from './targets.js';
import { tokenize, WORD_OVERLAP_DEFINITION, wordOverlap, type WordOverlap } from './word-overlap.js';

/** Files count towards fidelity only when pdftotext finds at least this many tokens in them. */
const MIN_REFERENCE_TOKENS = 20;
const LOWEST_FIDELITY_LISTED = 5;
const SLOWEST_LISTED = 5;

export interface Measurements {
  readonly corpusDir: string;
  readonly parallel: number;
  readonly pdftotextVersion: string;
  readonly corpus: readonly CorpusFile[];
  /** Our pass: results in corpus order. */
  readonly ours: DeployedRun;
  /** pdftotext's pass: results in corpus order. */
  readonly reference: { readonly results: readonly PdftotextResult[]; readonly wallMs: number };
  /**
   * PDFium's bare text pass and pdftotext, both one file at a time, in corpus order: what the
   * engine itself costs, whatever an extractor built on it does.
   */
  readonly floor: {
    readonly engineTextPass: FloorResponse;
    readonly pdftotextOneAtATime: { readonly results: readonly PdftotextResult[]; readonly wallMs: number };
  };
  readonly hostile: readonly HostileCheck[];
  readonly bundle: BundleSize;
  /** Absent when the cold-start file is not in the corpus. */
  readonly coldInit?: {
    readonly file: string;
    /** With the function's NODE_OPTIONS: the figure the target applies to. */
    readonly asDeployed: ColdInitRuns;
    /** With no NODE_OPTIONS, to show what they cost. */
    readonly withoutNodeOptions: ColdInitRuns;
    readonly bareNodeMedianMs: number;
  };
}

interface PassSummary {
  readonly pagesExtracted: number;
  readonly filesSucceeded: number;
  readonly wallMs: number;
  /** Pages of the files that succeeded / wall time of the whole pass. */
  readonly pagesPerSecond: number;
  readonly perFileP50Ms: number;
  readonly perFileP95Ms: number;
}

function summarizePass(results: readonly { ms: number; pages: number; ok: boolean }[], wallMs: number): PassSummary {
  const succeeded = results.filter((result) => result.ok);
  const pagesExtracted = succeeded.reduce((sum, result) => sum + result.pages, 0);
  const times = results.map((result) => result.ms);
  return {
    pagesExtracted,
    filesSucceeded: succeeded.length,
    wallMs,
    pagesPerSecond: pagesExtracted / (wallMs / 1000),
    perFileP50Ms: percentile(times, 50),
    perFileP95Ms: percentile(times, 95),
  };
}

interface FileRow {
  readonly corpus: CorpusFile;
  readonly ours: DeployedRun['results'][number];
  readonly reference: PdftotextResult;
  /** Only for text-bearing files: both succeeded and pdftotext found enough tokens. */
  readonly overlap?: WordOverlap;
}

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const mb = (bytes: number) => `${toMb(bytes).toFixed(1)} MB`;
const fixed = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
const size = (bytes: number) => (bytes >= 1024 * 1024 ? mb(bytes) : `${(bytes / 1024).toFixed(1)} KB`);
const tokenCounts = (tokens: readonly (readonly [string, number])[]) =>
  tokens
    .slice(0, 4)
    .map(([token, count]) => `${token}×${count}`)
    .join(' ');

/** Renders rows as left-aligned, space-padded columns. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

export function buildReport(m: Measurements): { text: string; json: unknown } {
  const rows: FileRow[] = m.corpus.map((file, index) => {
    const ours = m.ours.results[index]!;
    const reference = m.reference.results[index]!;
    const textBearing = !ours.failure && reference.exitCode === 0 && tokenize(reference.text).length >= MIN_REFERENCE_TOKENS;
    return { corpus: file, ours, reference, ...(textBearing ? { overlap: wordOverlap(reference.text, ours.text ?? '') } : {}) };
  });

  const ourSummary = summarizePass(
    rows.map((row) => ({ ms: row.ours.ms, pages: row.ours.pages, ok: !row.ours.failure })),
    m.ours.wallMs,
  );
  const referenceSummary = summarizePass(
    rows.map((row) => ({ ms: row.reference.ms, pages: row.reference.pages, ok: row.reference.exitCode === 0 })),
    m.reference.wallMs,
  );
  const throughputRatio = ourSummary.pagesPerSecond / referenceSummary.pagesPerSecond;
  const engineSummary = summarizePass(
    m.floor.engineTextPass.results.map((result) => ({ ms: result.ms, pages: result.pages, ok: !result.failed })),
    m.floor.engineTextPass.wallMs,
  );
  const pdftotextOneAtATimeSummary = summarizePass(
    m.floor.pdftotextOneAtATime.results.map((result) => ({ ms: result.ms, pages: result.pages, ok: result.exitCode === 0 })),
    m.floor.pdftotextOneAtATime.wallMs,
  );
  const floorRatio = engineSummary.pagesPerSecond / pdftotextOneAtATimeSummary.pagesPerSecond;
  const failuresByCode: Record<string, string[]> = {};
  for (const row of rows) {
    if (row.ours.failure) (failuresByCode[row.ours.failure] ??= []).push(row.corpus.file);
  }
  const pdftotextFailures = rows.filter((row) => row.reference.exitCode !== 0).map((row) => row.corpus.file);

  const scored = rows.filter((row): row is FileRow & { overlap: WordOverlap } => row.overlap !== undefined);
  const meanF1 = mean(scored.map((row) => row.overlap.f1));
  const meanRecall = mean(scored.map((row) => row.overlap.recall));
  const meanPrecision = mean(scored.map((row) => row.overlap.precision));
  const lowest = [...scored].sort((a, b) => a.overlap.f1 - b.overlap.f1).slice(0, LOWEST_FIDELITY_LISTED);
  const slowest = rows
    .filter((row) => !row.ours.failure)
    .sort((a, b) => b.ours.ms - a.ours.ms)
    .slice(0, SLOWEST_LISTED);

  // Scored whatever their length: they are short, and right-to-left order is what is measured.
  const arabic = ARABIC_FILES.map((file) => {
    const row = rows.find((candidate) => candidate.corpus.file === file);
    const both = row && !row.ours.failure && row.reference.exitCode === 0;
    return { file, f1: both ? wordOverlap(row.reference.text, row.ours.text ?? '').f1 : undefined };
  });
  const longFileCheck = m.hostile.find((check) => check.expectation === 'completes within the RSS target');
  const coldInitTarget = `cold init + 1 page ≤ ${TARGETS.coldInitMs} ms`;
  const longFileTarget = `2,000-page file peak RSS ≤ ${TARGETS.longFilePeakRssMb} MB`;
  const targets = [
    { target: `mean fidelity (F1) ≥ ${TARGETS.fidelity}`, actual: fixed(meanF1), pass: meanF1 >= TARGETS.fidelity },
    {
      target: `throughput ≥ ${TARGETS.throughputRatio}× pdftotext`,
      actual: `${fixed(throughputRatio, 3)}×`,
      pass: throughputRatio >= TARGETS.throughputRatio,
    },
    ...arabic.map(({ file, f1 }) => ({
      target: `${file} fidelity ≥ ${TARGETS.arabicFidelity}`,
      actual: f1 === undefined ? 'not scored' : fixed(f1),
      pass: f1 !== undefined && f1 >= TARGETS.arabicFidelity,
    })),
    {
      target: `deployment package ≤ ${mb(TARGETS.packageBytes)} unzipped (code + .wasm + assets)`,
      actual: `${mb(m.bundle.totalBytes)} (code ${mb(m.bundle.codeBytes)}, PDFium ${mb(m.bundle.engineBytes)})`,
      pass: m.bundle.totalBytes <= TARGETS.packageBytes,
    },
    m.coldInit
      ? {
          target: coldInitTarget,
          actual: ms(m.coldInit.asDeployed.medianMs),
          pass: m.coldInit.asDeployed.medianMs <= TARGETS.coldInitMs,
        }
      : { target: coldInitTarget, actual: 'not measured: file missing from the corpus', pass: false },
    longFileCheck
      ? {
          target: longFileTarget,
          actual: longFileCheck.result
            ? `${mb(longFileCheck.result.peakRssBytes)} (${longFileCheck.result.outcome})`
            : String(longFileCheck.error),
          pass: longFileCheck.pass,
        }
      : { target: longFileTarget, actual: 'not measured: file missing from the corpus', pass: false },
    ...m.hostile
      .filter((check) => check.expectation === 'FAILED with a code within 30 s')
      .map((check) => ({
        target: `${check.name}: FAILED within ${TARGETS.hostileFailWithinMs / 1000} s`,
        actual: check.result ? `${check.result.outcome} in ${ms(check.result.ms)}` : String(check.error),
        pass: check.pass,
      })),
  ];

  const text = [
    `pdf-pipeline extraction benchmark: ${m.corpus.length} PDFs from ${m.corpusDir}`,
    `parallelism ${m.parallel} for both passes (default: this machine's ${availableParallelism()} cores; ` +
      `a deployed prod instance, ${PRODUCTION_LIMITS.functionMemoryMb} MB, runs ${PRODUCTION_LIMITS.deployedPoolSize} worker)`,
    `ours = the deployed CDK bundle (pool + bundled extract-worker.mjs) in a plain node process, production limits: ` +
      `maxPages ${PRODUCTION_LIMITS.maxPages}, ${PRODUCTION_LIMITS.documentTimeoutMs / 1000} s per document, ` +
      `worker heap ${PRODUCTION_LIMITS.heapLimitMb} MB, RSS budget ${PRODUCTION_LIMITS.rssLimitMb} MB`,
    `${m.pdftotextVersion} (plain mode); Node ${process.version}; ${cpus()[0]?.model ?? 'unknown CPU'}; MB = 2^20 bytes`,
    '',
    table([
      ['', 'ours', 'pdftotext', 'ours/pdftotext'],
      ['files succeeded', `${ourSummary.filesSucceeded}/${m.corpus.length}`, `${referenceSummary.filesSucceeded}/${m.corpus.length}`, ''],
      ['pages extracted', String(ourSummary.pagesExtracted), String(referenceSummary.pagesExtracted), ''],
      ['wall time of pass', ms(ourSummary.wallMs), ms(referenceSummary.wallMs), `${fixed(ourSummary.wallMs / referenceSummary.wallMs, 1)}×`],
      ['pages/s', fixed(ourSummary.pagesPerSecond, 1), fixed(referenceSummary.pagesPerSecond, 1), `${fixed(throughputRatio, 3)}×`],
      ['per-file p50', ms(ourSummary.perFileP50Ms), ms(referenceSummary.perFileP50Ms), ''],
      ['per-file p95', ms(ourSummary.perFileP95Ms), ms(referenceSummary.perFileP95Ms), ''],
      ['peak RSS (sampled / kernel)', `${mb(m.ours.peakRssBytes)} / ${mb(m.ours.kernelMaxRssBytes)}`, '—', ''],
    ]),
    '',
    "the engine's own cost: PDFium's bare text pass (every page loaded and its text page built; no layout, tables,",
    'metadata, survey or bounds) against pdftotext, both one file at a time: no PDFium extractor is faster than this',
    table([
      ['', "PDFium's text pass", 'pdftotext', 'ratio'],
      ['  pages/s', fixed(engineSummary.pagesPerSecond, 1), fixed(pdftotextOneAtATimeSummary.pagesPerSecond, 1), `${fixed(floorRatio, 3)}×`],
    ]),
    '',
    `our failures by code: ${Object.entries(failuresByCode).map(([code, files]) => `${code} ${files.length}`).join(', ') || 'none'}`,
    ...Object.entries(failuresByCode).map(([code, files]) => `  ${code}: ${files.join(', ')}`),
    `pdftotext failures: ${pdftotextFailures.length} (${pdftotextFailures.join(', ') || 'none'})`,
    '',
    `fidelity: mean F1 ${fixed(meanF1)} (recall ${fixed(meanRecall)}, precision ${fixed(meanPrecision)}) ` +
      `over ${scored.length} text-bearing files (both succeed, pdftotext ≥ ${MIN_REFERENCE_TOKENS} tokens)`,
    '  multiset word overlap with pdftotext: NFKC, lower case, CJK one token per character (fidelity.definition in the JSON)',
    'lowest fidelity:',
    table([
      ['  file', 'F1', 'recall', 'precision', 'tokens pdftotext/ours', 'most missing', 'most extra'],
      ...lowest.map((row) => [
        `  ${row.corpus.file}`,
        fixed(row.overlap.f1),
        fixed(row.overlap.recall),
        fixed(row.overlap.precision),
        `${row.overlap.referenceTokens}/${row.overlap.candidateTokens}`,
        tokenCounts(row.overlap.mostMissing),
        tokenCounts(row.overlap.mostExtra),
      ]),
    ]),
    '',
    'slowest files (ours):',
    table([
      ['  file', 'pages', 'ours', 'ms/page', 'pdftotext', 'ours/pdftotext'],
      ...slowest.map((row) => [
        `  ${row.corpus.file}`,
        String(row.ours.pages),
        ms(row.ours.ms),
        fixed(row.ours.ms / Math.max(1, row.ours.pages), 1),
        ms(row.reference.ms),
        `${fixed(row.ours.ms / row.reference.ms, 1)}×`,
      ]),
    ]),
    '',
    'hostile checks (each alone in a fresh process, pool of the deployed size, production limits):',
    table([
      ['  check', 'file size', 'outcome', 'time', 'peak RSS', ''],
      ...m.hostile.map((check) => [
        `  ${check.name}`,
        size(check.fileBytes),
        check.result?.outcome ?? `error: ${check.error}`,
        check.result ? ms(check.result.ms) : '',
        check.result ? mb(check.result.peakRssBytes) : '',
        verdict(check.pass),
      ]),
    ]),
    '',
    `bundle: code ${mb(m.bundle.codeBytes)} (index.mjs ${mb(m.bundle.handlerBytes)} + extract-worker.mjs ${mb(m.bundle.workerBytes)}), ` +
      `PDFium ${mb(m.bundle.engineBytes)}, source maps ${mb(m.bundle.sourceMapBytes)}, asset dir total ${mb(m.bundle.totalBytes)}`,
    m.coldInit
      ? [
          `cold init (spawn → page 1 of ${m.coldInit.file} from the bundled worker), median of ${m.coldInit.asDeployed.runsMs.length}:`,
          `  as deployed (NODE_OPTIONS=${m.coldInit.asDeployed.nodeOptions || 'none'}): ${ms(m.coldInit.asDeployed.medianMs)} ` +
            `(${m.coldInit.asDeployed.runsMs.map((run) => Math.round(run)).join(', ')})`,
          `  without NODE_OPTIONS: ${ms(m.coldInit.withoutNodeOptions.medianMs)} ` +
            `(${m.coldInit.withoutNodeOptions.runsMs.map((run) => Math.round(run)).join(', ')}); ` +
            `a bare \`node -e\` takes ${ms(m.coldInit.bareNodeMedianMs)}`,
        ].join('\n')
      : 'cold init: not measured, the file is missing from the corpus',
    '',
    'targets (benchmark figures, not tests):',
    table([['  target', 'actual', ''], ...targets.map((t) => [`  ${t.target}`, t.actual, verdict(t.pass)])]),
  ].join('\n');

  const json = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model, node: process.version, platform: process.platform },
    corpus: { dir: m.corpusDir, files: m.corpus.length },
    parallelism: {
      value: m.parallel,
      default: `this machine's cores (os.availableParallelism() = ${availableParallelism()})`,
      deployedPoolSize: PRODUCTION_LIMITS.deployedPoolSize,
      note: 'Both passes run this many files at once; a deployed prod instance runs poolSizeForMemory(memoryMb) workers.',
    },
    productionLimits: PRODUCTION_LIMITS,
    pdftotext: { version: m.pdftotextVersion, command: 'pdftotext -enc UTF-8 <file> -' },
    throughput: {
      definition: 'pages of the files that succeeded / wall time of the whole pass; per-file percentiles are over every file',
      ours: {
        ...ourSummary,
        peakRssBytes: m.ours.peakRssBytes,
        kernelMaxRssBytes: m.ours.kernelMaxRssBytes,
        baselineRssBytes: m.ours.baselineRssBytes,
        measuredIn: 'a plain node process running the deployed bundle: the pool of pdf-extractor.ts with the bundled extract-worker.mjs',
      },
      pdftotext: referenceSummary,
      ratioOursToPdftotext: throughputRatio,
      engineFloor: {
        definition:
          "PDFium's own text pass (FPDF_LoadPage + FPDFText_LoadPage of every page, nothing else) and pdftotext, both one file at a time: " +
          'no extractor built on PDFium can beat this ratio on this corpus and machine',
        engineTextPass: engineSummary,
        pdftotextOneAtATime: pdftotextOneAtATimeSummary,
        ratio: floorRatio,
      },
    },
    failures: { oursByCode: failuresByCode, pdftotext: pdftotextFailures },
    fidelity: {
      definition: WORD_OVERLAP_DEFINITION,
      minReferenceTokens: MIN_REFERENCE_TOKENS,
      files: scored.length,
      meanF1,
      meanRecall,
      meanPrecision,
      lowest: lowest.map((row) => ({ file: row.corpus.file, kind: row.corpus.kind, ...row.overlap })),
    },
    slowest: slowest.map((row) => ({
      file: row.corpus.file,
      pages: row.ours.pages,
      oursMs: row.ours.ms,
      pdftotextMs: row.reference.ms,
    })),
    hostile: m.hostile.map((check) => ({ ...check, file: basename(check.file) })),
    bundle: m.bundle,
    coldInit: m.coldInit ?? null,
    targets,
    files: rows.map((row) => ({
      file: row.corpus.file,
      kind: row.corpus.kind,
      bytes: row.corpus.bytes,
      ours: {
        ms: row.ours.ms,
        pages: row.ours.pages,
        ...(row.ours.failure ? { failure: row.ours.failure, message: row.ours.failureMessage } : {}),
      },
      pdftotext: {
        ms: row.reference.ms,
        pages: row.reference.pages,
        exitCode: row.reference.exitCode,
        ...(row.reference.error ? { error: row.reference.error } : {}),
      },
      ...(row.overlap
        ? {
            fidelity: {
              f1: row.overlap.f1,
              recall: row.overlap.recall,
              precision: row.overlap.precision,
              referenceTokens: row.overlap.referenceTokens,
              ourTokens: row.overlap.candidateTokens,
            },
          }
        : {}),
    })),
  };
  return { text, json };
}
