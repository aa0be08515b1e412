/**
 * The extractor as deployed: its real CDK bundle (esbuild, no Docker), how big it is, and how
 * long a fresh Node process takes to start its worker and extract a first page.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './measure.js';

/**
 * Builds the extractor's CDK asset into `outdir` and returns its directory. Synthesis runs in
 * a child process: the CDK app would otherwise stay in this process's memory, and its garbage
 * collection would compete with the cold-start runs that follow for the same cores.
 */
export function buildExtractorBundle(outdir: string): string {
  const synth = spawnSync(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./synth-extractor-bundle.ts', import.meta.url)), outdir],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const assetDir = synth.stdout.trim().split('\n').at(-1);
  if (synth.status !== 0 || !assetDir) {
    throw new Error(`CDK synthesis with bundling failed (exit code ${synth.status}):\n${synth.stderr}`);
  }
  return assetDir;
}

function directoryBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

export interface BundleSize {
  /** index.mjs + extract-worker.mjs: the code Node loads. */
  readonly codeBytes: number;
  readonly handlerBytes: number;
  readonly workerBytes: number;
  /** PDFium's WebAssembly module and licence under pdfium/. */
  readonly engineBytes: number;
  /** Source maps, shipped for readable stack traces (the function runs with --enable-source-maps). */
  readonly sourceMapBytes: number;
  /** Everything in the asset directory (what is zipped and deployed, before compression). */
  readonly totalBytes: number;
}

export function measureBundle(assetDir: string): BundleSize {
  const size = (file: string) => statSync(join(assetDir, file)).size;
  const handlerBytes = size('index.mjs');
  const workerBytes = size('extract-worker.mjs');
  const sourceMapBytes = readdirSync(assetDir)
    .filter((file) => file.endsWith('.map'))
    .reduce((sum, file) => sum + size(file), 0);
  return {
    codeBytes: handlerBytes + workerBytes,
    handlerBytes,
    workerBytes,
    engineBytes: directoryBytes(join(assetDir, 'pdfium')),
    sourceMapBytes,
    totalBytes: directoryBytes(assetDir),
  };
}

/**
 * Prints READY once the worker has delivered page 1 of the PDF; the parent times from spawn to
 * that line. CommonJS, because `--input-type=module` would be passed on to the worker, which
 * refuses it.
 */
const COLD_INIT_SCRIPT = `
const { readFileSync } = require('node:fs');
const { Worker } = require('node:worker_threads');
const [workerPath, pdfPath, maxPages] = process.argv.slice(1);
const worker = new Worker(workerPath);
worker.on('message', (message) => {
  if (message.type === 'page') process.stdout.write('READY\\n', () => process.exit(0));
  if (message.type === 'failed') { console.error(message.code, message.message); process.exit(3); }
});
worker.on('error', (error) => { console.error(error); process.exit(4); });
worker.postMessage({ type: 'extract', bytes: new Uint8Array(readFileSync(pdfPath)), maxPages: Number(maxPages) });
`;

/** The same measurement for a process that only starts and prints: Node's own share of the cold start. */
const BARE_NODE_SCRIPT = `process.stdout.write('READY\\n');`;

const COLD_RUN_LIMIT_MS = 30_000;

/** Milliseconds from spawning `node -e script args` to its READY line. */
function timeToReady(script: string, args: readonly string[], options: { cwd: string; nodeOptions: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(process.execPath, ['-e', script, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NODE_OPTIONS: options.nodeOptions },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let readyAt: number | undefined;
    let output = '';
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (readyAt === undefined && output.includes('READY')) readyAt = performance.now();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), COLD_RUN_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(killer);
      if (readyAt !== undefined) resolve(readyAt - startedAt);
      else reject(new Error(`The cold-start run exited with code ${exitCode} before its first page:\n${errors}`));
    });
  });
}

export interface ColdInitRuns {
  /** NODE_OPTIONS the runs had, e.g. the function's `--enable-source-maps`. */
  readonly nodeOptions: string;
  readonly runsMs: readonly number[];
  readonly medianMs: number;
}

/**
 * Cold init: a fresh `node` process (this Node binary) starts the bundled `extract-worker.mjs`
 * as a worker thread and extracts page 1 of `pdfPath`; timed from spawn to the page result.
 * Runs from inside the asset directory, with no node_modules above it.
 */
export async function measureColdInit(
  assetDir: string,
  pdfPath: string,
  options: { runs: number; maxPages: number; nodeOptions: string },
): Promise<ColdInitRuns> {
  const args = [join(assetDir, 'extract-worker.mjs'), pdfPath, String(options.maxPages)];
  const runsMs: number[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    runsMs.push(await timeToReady(COLD_INIT_SCRIPT, args, { cwd: assetDir, nodeOptions: options.nodeOptions }));
  }
  return { nodeOptions: options.nodeOptions, runsMs, medianMs: median(runsMs) };
}

/** Median time for a bare `node -e` to start and print: Node's own share of a cold start. */
export async function measureBareNode(runs: number): Promise<number> {
  const runsMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    runsMs.push(await timeToReady(BARE_NODE_SCRIPT, [], { cwd: process.cwd(), nodeOptions: '' }));
  }
  return median(runsMs);
}
