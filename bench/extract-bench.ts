/**
 * Extraction benchmark: our extractor against poppler's pdftotext over the shared corpus, the
 * deployed bundle's size and cold start, and bounded hostile checks, each shown against its
 * target. Figures, not tests: the run succeeds whatever they are.
 *
 * Our extractor runs as deployed: the CDK bundle is built first, and the pool runs the bundled
 * worker in a plain node process (see extraction-runner.ts), so the figures are the artifact's.
 *
 * Usage: tsx bench/extract-bench.ts [--corpus DIR] [--parallel N] [--out FILE]
 *   --corpus    PDFs to measure (default ../shared/corpus)
 *   --parallel  files at once, in both passes (default: this machine's cores)
 *   --out       JSON report (default reports/bench.json)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildExtractorBundle, measureBareNode, measureBundle, measureColdInit } from './bundle.js';
import { listCorpus, type CorpusFile } from './corpus.js';
import { prepareRuntime, runDeployedExtractor, runEngineFloor } from './deployed-extractor.js';
import { runHostileChecks } from './hostile-checks.js';
import { mapWithParallelism } from './measure.js';
import { PRODUCTION_LIMITS, PRODUCTION_NODE_OPTIONS } from './our-extractor.js';
import { pdftotext, requirePdftotext } from './pdftotext.js';
import { buildReport } from './report.js';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COLD_INIT_FILE = '076-small-simple1.pdf';
const COLD_INIT_RUNS = 3;
const LONG_FILE = '901-synthetic-2000pages-text.pdf';
/** Our corpus pass is killed after this; it takes well under a minute on two cores. */
const CORPUS_PASS_HARD_LIMIT_MS = 15 * 60_000;

interface Options {
  readonly corpusDir: string;
  readonly parallel: number;
  readonly outFile: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: { corpus: { type: 'string' }, parallel: { type: 'string' }, out: { type: 'string' } },
  });
  const parallel = values.parallel === undefined ? availableParallelism() : Number(values.parallel);
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new Error(`--parallel must be a positive integer, not ${values.parallel}`);
  }
  return {
    corpusDir: values.corpus ? resolve(values.corpus) : resolve(PROJECT_ROOT, '../shared/corpus'),
    parallel,
    outFile: values.out ? resolve(values.out) : join(PROJECT_ROOT, 'reports/bench.json'),
  };
}

async function runPdftotextPass(files: readonly CorpusFile[], parallel: number) {
  const startedAt = performance.now();
  const results = await mapWithParallelism(files, parallel, (file) => pdftotext(file.path));
  return { results, wallMs: performance.now() - startedAt };
}

/** Cold starts as deployed (the function's NODE_OPTIONS) and without NODE_OPTIONS, to show their cost. */
async function measureColdStarts(assetDir: string, pdfPath: string) {
  const runs = (nodeOptions: string) =>
    measureColdInit(assetDir, pdfPath, { runs: COLD_INIT_RUNS, maxPages: PRODUCTION_LIMITS.maxPages, nodeOptions });
  return {
    file: COLD_INIT_FILE,
    asDeployed: await runs(PRODUCTION_NODE_OPTIONS),
    withoutNodeOptions: await runs(''),
    bareNodeMedianMs: await measureBareNode(COLD_INIT_RUNS),
  };
}

const progress = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const options = parseOptions();
  const pdftotextVersion = requirePdftotext();
  const corpus = listCorpus(options.corpusDir);
  if (corpus.length === 0) throw new Error(`No PDFs in ${options.corpusDir}`);
  const scratchDir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-bench-'));

  try {
    progress('Building the CDK bundle (synth with esbuild)…');
    const assetDir = buildExtractorBundle(join(scratchDir, 'cdk.out'));
    const bundle = measureBundle(assetDir);
    const runtimeDir = join(scratchDir, 'runtime');
    await prepareRuntime(assetDir, runtimeDir);

    progress(`Our extractor over ${corpus.length} PDFs, ${options.parallel} at a time…`);
    const ours = await runDeployedExtractor(
      runtimeDir,
      scratchDir,
      corpus.map((file) => file.path),
      { parallel: options.parallel, withText: true, hardLimitMs: CORPUS_PASS_HARD_LIMIT_MS },
    );
    progress(`pdftotext over the same files, ${options.parallel} at a time…`);
    const reference = await runPdftotextPass(corpus, options.parallel);

    progress("PDFium's bare text pass and pdftotext, one file at a time (the floor of a PDFium extractor)…");
    const floor = {
      engineTextPass: await runEngineFloor(runtimeDir, scratchDir, corpus.map((file) => file.path), CORPUS_PASS_HARD_LIMIT_MS),
      pdftotextOneAtATime: await runPdftotextPass(corpus, 1),
    };

    progress('Hostile checks, each alone in a fresh process…');
    const hostile = await runHostileChecks(
      corpus.find((file) => file.file === LONG_FILE),
      runtimeDir,
      scratchDir,
    );

    progress('Cold starts of the bundled worker…');
    const coldInitFile = corpus.find((file) => file.file === COLD_INIT_FILE);
    const coldInit = coldInitFile ? await measureColdStarts(assetDir, coldInitFile.path) : undefined;

    const report = buildReport({
      corpusDir: options.corpusDir,
      parallel: options.parallel,
      pdftotextVersion,
      corpus,
      ours,
      reference,
      floor,
      hostile,
      bundle,
      ...(coldInit ? { coldInit } : {}),
    });
    mkdirSync(dirname(options.outFile), { recursive: true });
    writeFileSync(options.outFile, `${JSON.stringify(report.json, null, 2)}\n`);
    console.log(report.text);
    console.log(`\nWrote ${options.outFile}`);
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

await main();
