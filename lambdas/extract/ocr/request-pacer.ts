/**
 * Keeps one caller's requests to a rate: each request starts at least `intervalMs` after the
 * one before it, however many are waiting. With every extraction worker of every execution
 * environment paced alike, the account's requests per second stay within
 * (environments × workers) / interval, which the config sets to the service's quota (see
 * `textractRequestIntervalMs` in lib/config.ts).
 */
export interface PacerClock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class RequestPacer {
  /** When the next request may start. */
  private nextStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number,
    private readonly clock: PacerClock = realClock,
  ) {
    if (!(intervalMs >= 0 && Number.isFinite(intervalMs))) throw new RangeError(`A request interval must be 0 ms or more: got ${intervalMs}`);
  }

  /** Resolves when the caller may send its request; reserves that slot at once. */
  async turn(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const now = this.clock.now();
    // Slots are taken in call order, before waiting, so concurrent callers never share one.
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + this.intervalMs;
    if (start > now) await this.clock.sleep(start - now);
    signal?.throwIfAborted();
  }
}
