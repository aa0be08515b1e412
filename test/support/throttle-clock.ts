/**
 * A clock for the local stage throttle (`LocalApiOverrides.throttleClock`) that the test owns, so
 * that whether a request is throttled never depends on how fast the machine sends requests: each
 * reading is a second after the previous one (time enough to refill the whole bucket of a stage
 * whose rate is at least its burst per second, so nothing is throttled), until a test holds it
 * still; the bucket then drains and is refilled by nothing.
 */
export class ThrottleClock {
  private time = 0;
  private held = false;

  /** The clock, to hand to the runtime. */
  readonly now = (): number => (this.held ? this.time : (this.time += this.stepMs));

  /** @param stepMs how far each reading moves while the clock runs: enough to refill the bucket. */
  constructor(private readonly stepMs = 1_000) {}

  /** From now on time stands still: the next request finds the bucket full, then it drains. */
  hold(): void {
    this.time += this.stepMs;
    this.held = true;
  }

  release(): void {
    this.held = false;
  }
}
