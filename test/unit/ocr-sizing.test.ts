import { describe, expect, it } from 'vitest';
import { maxPoolWorkers, ocrParallelPages, textractRequestIntervalMs } from '../../lambdas/extract/ocr/ocr-sizing.js';

describe('ocrParallelPages', () => {
  it("reads two pages at once on prod's 3,008 MB (1.7 vCPU, one pool worker)", () => {
    expect(ocrParallelPages(3008, 1, 2)).toBe(2);
  });

  it("reads one page at a time on dev's 2,048 MB, little more than one vCPU", () => {
    expect(ocrParallelPages(2048, 1, 2)).toBe(1);
  });

  it('shares the cores among the pool workers', () => {
    // 10,240 MB: six cores, five workers
    expect(ocrParallelPages(10_240, 5, 6)).toBe(1);
    expect(ocrParallelPages(10_240, 2, 6)).toBe(3);
  });

  it('runs no more OCR threads than memory holds at their peak', () => {
    // 1,024 MB leaves room for one
    expect(ocrParallelPages(1024, 1, 8)).toBe(1);
  });

  it('never runs fewer than one, nor more than the machine has cores', () => {
    expect(ocrParallelPages(128, 4, 1)).toBe(1);
    expect(ocrParallelPages(10_240, 1, 2)).toBe(2);
  });
});

describe('textractRequestIntervalMs', () => {
  it('shares the quota among every worker of every environment', () => {
    // 20 environments × 1 worker at 10 requests a second: one request every 2 s each
    expect(textractRequestIntervalMs(10, 20, 1)).toBe(2_000);
    expect(textractRequestIntervalMs(5, 6, 2)).toBe(2_400);
  });

  it('refuses a quota of nothing', () => {
    expect(() => textractRequestIntervalMs(0, 4, 1)).toThrow(RangeError);
  });
});

describe('maxPoolWorkers', () => {
  it('is one per 1,769 MB, at least one', () => {
    expect([maxPoolWorkers(1024), maxPoolWorkers(3008), maxPoolWorkers(3538), maxPoolWorkers(10_240)]).toEqual([1, 1, 2, 5]);
  });
});
