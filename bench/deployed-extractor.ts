/**
 * Our extractor as deployed: a copy of the CDK asset with the benchmark's extraction runner
 * bundled beside its worker, run in fresh `node` processes.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { FloorRequest, FloorResponse } from './engine-floor-runner.js';
import type { RunnerFileResult, RunnerRequest, RunnerResponse } from './extraction-runner.js';

const RUNNER_FILE = 'extraction-runner.mjs';
const FLOOR_RUNNER_FILE = 'engine-floor-runner.mjs';

/**
 * Copies the asset to `runtimeDir` (so the measured asset stays as built) and bundles the
 * runners into it, where the pool finds `extract-worker.mjs` beside its own module and every
 * runner finds PDFium's `.wasm` under `pdfium/`.
 */
export async function prepareRuntime(assetDir: string, runtimeDir: string): Promise<void> {
  cpSync(assetDir, runtimeDir, { recursive: true });
  for (const [entry, outfile] of [
    ['./extraction-runner.ts', RUNNER_FILE],
    ['./engine-floor-runner.ts', FLOOR_RUNNER_FILE],
  ] as const) {
    await build({
      entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
      outfile: join(runtimeDir, outfile),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      logLevel: 'warning',
    });
  }
}

export interface DeployedRun extends Omit<RunnerResponse, 'results'> {
  readonly results: readonly (RunnerFileResult & { readonly text?: string })[];
}

/**
 * Runs one of the bundled runners in a fresh `node` process on `request`, killed after
 * `hardLimitMs`, and returns its response.
 */
function runRunner<Request, Response>(
  runtimeDir: string,
  runnerFile: string,
  runDir: string,
  request: Request,
  hardLimitMs: number,
): Promise<Response> {
  const requestPath = join(runDir, 'request.json');
  const responsePath = join(runDir, 'response.json');
  writeFileSync(requestPath, JSON.stringify(request));

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(runtimeDir, runnerFile), requestPath, responsePath], {
      cwd: runtimeDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // Warnings go here; they are shown only if the run fails.
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString('utf8')).slice(-4000);
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), hardLimitMs);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(killer);
      if (exitCode !== 0) {
        reject(new Error(`${runnerFile} ended with ${signal ?? `exit code ${exitCode}`}:\n${errors.trim()}`));
        return;
      }
      resolve(JSON.parse(readFileSync(responsePath, 'utf8')) as Response);
    });
  });
}

function newRunDir(scratchDir: string): string {
  const runDir = join(scratchDir, `run-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(runDir, { recursive: true });
  return runDir;
}

/**
 * Extracts `files` in a fresh process, `parallel` at a time with a pool of that size; texts are
 * returned when `withText`. The process is killed after `hardLimitMs`.
 */
export async function runDeployedExtractor(
  runtimeDir: string,
  scratchDir: string,
  files: readonly string[],
  options: { parallel: number; withText: boolean; hardLimitMs: number },
): Promise<DeployedRun> {
  const runDir = newRunDir(scratchDir);
  const textDir = join(runDir, 'text');
  mkdirSync(textDir);
  const request: RunnerRequest = { files, parallel: options.parallel, ...(options.withText ? { textDir } : {}) };
  const response = await runRunner<RunnerRequest, RunnerResponse>(runtimeDir, RUNNER_FILE, runDir, request, options.hardLimitMs);
  const results = response.results.map((result, index) =>
    options.withText && !result.failure ? { ...result, text: readFileSync(join(textDir, `${index}.txt`), 'utf8') } : result,
  );
  return { ...response, results };
}

/** PDFium's bare text pass over `files`, one after another, in a fresh process (see engine-floor-runner.ts). */
export function runEngineFloor(runtimeDir: string, scratchDir: string, files: readonly string[], hardLimitMs: number): Promise<FloorResponse> {
  return runRunner<FloorRequest, FloorResponse>(runtimeDir, FLOOR_RUNNER_FILE, newRunDir(scratchDir), { files }, hardLimitMs);
}
