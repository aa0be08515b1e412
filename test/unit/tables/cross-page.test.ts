import { describe, expect, it } from 'vitest';
import { findTables, linkTablesAcrossPages, mergeTables } from '../../../lambdas/extract/tables/index.js';
import { layoutOf, type Placed, strokedGrid } from '../../support/synthetic-page.js';

const XS = [50, 150, 300];

/** A ruled two-column table of `rows` (header first) on `page`, starting at `top`. */
function pageWithTable(page: number, rows: string[][], top: number) {
  const ys = rows.map((_, i) => top + i * 20).concat(top + rows.length * 20);
  const placed: Placed[] = rows.flatMap((row, r) => row.map((text, c) => ({ text, x: XS[c]! + 5, y: ys[r]! + 5 })));
  return findTables(layoutOf(placed, page), { strokes: strokedGrid(XS, ys), fills: [] });
}

describe('linkTablesAcrossPages', () => {
  it('links a table cut by a page break, with its header repeated on the next page', () => {
    const first = pageWithTable(1, [['Part', 'Status'], ['Pump', 'OK'], ['Valve', 'Worn']], 600);
    const second = pageWithTable(2, [['Part', 'Status'], ['Seal', 'OK'], ['Filter', 'Replace']], 60);

    const { previous, next } = linkTablesAcrossPages(first, second);

    expect(previous[0]!.continuedOn).toEqual({ page: 2, index: 0 });
    expect(next[0]!.continuesFrom).toEqual({ page: 1, index: 0 });
    expect(next[0]!.repeatsHeader).toBe(true);
    expect([previous[0]!.headerRows, next[0]!.headerRows]).toEqual([1, 1]);
    expect(first[0]!.continuedOn).toBeUndefined();
  });

  it('does not link tables whose columns differ', () => {
    const first = pageWithTable(1, [['Part', 'Status'], ['Pump', 'OK']], 600);
    const other = findTables(layoutOf([{ text: 'A', x: 55, y: 65 }, { text: 'B', x: 255, y: 65 }, { text: 'C', x: 55, y: 85 }, { text: 'D', x: 255, y: 85 }], 2), {
      strokes: strokedGrid([50, 250, 500], [60, 80, 100]),
      fills: [],
    });

    const { previous, next } = linkTablesAcrossPages(first, other);

    expect(previous[0]!.continuedOn).toBeUndefined();
    expect(next[0]!.continuesFrom).toBeUndefined();
  });

  it('does not link tables on pages that are not consecutive', () => {
    const first = pageWithTable(1, [['Part', 'Status'], ['Pump', 'OK']], 600);
    const third = pageWithTable(3, [['Seal', 'OK'], ['Filter', 'Replace']], 60);

    expect(linkTablesAcrossPages(first, third).next[0]!.continuesFrom).toBeUndefined();
  });
});

describe('mergeTables', () => {
  it('joins a linked chain into one table without the repeated header, and leaves other tables alone', () => {
    const page1 = pageWithTable(1, [['Part', 'Status'], ['Pump', 'OK'], ['Valve', 'Worn']], 600);
    const page2 = pageWithTable(2, [['Part', 'Status'], ['Seal', 'OK']], 60);
    const page3 = pageWithTable(3, [['Seal', 'OK'], ['Filter', 'Replace']], 60);
    const one = linkTablesAcrossPages(page1, page2);
    const two = linkTablesAcrossPages(one.next, page3);

    const merged = mergeTables([...one.previous, ...two.previous, ...two.next]);

    expect(merged).toHaveLength(1);
    expect(merged[0]!.pages).toEqual([1, 2, 3]);
    expect(merged[0]!.rows).toEqual([['Part', 'Status'], ['Pump', 'OK'], ['Valve', 'Worn'], ['Seal', 'OK'], ['Seal', 'OK'], ['Filter', 'Replace']]);
    expect(merged[0]!.cells.find((cell) => cell.text === 'Filter')?.row).toBe(5);
    expect(merged[0]).not.toHaveProperty('continuedOn');
  });

  it('keeps unlinked tables apart, one page each', () => {
    const page1 = pageWithTable(1, [['Part', 'Status'], ['Pump', 'OK']], 600);
    const page3 = pageWithTable(3, [['Seal', 'OK'], ['Filter', 'Replace']], 60);

    expect(mergeTables([...page1, ...page3]).map((table) => table.pages)).toEqual([[1], [3]]);
  });
});
