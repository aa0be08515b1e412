import type { ExtractedTable } from './page-table.js';

/** Column edges further apart than this (points) are different columns. */
const EDGE_TOLERANCE = 6;

function sameColumns(a: ExtractedTable, b: ExtractedTable): boolean {
  if (a.columnEdges.length !== b.columnEdges.length) return false;
  return a.columnEdges.every((edge, index) => Math.abs(edge - b.columnEdges[index]!) <= EDGE_TOLERANCE);
}

/**
 * How many leading rows `next` repeats from `previous`: its header rows, or the first row when
 * the guess found none (a first row that a page break repeats is a header all the same).
 */
function repeatedHeaderRows(previous: ExtractedTable, next: ExtractedTable): number {
  const count = Math.max(previous.headerRows, 1);
  if (next.rows.length <= count) return 0;
  const same = previous.rows.slice(0, count).every((row, r) => row.every((text, c) => next.rows[r]![c] === text));
  return same ? count : 0;
}

/**
 * Links the last table of page n to the first table of page n + 1 when they have the same columns
 * (count and x positions): a table that a page break cut. Returns both pages' tables, the linked
 * ones with `continuedOn` / `continuesFrom` (and `repeatsHeader` when the header comes again,
 * whose rows then count as header rows on both pages).
 */
export function linkTablesAcrossPages(previous: readonly ExtractedTable[], next: readonly ExtractedTable[]): { previous: ExtractedTable[]; next: ExtractedTable[] } {
  const before = [...previous];
  const after = [...next];
  const lastIndex = before.length - 1;
  const last = before[lastIndex];
  const first = after[0];
  if (!last || !first || first.page !== last.page + 1 || !sameColumns(last, first)) return { previous: before, next: after };
  const repeated = repeatedHeaderRows(last, first);
  before[lastIndex] = { ...last, continuedOn: { page: first.page, index: 0 }, headerRows: Math.max(last.headerRows, repeated) };
  after[0] = {
    ...first,
    continuesFrom: { page: last.page, index: lastIndex },
    ...(repeated > 0 ? { repeatsHeader: true as const, headerRows: Math.max(first.headerRows, repeated) } : {}),
  };
  return { previous: before, next: after };
}

/** A table of the document: one table, or several linked across pages joined into one. */
export type MergedTable = Omit<ExtractedTable, 'continuesFrom' | 'continuedOn' | 'repeatsHeader'> & {
  /** Every page the table is on, in order. */
  readonly pages: readonly number[];
};

function standalone(table: ExtractedTable): MergedTable {
  const { continuesFrom: _from, continuedOn: _on, repeatsHeader: _repeats, ...rest } = table;
  return { ...rest, pages: [table.page] };
}

/**
 * The document-level view: tables in page order (as linked by linkTablesAcrossPages), each chain
 * of continued tables joined into one whose rows run on, repeated headers dropped. Cells keep
 * their page-local boxes; their rows are renumbered; `page` and `box` are the first part's.
 */
export function mergeTables(tables: readonly ExtractedTable[]): MergedTable[] {
  const merged: MergedTable[] = [];
  let previous: ExtractedTable | undefined;
  for (const table of tables) {
    const open = merged[merged.length - 1];
    const continues = open && previous?.continuedOn && table.continuesFrom?.page === previous.page && open.columnEdges.length === table.columnEdges.length;
    if (open && continues) {
      const skip = table.repeatsHeader ? table.headerRows : 0;
      const offset = open.rows.length - skip;
      const cells = table.cells.filter((cell) => cell.row >= skip).map((cell) => ({ ...cell, row: cell.row + offset }));
      merged[merged.length - 1] = { ...open, rows: [...open.rows, ...table.rows.slice(skip)], cells: [...open.cells, ...cells], pages: [...open.pages, table.page] };
    } else {
      merged.push(standalone(table));
    }
    previous = table;
  }
  return merged;
}
