/**
 * A document's tables as the web page draws them, without a browser: the grid each `<table>` is
 * built from (cells with their spans, header cells, the slots a spanning cell covers left out)
 * and the caption naming the pages a table is on.
 */
import { describe, expect, it } from 'vitest';
import type { DocumentTable } from '../../api-client/api-types.js';
import { tableCaption, tableGrid } from '../../web/src/table-grid.js';

const box: [number, number, number, number] = [0, 0, 10, 10];
const cell = (row: number, col: number, text: string, spans: { rowSpan?: number; colSpan?: number } = {}) => ({ row, col, text, box, ...spans });
const td = (text: string, rowSpan = 1, colSpan = 1) => ({ text, rowSpan, colSpan, header: false });
const th = (text: string, rowSpan = 1, colSpan = 1) => ({ text, rowSpan, colSpan, header: true });

describe('tableGrid', () => {
  it('draws a spanning cell once, with its spans, and leaves out the slots it covers', () => {
    // Arrange: a header cell across two columns, and a body cell down two rows
    const table: DocumentTable = {
      index: 1,
      pages: [2],
      kind: 'ruled',
      headerRows: 1,
      rows: [
        ['Region', 'Sales', ''],
        ['North', 'Q1', '10'],
        ['', 'Q2', '12'],
      ],
      cells: [
        cell(0, 0, 'Region'),
        cell(0, 1, 'Sales', { colSpan: 2 }),
        cell(1, 0, 'North', { rowSpan: 2 }),
        cell(1, 1, 'Q1'),
        cell(1, 2, '10'),
        cell(2, 1, 'Q2'),
        cell(2, 2, '12'),
      ],
    };

    // Act
    const grid = tableGrid(table);

    // Assert
    expect(grid.headerRows).toBe(1);
    expect(grid.rows).toEqual([
      [th('Region'), th('Sales', 1, 2)],
      [td('North', 2, 1), td('Q1'), td('10')],
      [td('Q2'), td('12')],
    ]);
  });

  it('takes every slot from `rows` when the answer left the cells out', () => {
    const table: DocumentTable = { index: 3, pages: [1], rows: [['a', 'b'], ['c']] };

    expect(tableGrid(table).rows).toEqual([[td('a'), td('b')], [td('c'), td('')]]);
  });

  it('fills a slot no cell covers from `rows`, and keeps text as it is (markup included)', () => {
    const table: DocumentTable = { index: 1, pages: [1], rows: [['<b>bold?</b>', 'x & y']], cells: [cell(0, 0, '<b>bold?</b>')] };

    expect(tableGrid(table).rows).toEqual([[td('<b>bold?</b>'), td('x & y')]]);
  });

  it('ignores a cell that starts inside another one’s span rather than drawing a cell twice', () => {
    const table: DocumentTable = { index: 1, pages: [1], rows: [['wide', '']], cells: [cell(0, 0, 'wide', { colSpan: 2 }), cell(0, 1, 'stray')] };

    expect(tableGrid(table).rows).toEqual([[td('wide', 1, 2)]]);
  });
});

describe('tableCaption', () => {
  it.each([
    [{ index: 1, pages: [4], kind: 'unruled' as const }, 'Table 1 · page 4 · unruled'],
    [{ index: 2, pages: [3, 4, 5], kind: 'ruled' as const }, 'Table 2 · pages 3–5 · ruled'],
    [{ index: 3, pages: [3, 5] }, 'Table 3 · pages 3, 5'],
  ])('labels %o as “%s”', (table, caption) => {
    expect(tableCaption(table)).toBe(caption);
  });
});
