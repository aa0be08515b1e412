import { describe, expect, it } from 'vitest';
import { DEFAULT_MOVE_RATE, formatPlan, MAX_MOVE_RATE, planRedrive, RateLimiter } from '../../cli/commands/redrive.js';

describe('planRedrive', () => {
  it('uses an SQS message move task on AWS and the receive-send-delete loop locally', () => {
    expect(planRedrive({ kind: 'aws', messages: 3 }).strategy).toBe('move-task');
    expect(planRedrive({ kind: 'local', messages: 3 }).strategy).toBe('receive-send-delete');
  });

  it('moves at a bounded rate by default, and never faster than SQS allows', () => {
    expect(planRedrive({ kind: 'aws', messages: 1 }).maxPerSecond).toBe(DEFAULT_MOVE_RATE);
    expect(planRedrive({ kind: 'aws', messages: 1, maxPerSecond: 10_000 }).maxPerSecond).toBe(MAX_MOVE_RATE);
    expect(planRedrive({ kind: 'local', messages: 1, maxPerSecond: 0.5 }).maxPerSecond).toBe(1);
    expect(() => planRedrive({ kind: 'local', messages: 1, maxPerSecond: 0 })).toThrow(/positive/);
  });

  it('estimates the time from the rate', () => {
    expect(planRedrive({ kind: 'aws', messages: 95, maxPerSecond: 10 }).estimatedSeconds).toBe(10);
    expect(planRedrive({ kind: 'aws', messages: 0 }).estimatedSeconds).toBe(0);
  });

  it('says what a dry run would do, and that an empty DLQ needs nothing', () => {
    expect(formatPlan(planRedrive({ kind: 'local', messages: 4, maxPerSecond: 2, dryRun: true }), 'bulk')).toBe(
      "Would move 4 message(s) back to the bulk lane's extraction queue by receive, send and delete, at most 2/s (at least 2 s).",
    );
    expect(formatPlan(planRedrive({ kind: 'aws', messages: 0 }), 'interactive')).toBe('Nothing to redrive in the interactive lane.');
  });
});

describe('RateLimiter', () => {
  /** A clock that only moves when the limiter sleeps. */
  function fakeTime() {
    let now = 0;
    const sleeps: number[] = [];
    return {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
      sleeps,
      elapsed: () => now,
    };
  }

  it('lets a first burst of one second’s worth through at once, then keeps to the rate', async () => {
    // Arrange
    const time = fakeTime();
    const limiter = new RateLimiter(5, time.now, time.sleep);

    // Act: 25 messages in batches of 5 at 5/s.
    for (let batch = 0; batch < 5; batch += 1) await limiter.take(5);

    // Assert: the first 5 at once, the other 20 over 4 seconds.
    expect(time.elapsed()).toBe(4000);
  });

  it('never lets more through than the rate allows: a second’s worth at once, then the rate', async () => {
    // Arrange
    const time = fakeTime();
    const limiter = new RateLimiter(10, time.now, time.sleep);
    const sentAt: number[] = [];

    // Act
    for (let index = 0; index < 100; index += 1) {
      await limiter.take(3);
      sentAt.push(time.now());
    }

    // Assert: by any time t, at most 10 × (t + 1 s) messages have gone.
    sentAt.forEach((at, index) => expect((index + 1) * 3).toBeLessThanOrEqual(10 * (at / 1000 + 1)));
    expect(time.elapsed()).toBeGreaterThanOrEqual(((100 * 3 - 10) / 10) * 1000);
  });

  it('refuses a batch larger than a second’s worth, which could never pass', async () => {
    await expect(new RateLimiter(2).take(3)).rejects.toThrow(/Cannot take 3/);
  });
});
