/**
 * Runs our extraction pool over a list of PDFs and writes timings and memory to a JSON file.
 *
 * It is not run from source: deployed-extractor.ts bundles it with esbuild into a copy of the
 * deployed asset, so the pool starts the real bundled `extract-worker.mjs` beside it, in a
 * plain `node` process like the function's (no tsx, nothing from node_modules). Its memory is
 * then the deployed extractor's, not the benchmark's.
 *
 * Usage: node extraction-runner.mjs <request.json> <response.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kernelMaxRssBytes, mapWithParallelism, PeakRssSampler } from './measure.js';
import { extractWithPool, productionPool } from './our-extractor.js';

export interface RunnerRequest {
  readonly files: readonly string[];
  /** Files extracted at once; also the pool's size. */
  readonly parallel: number;
  /** Where each file's text goes, as `<index>.txt`, as soon as it is extracted; none when unset. */
  readonly textDir?: string;
}

export interface RunnerFileResult {
  readonly ms: number;
  readonly pages: number;
  readonly failure?: string;
  readonly failureMessage?: string;
}

export interface RunnerResponse {
  readonly results: readonly RunnerFileResult[];
  /** From the first file's start to the last file's end. */
  readonly wallMs: number;
  /** Highest RSS of the process (the pool's workers are its threads), sampled every 50 ms. */
  readonly peakRssBytes: number;
  /** The kernel's high-water mark for the process, a cross-check of the sampling. */
  readonly kernelMaxRssBytes: number;
  /** RSS before the first extraction (Node and the pool, no worker started yet). */
  readonly baselineRssBytes: number;
}

const [requestPath, responsePath] = process.argv.slice(2);
if (!requestPath || !responsePath) {
  console.error('Usage: node extraction-runner.mjs <request.json> <response.json>');
  process.exit(2);
}
const request = JSON.parse(readFileSync(requestPath, 'utf8')) as RunnerRequest;
const { textDir } = request;

const pool = productionPool(request.parallel);
const baselineRssBytes = process.memoryUsage.rss();
const sampler = new PeakRssSampler().start();
const startedAt = performance.now();
const results = await mapWithParallelism(
  request.files.map((file, index) => ({ file, index })),
  request.parallel,
  async ({ file, index }): Promise<RunnerFileResult> => {
    const { text, ...result } = await extractWithPool(pool, new Uint8Array(await readFile(file)), {
      keepText: textDir !== undefined,
    });
    // Written out at once, so texts do not pile up in the memory being measured.
    if (textDir !== undefined) writeFileSync(join(textDir, `${index}.txt`), text);
    return result;
  },
);
const wallMs = performance.now() - startedAt;
const peakRssBytes = sampler.stop();

const response: RunnerResponse = { results, wallMs, peakRssBytes, kernelMaxRssBytes: kernelMaxRssBytes(), baselineRssBytes };
writeFileSync(responsePath, JSON.stringify(response));
// Exit without waiting for the pool: a worker stopped mid-bomb may take a while to wind down.
process.exit(0);
