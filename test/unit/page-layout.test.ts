import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { describe, expect, it } from 'vitest';
import { layOutPageText } from '../../lambdas/extract/page-text.js';
import { findRuledTables, type DrawingOperations } from '../../lambdas/extract/ruled-tables.js';

const PAGE_HEIGHT = 800;
/** The viewport of an unrotated page at scale 1: y flipped. */
const VIEWPORT: number[] = [1, 0, 0, -1, 0, PAGE_HEIGHT];
const toViewport = (x: number, y: number) => [x, PAGE_HEIGHT - y];

/** A text item at (x, y) in PDF space, 10 units high and 6 units per character wide. */
function item(str: string, x: number, y: number, hasEOL = false): TextItem {
  return { str, dir: 'ltr', transform: [10, 0, 0, 10, x, y], width: str.length * 6, height: 10, fontName: 'F1', hasEOL };
}

/** A stroked line from (x1, y1) to (x2, y2), as pdf.js 5 lists it: one constructPath with its bounding box. */
function strokedLine(x1: number, y1: number, x2: number, y2: number): [number, unknown] {
  return [OPS.constructPath, [OPS.stroke, [], [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)]]];
}

function drawing(...operations: [number, unknown][]): DrawingOperations {
  return { fnArray: operations.map(([fn]) => fn), argsArray: operations.map(([, args]) => args) };
}

describe('layOutPageText', () => {
  it('joins the items of one line and breaks where pdf.js marks a line end', () => {
    expect(layOutPageText([item('Hello ', 72, 700), item('world', 108, 700, true), item('Next line', 72, 686)], toViewport)).toBe(
      'Hello world\nNext line',
    );
  });

  it('breaks the line when the next item sits lower than the line is high, even unmarked', () => {
    expect(layOutPageText([item('Heading', 72, 700), item('Body', 72, 660)], toViewport)).toBe('Heading\nBody');
  });

  it('separates items that stand apart on one line with a tab, as cells', () => {
    expect(layOutPageText([item('Name', 72, 700), item('Total', 300, 700)], toViewport)).toBe('Name\tTotal');
  });

  it('ignores marked-content boundaries', () => {
    expect(layOutPageText([{ type: 'beginMarkedContent', id: 'a' }, item('Only text', 72, 700), { type: 'endMarkedContent', id: 'a' }], toViewport)).toBe(
      'Only text',
    );
  });
});

describe('findRuledTables', () => {
  // A 2 × 2 grid from x 100–300 and y 500–600 (PDF space): rules at x 100, 200, 300 and y 500, 550, 600.
  const grid = drawing(
    strokedLine(100, 600, 300, 600),
    strokedLine(100, 550, 300, 550),
    strokedLine(100, 500, 300, 500),
    strokedLine(100, 500, 100, 600),
    strokedLine(200, 500, 200, 600),
    strokedLine(300, 500, 300, 600),
  );

  it('fills the cells of a ruled grid from the text inside them', () => {
    const text = [item('Name', 110, 570), item('Total', 210, 570), item('Ann', 110, 520), item('42', 210, 520)];

    expect(findRuledTables(grid, text, VIEWPORT)).toEqual([
      [
        ['Name', 'Total'],
        ['Ann', '42'],
      ],
    ]);
  });

  it('leaves text outside the grid out of it', () => {
    expect(findRuledTables(grid, [item('Caption', 110, 650), item('Ann', 110, 520)], VIEWPORT)).toEqual([
      [
        ['', ''],
        ['Ann', ''],
      ],
    ]);
  });

  it('finds nothing on a page without stroked rules', () => {
    const filledOnly = drawing([OPS.constructPath, [OPS.fill, [], [100, 500, 300, 600]]]);

    expect(findRuledTables(filledOnly, [item('Ann', 110, 520)], VIEWPORT)).toEqual([]);
  });
});
