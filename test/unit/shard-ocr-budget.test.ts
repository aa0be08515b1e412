import { describe, expect, it } from 'vitest';
import { ocrBudgetOfShard } from '../../lambdas/extract/shard-plan.js';

describe('ocrBudgetOfShard', () => {
  it.each([
    [20, 3],
    [5, 3],
    [2, 5],
    [0, 4],
    [17, 16],
  ])('splits a budget of %i over %i shards into shares that add up to it', (budget, count) => {
    // Act
    const shares = Array.from({ length: count }, (_, index) => ocrBudgetOfShard(budget, index, count));

    // Assert: whole pages, as even as they can be
    expect(shares.reduce((sum, share) => sum + share, 0)).toBe(budget);
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
  });

  it('gives a document read whole its whole budget', () => {
    expect(ocrBudgetOfShard(10, 0, 1)).toBe(10);
  });
});
