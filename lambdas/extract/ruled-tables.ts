import { Line, LineStore, Point, Rectangle } from 'pdf-parse';
import { OPS, Util } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';

type Matrix = number[];

/** The part of pdf.js's operator list this reads. */
export interface DrawingOperations {
  readonly fnArray: readonly number[];
  readonly argsArray: readonly unknown[];
}

/** Shorter strokes than this are not table rules (PDF units). */
const MIN_RULE_LENGTH = 5;
const FLIP_Y: Matrix = [1, 0, 0, -1, 0, 0];

/**
 * The stroked lines and rectangles of a page, in viewport space. Only `S` (stroke) draws a
 * rule here, as in pdf-parse's `getTable`; stream-survey.ts relies on that to skip pages of
 * documents that never stroke.
 */
function strokedRules(operations: DrawingOperations, viewportTransform: Matrix): LineStore {
  const rules = new LineStore();
  let matrix: Matrix = [1, 0, 0, 1, 0, 0];
  const saved: Matrix[] = [];
  for (let index = 0; index < operations.fnArray.length; index += 1) {
    const fn = operations.fnArray[index];
    const args = operations.argsArray[index] as unknown[] | null;
    if (fn === OPS.save) saved.push(matrix);
    else if (fn === OPS.restore) matrix = saved.pop() ?? matrix;
    else if (fn === OPS.transform) matrix = Util.transform(matrix, args as Matrix);
    else if (fn === OPS.constructPath && args?.[0] === OPS.stroke) {
      const [minX, minY, maxX, maxY] = (args[2] ?? []) as number[];
      if (minX === undefined || minY === undefined || maxX === undefined || maxY === undefined || !Number.isFinite(minX)) continue;
      const width = maxX - minX;
      const height = maxY - minY;
      if (width > MIN_RULE_LENGTH && height > MIN_RULE_LENGTH) {
        rules.addRectangle(new Rectangle(new Point(minX, minY), width, height).transform(matrix).transform(viewportTransform));
      } else if ((width > MIN_RULE_LENGTH && height === 0) || (width === 0 && height > MIN_RULE_LENGTH)) {
        rules.add(new Line(new Point(minX, minY), new Point(maxX, maxY)).transform(matrix).transform(viewportTransform));
      }
    }
  }
  return rules;
}

/**
 * Finds the ruled tables of a page from its drawing operations and fills their cells from the
 * page's text items: pdf-parse's grid finder (`LineStore`), fed with what the caller has
 * already read. Returns each table as rows of cell texts, unnormalised.
 */
export function findRuledTables(operations: DrawingOperations, textItems: readonly TextItem[], viewportTransform: Matrix): string[][][] {
  const rules = strokedRules(operations, viewportTransform);
  if (rules.hLines.length === 0 && rules.vLines.length === 0) return [];
  rules.normalize();
  const tables = rules.getTableData();
  if (tables.length === 0) return [];
  for (const item of textItems) {
    const [, , , , x, y] = Util.transform(Util.transform(viewportTransform, item.transform), FLIP_Y);
    for (const table of tables) {
      const cell = table.findCell(x!, y!);
      if (cell) {
        cell.text.push(item.str);
        if (item.hasEOL) cell.text.push('\n');
        break;
      }
    }
  }
  return tables.map((table) => table.toArray());
}
