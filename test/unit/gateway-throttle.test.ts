import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../local/gateway/server.js';

/** Takes `count` tokens and says how many were granted. */
const takeMany = (bucket: TokenBucket, count: number) => Array.from({ length: count }, () => bucket.take()).filter(Boolean).length;

describe('TokenBucket (the local stage throttle)', () => {
  it('grants the burst at once, then nothing until time passes', () => {
    // Arrange
    const bucket = new TokenBucket(10, 5, () => 0);

    // Act & Assert
    expect(takeMany(bucket, 8)).toBe(5);
  });

  it('refills at the rate per second, never past the burst', () => {
    // Arrange
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    takeMany(bucket, 5);

    // Act
    now += 300; // three tokens' worth
    const afterShortWait = takeMany(bucket, 5);
    now += 60_000; // far more than the burst's worth
    const afterLongWait = takeMany(bucket, 10);

    // Assert
    expect(afterShortWait).toBe(3);
    expect(afterLongWait).toBe(5);
  });
});
