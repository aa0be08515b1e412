import { describe, expect, it } from 'vitest';
import { findTables, linkTablesAcrossPages, mergeTables } from '../../../lambdas/extract/tables/index.js';
import { type KindScore, loadExpectedPages, loadPageInput, loadProsePages, scorePage, totalScore } from '../../support/table-corpus.js';

// Inputs are what PDFium reads from corpus pages (bench/dump-page-input.ts); expected cells are
// what a person reads in them (test/fixtures/tables/*.json). `npx tsx bench/table-bench.ts`
// prints the same scores per page.
const expectedPages = loadExpectedPages();

function scores(kind: 'ruled' | 'unruled'): KindScore[] {
  return expectedPages.flatMap((expected) => {
    const { layout, graphics } = loadPageInput(expected.file, expected.page);
    const score = scorePage(expected, kind, findTables(layout, graphics).map((table) => table.rows));
    return score ? [score] : [];
  });
}

describe('findTables on corpus pages', () => {
  it('reads the ruled tables of 018–027 with cell F1 ≥ 0.90 and structure ≥ 0.85, finding every one', () => {
    const total = totalScore(scores('ruled'));

    expect(total.expectedTables).toBeGreaterThanOrEqual(15);
    expect(total.detected).toBe(total.expectedTables);
    expect(total.cellF1).toBeGreaterThanOrEqual(0.9);
    expect(total.structure).toBeGreaterThanOrEqual(0.85);
  });

  it('reads tables without rules with cell F1 ≥ 0.80, finding every one', () => {
    const total = totalScore(scores('unruled'));

    expect(total.expectedTables).toBeGreaterThanOrEqual(3);
    expect(total.detected).toBe(total.expectedTables);
    expect(total.cellF1).toBeGreaterThanOrEqual(0.8);
  });

  it('reports no table on pages of prose (one, two and three columns)', () => {
    const reported = loadProsePages().filter(({ file, page }) => {
      const { layout, graphics } = loadPageInput(file, page);
      return findTables(layout, graphics).length > 0;
    });

    expect(reported).toEqual([]);
  });

  it('links the WARN report table across its page break and merges it into one', () => {
    const file = '018-table-WARN-Report-for-7-1-2015-to-03-25-2016.pdf';
    const [one, two] = [1, 2].map((page) => {
      const { layout, graphics } = loadPageInput(file, page);
      return findTables(layout, graphics);
    });

    const linked = linkTablesAcrossPages(one!, two!);
    const merged = mergeTables([...linked.previous, ...linked.next]);

    expect(linked.next[0]?.continuesFrom).toEqual({ page: 1, index: 0 });
    expect(merged).toHaveLength(1);
    expect(merged[0]!.pages).toEqual([1, 2]);
    expect(merged[0]!.rows).toHaveLength(one![0]!.rows.length + two![0]!.rows.length);
    expect(merged[0]!.rows[0]).toEqual(['Notice Date', 'Effective', 'Received', 'Company', 'City', 'No. Of', 'Layoff/Closure']);
  });

  it('links the cost table of 010 across its page break, dropping the header page 6 repeats', () => {
    const file = '010-report-federal-register-2020-17221.pdf';
    const [five, six] = [5, 6].map((page) => {
      const { layout, graphics } = loadPageInput(file, page);
      return findTables(layout, graphics);
    });

    const linked = linkTablesAcrossPages(five!, six!);
    const merged = mergeTables([...linked.previous, ...linked.next]);

    expect(linked.next[0]).toMatchObject({ continuesFrom: { page: 5, index: 0 }, repeatsHeader: true, headerRows: 1 });
    expect(merged.map((table) => table.rows.map((row) => row[0]))).toEqual([
      ['Action', 'FCC OPS installation and verification', 'AFM revisions', 'MDS installation and verification, INOP marker removal.', 'Stabilizer wiring change', 'AOA sensor system test'],
    ]);
  });
});
