/**
 * How much OCR one extraction worker runs at once, and how fast it may call Textract: pure
 * rules shared by the function (at start) and the config (at synth).
 */

/** Lambda gives one vCPU per 1,769 MB of memory (and shows the next whole core). */
const MB_PER_VCPU = 1769;
/** An OCR thread's peak memory: the bench keeps it at or under 600 MB whatever the page. */
export const OCR_THREAD_PEAK_MB = 600;
/** What a process and an extraction worker with PDFium hold before any OCR thread. */
const BASE_PROCESS_MB = 400;
/** The share of the function's memory the process may use (the handler's RSS budget). */
const RSS_SHARE = 0.9;

/**
 * Pages of one document an extraction worker recognises at once: the CPU Lambda gives the
 * function (memory / 1,769 MB of a vCPU, rounded) shared among the pool's workers, and no more
 * threads than memory holds at their peak. At least one. A 5-page scan on prod's 3,008 MB
 * (1.7 vCPU, one pool worker) reads two pages at a time; dev's 2,048 MB (1.16 vCPU) one.
 */
export function ocrParallelPages(memoryMb: number, poolSize: number, cores: number): number {
  const workers = Math.max(1, poolSize);
  const vcpus = Math.min(Math.max(1, cores), Math.max(1, Math.round(memoryMb / MB_PER_VCPU)));
  const byCpu = Math.floor(vcpus / workers);
  const byMemory = Math.floor((memoryMb * RSS_SHARE - BASE_PROCESS_MB) / OCR_THREAD_PEAK_MB / workers);
  return Math.max(1, Math.min(byCpu, byMemory));
}

/** Pool workers a function of `memoryMb` runs at most (the pool takes fewer on fewer cores). */
export function maxPoolWorkers(memoryMb: number): number {
  return Math.max(1, Math.floor(memoryMb / MB_PER_VCPU));
}

/**
 * Least milliseconds between the starts of one worker's Textract requests, so that every
 * worker of every execution environment together stays within `tps` requests a second:
 * `environments × workers per environment / tps` seconds. Throttling is still retried, but
 * only as a backstop (other callers in the account share the quota).
 */
export function textractRequestIntervalMs(tps: number, environments: number, workersPerEnvironment: number): number {
  if (!(tps > 0)) throw new RangeError(`A Textract quota must be above 0 requests a second: got ${tps}`);
  return Math.ceil((1000 * Math.max(1, environments) * Math.max(1, workersPerEnvironment)) / tps);
}
