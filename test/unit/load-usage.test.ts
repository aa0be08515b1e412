/**
 * The load run's metered figures: the completed single-run documents read from the extractor's log,
 * and the split of their extraction time into a part per document and a part per page.
 */
import { describe, expect, it } from 'vitest';
import { fitExtractionTime, meteredRunsFromLog } from '../reliability/load/load-usage.js';

const line = (entry: Record<string, unknown>) => JSON.stringify({ level: 'INFO', message: 'Object processed', ...entry });

describe('meteredRunsFromLog', () => {
  it('keeps completed, extracted documents and leaves out reuses, shards, failures and other lines', () => {
    const log = [
      '2026-12-05T07:00:00.000Z START RequestId: r1 Version: $LATEST',
      line({ status: 'completed', consumption: { documentsCompleted: 1, pages: 3, extractionMs: 300 } }),
      line({ status: 'completed', consumption: { documentsCompleted: 1, documentsReused: 1, pages: 0, extractionMs: 20 } }),
      line({ status: 'shard-done', consumption: { documentsCompleted: 0, pages: 40, extractionMs: 900 } }),
      line({ status: 'failed', consumption: { documentsFailed: 1, pages: 0, extractionMs: 50 } }),
      JSON.stringify({ level: 'WARN', message: 'Object left on the queue for another attempt' }),
      line({ status: 'completed', consumption: { documentsCompleted: 1, pages: 1, extractionMs: 120 } }),
    ].join('\n');

    expect(meteredRunsFromLog(log)).toEqual([
      { pages: 3, extractionMs: 300 },
      { pages: 1, extractionMs: 120 },
    ]);
  });
});

describe('fitExtractionTime', () => {
  it('recovers the time per document and per page of runs that follow them', () => {
    const runs = [1, 2, 5, 9, 20].map((pages) => ({ pages, extractionMs: 40 + 12 * pages }));
    const fit = fitExtractionTime(runs);
    expect(fit?.msPerDocument).toBeCloseTo(40, 9);
    expect(fit?.msPerPage).toBeCloseTo(12, 9);
  });

  it('cannot split documents that all have the same length', () => {
    expect(fitExtractionTime([{ pages: 4, extractionMs: 100 }, { pages: 4, extractionMs: 140 }])).toBeUndefined();
    expect(fitExtractionTime([])).toBeUndefined();
  });
});
