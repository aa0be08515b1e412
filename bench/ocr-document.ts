/**
 * OCR bench figures beyond one page at a time: a scanned document read the way the function
 * reads it (pages spread over the OCR threads one extraction worker gets, from a cold start),
 * and the OCR worker's memory on the largest page the pixel cap lets through.
 */
import { OcrEnginePool } from '../lambdas/extract/ocr/ocr-engines.js';
import { ocrParallelPages } from '../lambdas/extract/ocr/ocr-sizing.js';
import { TesseractEngine } from '../lambdas/extract/ocr/tesseract-engine.js';
import { poolSizeForMemory } from '../lambdas/extract/pdf-extractor.js';
import { planShards } from '../lambdas/extract/shard-plan.js';
import { CONFIGS } from '../lib/config.js';
import type { RenderedPage } from '../test/support/pdfium-render.js';

/** Lambda's CPU share: one vCPU's worth of time per 1,769 MB. */
const MB_PER_VCPU = 1769;

export interface DocumentRun {
  readonly pages: number;
  readonly ocrThreads: number;
  /** Start of the OCR threads to the last page read, on this machine. */
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

/**
 * Reads `pages` as one document on `threads` OCR threads started cold, as an extraction worker
 * does for a document's first scanned page.
 */
export async function readDocument(pages: readonly RenderedPage[], threads: number): Promise<DocumentRun> {
  const pool = new OcrEnginePool(() => new TesseractEngine({ languages: ['eng'] }), threads);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    await Promise.all(pages.map((page) => pool.recognise(page.image, page.page)));
  } finally {
    await pool.close();
  }
  const cpu = process.cpuUsage(cpu0);
  return { pages: pages.length, ocrThreads: threads, wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/**
 * What prod's function would take for the same document: its OCR threads
 * (`ocrParallelPages`) sharing its CPU share (memory / 1,769 MB of a vCPU), with this
 * machine's CPU seconds per page and worker start. Pages go in rounds of `threads`; a round
 * takes as long as its pages need of the share, or one page's time on a whole core.
 */
export function prodEstimate(pages: number, cpuSecondsPerPage: number, startSeconds: number) {
  const { memoryMb } = CONFIGS.prod.extraction;
  const cores = Math.ceil(memoryMb / MB_PER_VCPU);
  const threads = ocrParallelPages(memoryMb, poolSizeForMemoryOn(memoryMb, cores), cores);
  const share = memoryMb / MB_PER_VCPU;
  let seconds = startSeconds;
  for (let left = pages; left > 0; left -= threads) {
    const inRound = Math.min(threads, left);
    seconds += Math.max(cpuSecondsPerPage, (inRound * cpuSecondsPerPage) / share);
  }
  return { memoryMb, vcpuShare: Math.round(share * 100) / 100, ocrThreads: threads, seconds: Math.round(seconds * 100) / 100 };
}

/** What the planning invocation takes before its own pages: the event, the download, the bomb check, the first pages' text (docs/extraction.md's latency model). */
const PLAN_SECONDS = 1;
/** What a shard invocation takes besides its pages: a start, the download, opening the PDF. */
const SHARD_OVERHEAD_SECONDS = 0.5;

/**
 * What prod takes for a scan of `pages` as deployed: split into page-range shards by prod's
 * shard plan (every page needing OCR), the planning invocation reading the first while the
 * interactive lane's shard concurrency reads the rest (`t_plan + t_shard × ⌈n ÷ (c + 1)⌉`), each
 * shard's pages on its own function's OCR threads from a cold OCR worker.
 */
export function prodShardedEstimate(pages: number, cpuSecondsPerPage: number, startSeconds: number) {
  const { sharding } = CONFIGS.prod.extraction;
  const shards = planShards(pages, 1, sharding);
  const concurrency = sharding.maxConcurrency.interactive;
  const largestShard = Math.max(...shards.map((range) => range.last - range.first + 1));
  const shardSeconds = SHARD_OVERHEAD_SECONDS + prodEstimate(largestShard, cpuSecondsPerPage, startSeconds).seconds;
  const rounds = Math.ceil(shards.length / (concurrency + 1));
  return { shards: shards.length, pagesPerShard: largestShard, concurrency, seconds: Math.round((PLAN_SECONDS + shardSeconds * rounds) * 100) / 100 };
}

/** The pool size the function picks on a machine of `cores` cores. */
function poolSizeForMemoryOn(memoryMb: number, cores: number): number {
  return Math.min(poolSizeForMemory(memoryMb), cores);
}

export interface LargestPageRun {
  readonly pixels: string;
  readonly dpi: number;
  /** The OCR worker's peak resident memory: the process's peak less what it held before the worker. */
  readonly workerPeakRssMb: number;
  readonly workersStartedAfterNextPage: number;
  readonly words: number;
}

/**
 * The largest page the pixel cap lets through (a 2160-pt page asked for at 300 DPI), read by a
 * fresh engine, then a small page: the worker's peak memory on it, and whether the engine
 * replaced a worker that grew past its budget.
 */
export async function readLargestPage(large: RenderedPage, small: RenderedPage): Promise<LargestPageRun> {
  const engine = new TesseractEngine({ languages: ['eng'] });
  // The baseline is taken before the worker starts: the figure is the whole worker's.
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 25);
  await engine.warm();
  try {
    const result = await engine.recognise(large.image, large.page);
    await engine.recognise(small.image, small.page);
    return {
      pixels: `${large.image.width}×${large.image.height}`,
      dpi: Math.round(large.dpi),
      workerPeakRssMb: Math.round((peak - baseline) / 1_048_576),
      workersStartedAfterNextPage: engine.workersStarted,
      words: result.text.split(/\s+/).filter(Boolean).length,
    };
  } finally {
    clearInterval(sampler);
    await engine.close();
  }
}
