import type { Box, LayoutWord } from '../../shared/page-layout.js';
import type { ExtractedTable, TableCell } from './table-types.js';
import { isNumeric, joinText } from './words.js';

/** A cell while a table is being built: its slot, span, box and the words that fell in it. */
export interface DraftCell {
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
  readonly box: Box;
  readonly words: LayoutWord[];
}

/** Header rows are few: more leading rows of text than this are the table's body. */
const MAX_HEADER_ROWS = 3;

/**
 * Turns drafted cells into a table: cell texts joined in reading order, rows and columns that no
 * text reaches dropped (double rules, padding), the rectangular `rows` grid and a header guess.
 */
export function buildTable(kind: ExtractedTable['kind'], page: number, drafts: readonly DraftCell[], rowCount: number, colCount: number, edges: readonly number[], box: Box): ExtractedTable | undefined {
  let cells = drafts.map((draft) => ({ ...draft, text: joinText(draft.words) }));
  let columnEdges = [...edges];
  const usedRows = new Array<boolean>(rowCount).fill(false);
  const usedCols = new Array<boolean>(colCount).fill(false);
  for (const cell of cells) {
    if (!cell.text) continue;
    for (let k = 0; k < cell.rowSpan; k += 1) usedRows[cell.row + k] = true;
    for (let k = 0; k < cell.colSpan; k += 1) usedCols[cell.col + k] = true;
  }
  cells = dropUnused(cells, usedRows, 'row', 'rowSpan');
  cells = dropUnused(cells, usedCols, 'col', 'colSpan');
  columnEdges = columnEdges.filter((_, index) => index === columnEdges.length - 1 || usedCols[index]);
  const rows = usedRows.filter(Boolean).length;
  const cols = usedCols.filter(Boolean).length;
  if (rows < 2 || cols < 2) return undefined;
  const grid = Array.from({ length: rows }, () => new Array<string>(cols).fill(''));
  for (const cell of cells) grid[cell.row]![cell.col] = cell.text;
  const tableCells: TableCell[] = cells.map(({ text, row, col, rowSpan, colSpan, box: cellBox }) => ({
    text,
    row,
    col,
    ...(rowSpan > 1 ? { rowSpan } : {}),
    ...(colSpan > 1 ? { colSpan } : {}),
    box: cellBox,
  }));
  return { rows: grid, kind, page, box, cells: tableCells, headerRows: guessHeaderRows(grid, cells), columnEdges };
}

type Spanned = DraftCell & { text: string };

/** Removes unused rows (or columns) and shifts and shrinks the cells around them. */
function dropUnused(cells: Spanned[], used: readonly boolean[], at: 'row' | 'col', spanKey: 'rowSpan' | 'colSpan'): Spanned[] {
  const newIndex: number[] = [];
  let next = 0;
  for (const keep of used) newIndex.push(keep ? next++ : -1);
  const kept: Spanned[] = [];
  for (const cell of cells) {
    const covered = Array.from({ length: cell[spanKey] }, (_, k) => newIndex[cell[at] + k]!).filter((index) => index >= 0);
    if (covered.length === 0) continue;
    kept.push({ ...cell, [at]: covered[0]!, [spanKey]: covered.length });
  }
  return kept;
}

/**
 * Leading rows whose cells are all words above columns that hold numbers below, or rows tied to
 * the first by a cell spanning columns (a grouped header), capped at MAX_HEADER_ROWS.
 */
function guessHeaderRows(grid: readonly (readonly string[])[], cells: readonly Spanned[]): number {
  const bold = (row: number) => {
    const words = cells.filter((cell) => cell.row === row).flatMap((cell) => cell.words);
    return words.length > 0 && words.every((word) => word.bold);
  };
  const numericBelow = (col: number, from: number) => grid.slice(from).some((row) => row[col] !== '' && isNumeric(row[col]!));
  let count = 0;
  let afterGroup = false;
  while (count < Math.min(MAX_HEADER_ROWS, grid.length - 1)) {
    const row = grid[count]!;
    const texts = row.filter((text) => text !== '');
    if (texts.length === 0) break;
    const wordsOverNumbers = texts.every((text) => !isNumeric(text)) && row.some((text, col) => text !== '' && numericBelow(col, count + 1));
    const groups = cells.some((cell) => cell.row === count && cell.colSpan > 1 && cell.text !== '');
    // The row under a grouped header names the group's columns, even when it holds years.
    if (!(bold(count) || wordsOverNumbers || groups || afterGroup)) break;
    count += 1;
    afterGroup = groups;
    if (!groups && !bold(count)) break;
  }
  return count;
}
