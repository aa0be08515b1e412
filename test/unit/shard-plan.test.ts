import { describe, expect, it } from 'vitest';
import { planShards, type ShardSettings } from '../../lambdas/extract/shard-plan.js';

const settings: ShardSettings = { pagesPerShard: 100, ocrPageWeight: 50, maxShardsPerDocument: 8 };

describe('planShards', () => {
  it('keeps a document that fits one shard whole', () => {
    expect(planShards(100, 0, settings)).toEqual([{ first: 1, last: 100 }]);
    expect(planShards(1, 0, settings)).toEqual([{ first: 1, last: 1 }]);
  });

  it('splits a long text document into contiguous ranges that cover every page once', () => {
    const ranges = planShards(350, 0, settings);

    expect(ranges).toEqual([
      { first: 1, last: 87 },
      { first: 88, last: 175 },
      { first: 176, last: 262 },
      { first: 263, last: 350 },
    ]);
  });

  it('weighs pages that need OCR: a scanned document is split into far smaller ranges', () => {
    // 100 text pages a shard, an OCR page weighs 50: two scanned pages a shard.
    expect(planShards(6, 1, settings)).toEqual([
      { first: 1, last: 2 },
      { first: 3, last: 4 },
      { first: 5, last: 6 },
    ]);
    // Half the sampled pages scanned: each page weighs 25.5, three pages a shard.
    expect(planShards(6, 0.5, settings)).toHaveLength(2);
  });

  it('never plans more shards than a document may have, widening the ranges instead', () => {
    const ranges = planShards(2000, 1, settings);

    expect(ranges).toHaveLength(8);
    expect(ranges[0]).toEqual({ first: 1, last: 250 });
    expect(ranges.at(-1)).toEqual({ first: 1751, last: 2000 });
  });

  it('plans nothing for a document without pages and ignores a share outside 0–1', () => {
    expect(planShards(0, 0, settings)).toEqual([]);
    expect(planShards(150, Number.NaN, settings)).toHaveLength(2);
    expect(planShards(150, 7, settings)).toEqual(planShards(150, 1, settings));
  });
});
