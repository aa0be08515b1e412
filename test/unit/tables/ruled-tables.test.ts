import { describe, expect, it } from 'vitest';
import type { Box } from '../../../lambdas/shared/page-layout.js';
import { findTables } from '../../../lambdas/extract/tables/index.js';
import { layoutOf, type Placed, segment, strokedGrid } from '../../support/synthetic-page.js';

// A 3 × 3 invoice grid: columns at x 50 | 200 | 300 | 400, rows at y 100 | 120 | 140 | 160.
const XS = [50, 200, 300, 400];
const YS = [100, 120, 140, 160];
const INVOICE: Placed[] = [
  { text: 'Item', x: 55, y: 105 }, { text: 'Qty', x: 205, y: 105 }, { text: 'Amount', x: 305, y: 105 },
  { text: 'Blue widgets', x: 55, y: 125 }, { text: '4', x: 205, y: 125 }, { text: '12.00', x: 305, y: 125 },
  { text: 'Red gadgets', x: 55, y: 145 }, { text: '10', x: 205, y: 145 }, { text: '7.50', x: 305, y: 145 },
];
const INVOICE_ROWS = [['Item', 'Qty', 'Amount'], ['Blue widgets', '4', '12.00'], ['Red gadgets', '10', '7.50']];

describe('findTables on ruled tables', () => {
  it('reads a grid of stroked lines', () => {
    const tables = findTables(layoutOf(INVOICE), { strokes: strokedGrid(XS, YS), fills: [] });

    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatchObject({ kind: 'ruled', page: 1, rows: INVOICE_ROWS, box: [50, 100, 400, 160], columnEdges: XS, headerRows: 1 });
    expect(tables[0]!.cells).toContainEqual({ text: 'Blue widgets', row: 1, col: 0, box: [50, 120, 200, 140] });
  });

  it('reads rules drawn as thin filled rectangles (re f), as most generated tables draw them', () => {
    const fills: Box[] = [...YS.map((y): Box => [50, y - 0.4, 400, y + 0.4]), ...XS.map((x): Box => [x - 0.4, 100, x + 0.4, 160])];

    const tables = findTables(layoutOf(INVOICE), { strokes: [], fills });

    expect(tables.map((t) => t.rows)).toEqual([INVOICE_ROWS]);
  });

  it('reads a grid whose cells are shaded rectangles that touch, from their edges', () => {
    const fills: Box[] = [];
    for (let r = 0; r < 3; r += 1) for (let c = 0; c < 3; c += 1) fills.push([XS[c]! + 0.5, YS[r]! + 0.5, XS[c + 1]! - 0.5, YS[r + 1]! - 0.5]);

    const tables = findTables(layoutOf(INVOICE), { strokes: [], fills });

    expect(tables.map((t) => t.rows)).toEqual([INVOICE_ROWS]);
  });

  it('reads a grid drawn as one closed path (its sides and inner lines as segments of one outline)', () => {
    // One path: the outline closed with `s`, then the inner lines as moves and lines of the same path.
    const outline = [segment(50, 100, 400, 100), segment(400, 100, 400, 160), segment(400, 160, 50, 160), segment(50, 160, 50, 100)];
    const inner = [segment(200, 100, 200, 160), segment(300, 160, 300, 100), segment(400, 120, 50, 120), segment(50, 140, 400, 140)];

    const tables = findTables(layoutOf(INVOICE), { strokes: [...outline, ...inner], fills: [] });

    expect(tables.map((t) => t.rows)).toEqual([INVOICE_ROWS]);
  });

  it('merges rules drawn in pieces and a double rule into one grid line', () => {
    const pieces = [segment(50, 100, 220, 100), segment(219, 100, 400, 100), segment(50, 120, 400, 120), segment(50, 121.5, 400, 121.5), segment(50, 140, 400, 140), segment(50, 160, 400, 160)];
    const verticals = XS.map((x) => segment(x, 100, x, 160));

    const tables = findTables(layoutOf(INVOICE), { strokes: [...pieces, ...verticals], fills: [] });

    expect(tables.map((t) => t.rows)).toEqual([INVOICE_ROWS]);
  });

  it('keeps a cell spanning columns and one spanning rows as single cells with spans', () => {
    // Header "Sales" spans the two number columns; "North" spans two rows.
    const xs = [50, 150, 250, 350];
    const ys = [100, 120, 140, 160, 180];
    const strokes = [
      segment(50, 100, 350, 100), segment(150, 120, 350, 120), segment(50, 140, 350, 140), segment(150, 160, 350, 160), segment(50, 180, 350, 180),
      segment(50, 100, 50, 180), segment(150, 100, 150, 180), segment(250, 120, 250, 180), segment(350, 100, 350, 180),
    ];
    const placed: Placed[] = [
      { text: 'Region', x: 55, y: 115 }, { text: 'Sales', x: 230, y: 105 }, { text: '2023', x: 155, y: 125 }, { text: '2024', x: 255, y: 125 },
      { text: 'North', x: 55, y: 145 }, { text: '10', x: 155, y: 145 }, { text: '12', x: 255, y: 145 }, { text: '11', x: 155, y: 165 }, { text: '13', x: 255, y: 165 },
    ];

    const [table] = findTables(layoutOf(placed), { strokes, fills: [] });

    expect(table?.rows).toEqual([['Region', 'Sales', ''], ['', '2023', '2024'], ['North', '10', '12'], ['', '11', '13']]);
    expect(table?.cells).toContainEqual({ text: 'Sales', row: 0, col: 1, colSpan: 2, box: [xs[1], ys[0], xs[3], ys[1]] });
    expect(table?.cells).toContainEqual({ text: 'Region', row: 0, col: 0, rowSpan: 2, box: [xs[0], ys[0], xs[1], ys[2]] });
    expect(table?.cells).toContainEqual({ text: 'North', row: 2, col: 0, rowSpan: 2, box: [xs[0], ys[2], xs[1], ys[4]] });
    expect(table?.headerRows).toBe(2);
  });

  it('joins the lines of a wrapped cell in reading order, whatever order the layout gives them', () => {
    const placed: Placed[] = [
      { text: 'order', x: 205, y: 127 }, { text: 'Item', x: 55, y: 100.5 }, { text: 'Note', x: 205, y: 100.5 },
      { text: 'Widgets', x: 55, y: 115 }, { text: 'Back', x: 205, y: 115 },
    ];
    const strokes = strokedGrid([50, 200, 400], [100, 111, 140]);

    const [table] = findTables(layoutOf(placed), { strokes, fills: [] });

    expect(table?.rows).toEqual([['Item', 'Note'], ['Widgets', 'Back order']]);
  });

  it('cuts a body ruled only at its edges into rows by baselines, keeping wrapped lines with their row', () => {
    const strokes = strokedGrid([50, 150, 400], [100, 115, 200]);
    const placed: Placed[] = [
      { text: 'Date', x: 55, y: 103 }, { text: 'Description', x: 155, y: 103 },
      { text: '01/02', x: 55, y: 120 }, { text: 'Airfare to Boston', x: 155, y: 120 }, { text: 'and return', x: 155, y: 131 },
      { text: '03/02', x: 55, y: 142 }, { text: 'Hotel', x: 155, y: 142 },
      { text: '05/02', x: 55, y: 153 }, { text: 'Taxi', x: 155, y: 153 },
    ];

    const [table] = findTables(layoutOf(placed), { strokes, fills: [] });

    expect(table?.rows).toEqual([['Date', 'Description'], ['01/02', 'Airfare to Boston and return'], ['03/02', 'Hotel'], ['05/02', 'Taxi']]);
  });

  it('reports no table for a frame around a paragraph or for a page border', () => {
    const placed: Placed[] = [{ text: 'A boxed note about the terms of sale.', x: 60, y: 110 }, { text: 'It continues here.', x: 60, y: 122 }];
    const frame = strokedGrid([50, 400], [100, 140]);
    const border: Box[] = [[0, 0, 612, 792]];

    expect(findTables(layoutOf(placed), { strokes: frame, fills: border })).toEqual([]);
  });

  it('reports no table for a chart whose gridlines cross, with its labels scattered one to a row', () => {
    // Horizontal gridlines every 20 pt, an axis and a frame; labels at the left and a value per bar.
    const ys = [100, 120, 140, 160, 180, 200];
    const strokes = [...strokedGrid([50, 90, 400], ys)];
    const placed: Placed[] = [
      { text: '2001', x: 55, y: 105 }, { text: '30.5', x: 120, y: 125 }, { text: '2005', x: 55, y: 145 }, { text: '49.0', x: 200, y: 165 }, { text: '2010', x: 55, y: 185 },
    ];

    expect(findTables(layoutOf(placed), { strokes, fills: [] })).toEqual([]);
  });

  it('takes bold leading rows as the header', () => {
    const layout = layoutOf(INVOICE);
    const bolded = {
      ...layout,
      lines: layout.lines.map((line) => ({ ...line, words: line.words.map((word) => (word.box[1] < 110 ? { ...word, bold: true as const } : word)) })),
    };
    const textOnly: Placed[] = INVOICE.map((p) => (/\d/.test(p.text) ? { ...p, text: 'n/a' } : p));

    expect(findTables(bolded, { strokes: strokedGrid(XS, YS), fills: [] })[0]?.headerRows).toBe(1);
    expect(findTables(layoutOf(textOnly), { strokes: strokedGrid(XS, YS), fills: [] })[0]?.headerRows).toBe(0);
  });

  it('keeps text that runs past a column rule, in a band without row rules, in the column it started in', () => {
    // Columns ruled at 50 | 150 | 300 | 360 in the header only; a description spills over 300.
    const strokes = [...strokedGrid([50, 150, 300, 360], [100, 115]), segment(50, 200, 360, 200), ...[50, 360].map((x) => segment(x, 115, x, 200))];
    const placed: Placed[] = [
      { text: 'Date', x: 55, y: 103 }, { text: 'Description', x: 155, y: 103 }, { text: 'Total', x: 305, y: 103 },
      { text: '01/02', x: 55, y: 120 }, { text: 'Airfare', x: 155, y: 120 }, { text: '9.00', x: 335, y: 120 }, { text: 'to Boston and Salem via Providence RI', x: 155, y: 131 },
      { text: '03/02', x: 55, y: 142 }, { text: 'Hotel', x: 155, y: 142 }, { text: '8.00', x: 335, y: 142 },
      { text: '05/02', x: 55, y: 153 }, { text: 'Taxi', x: 155, y: 153 }, { text: '7.00', x: 335, y: 153 },
    ];

    const [table] = findTables(layoutOf(placed), { strokes, fills: [] });

    expect(table?.rows).toEqual([['Date', 'Description', 'Total'], ['01/02', 'Airfare to Boston and Salem via Providence RI', '9.00'], ['03/02', 'Hotel', '8.00'], ['05/02', 'Taxi', '7.00']]);
  });

  it('finds nothing on an empty page and ignores drawing and words that are not finite', () => {
    const broken = { ...layoutOf(INVOICE), lines: [...layoutOf(INVOICE).lines, { box: [0, 0, 0, 0] as const, words: [{ text: 'x', box: [NaN, 0, 1, 1] as const }] }] };
    const strokes = [...strokedGrid(XS, YS), segment(NaN, 100, 400, 100), segment(50, Infinity, 50, 160)];

    expect(findTables(layoutOf([]), { strokes, fills: [] })).toEqual([]);
    expect(findTables(broken, { strokes, fills: [[0, 0, NaN, 10]] }).map((t) => t.rows)).toEqual([INVOICE_ROWS]);
  });
});

