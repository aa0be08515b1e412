/**
 * When a failed delivery is tried again: exponential backoff with jitter, spread over hours so
 * an endpoint that is down for a deploy or an afternoon still gets its messages, then given up.
 *
 * With the defaults the waits are about 30 s, 2 min, 8 min, 32 min, 2 h 8 min, 6 h and 6 h: eight
 * attempts over roughly 15 hours. Each wait fits SQS's longest visibility timeout (12 hours), which
 * is how the delivery function waits (see `lambdas/webhooks/handler.ts`).
 */

export interface RetrySchedule {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** The wait after the first failure, in seconds. */
  readonly baseDelaySeconds: number;
  /** Each wait is this many times the one before. */
  readonly factor: number;
  /** No wait is longer, in seconds (SQS: at most 43,200). */
  readonly maxDelaySeconds: number;
  /**
   * Share of each wait that is random, 0–1: the wait is drawn from [(1 - jitter) × d, d], so
   * endpoints that failed together are not retried together.
   */
  readonly jitter: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  maxAttempts: 8,
  baseDelaySeconds: 30,
  factor: 4,
  maxDelaySeconds: 6 * 60 * 60,
  jitter: 0.2,
};

/** SQS's longest visibility timeout, which bounds one wait. */
export const MAX_SQS_VISIBILITY_SECONDS = 12 * 60 * 60;

/**
 * The wait before attempt `failedAttempts + 1`, in whole seconds, or undefined when the schedule
 * is used up. `random` returns [0, 1) (Math.random; tests pass a fixed one).
 */
export function retryDelaySeconds(
  failedAttempts: number,
  random: () => number,
  schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE,
): number | undefined {
  if (failedAttempts < 1 || failedAttempts >= schedule.maxAttempts) return undefined;
  const nominal = Math.min(schedule.baseDelaySeconds * schedule.factor ** (failedAttempts - 1), schedule.maxDelaySeconds);
  const delay = nominal * (1 - schedule.jitter * random());
  return Math.max(1, Math.min(Math.round(delay), MAX_SQS_VISIBILITY_SECONDS));
}

/** The longest a message can take from its first attempt to its last, in seconds (no jitter). */
export function scheduleSpanSeconds(schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE): number {
  let total = 0;
  for (let failed = 1; failed < schedule.maxAttempts; failed += 1) total += retryDelaySeconds(failed, () => 0, schedule) ?? 0;
  return total;
}
