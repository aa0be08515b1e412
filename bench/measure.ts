/** Small measuring helpers shared by the benchmark passes. */

/**
 * Runs `task` over `items` with at most `parallelism` in flight, keeping input order in the
 * result. A task starts only when a slot is free, so its own timing never includes queueing.
 */
export async function mapWithParallelism<T, R>(
  items: readonly T[],
  parallelism: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, items.length) }, lane));
  return results;
}

/** Nearest-rank percentile (p in 0–100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

export const toMb = (bytes: number) => bytes / (1024 * 1024);

const RSS_SAMPLE_INTERVAL_MS = 50;

/**
 * Highest resident memory of this process seen while it runs. Worker threads share the
 * process, so their memory (heaps and off-heap buffers such as inflated streams) is included.
 */
export class PeakRssSampler {
  private peakBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), RSS_SAMPLE_INTERVAL_MS);
    return this;
  }

  /** Stops sampling and returns the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakBytes;
  }

  private sample(): void {
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage.rss());
  }
}

/** The kernel's own high-water mark of this process's resident memory, in bytes. */
export const kernelMaxRssBytes = () => process.resourceUsage().maxRSS * 1024;
