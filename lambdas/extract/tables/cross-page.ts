import { unionBoxes } from '../../shared/page-layout.js';
import type { ExtractedTable } from './table-types.js';

/** Column edges further apart than this (points) are different columns. */
const EDGE_TOLERANCE = 6;

function sameColumns(a: ExtractedTable, b: ExtractedTable): boolean {
  if (a.columnEdges.length !== b.columnEdges.length) return false;
  return a.columnEdges.every((edge, index) => Math.abs(edge - b.columnEdges[index]!) <= EDGE_TOLERANCE);
}

function repeatsHeader(previous: ExtractedTable, next: ExtractedTable): boolean {
  const count = previous.headerRows;
  if (count === 0 || next.rows.length <= count) return false;
  return previous.rows.slice(0, count).every((row, r) => row.every((text, c) => next.rows[r]![c] === text));
}

/**
 * Links the last table of page n to the first table of page n + 1 when they have the same columns
 * (count and x positions): a table that a page break cut. Returns both pages' tables, the linked
 * ones with `continuedOn` / `continuesFrom` (and `repeatsHeader` when the header comes again).
 */
export function linkTablesAcrossPages(previous: readonly ExtractedTable[], next: readonly ExtractedTable[]): { previous: ExtractedTable[]; next: ExtractedTable[] } {
  const before = [...previous];
  const after = [...next];
  const lastIndex = before.length - 1;
  const last = before[lastIndex];
  const first = after[0];
  if (!last || !first || first.page !== last.page + 1 || !sameColumns(last, first)) return { previous: before, next: after };
  before[lastIndex] = { ...last, continuedOn: { page: first.page, index: 0 } };
  after[0] = {
    ...first,
    continuesFrom: { page: last.page, index: lastIndex },
    ...(repeatsHeader(last, first) ? { repeatsHeader: true as const } : {}),
  };
  return { previous: before, next: after };
}

/** A table of the document: one table, or several linked across pages joined into one. */
export interface MergedTable extends ExtractedTable {
  /** Every page the table is on, in order. */
  readonly pages: readonly number[];
}

/**
 * The document-level view: tables in page order (as linked by linkTablesAcrossPages), each chain
 * of continued tables joined into one whose rows run on and whose repeated headers are dropped.
 * Cells keep their page-local boxes; rows are renumbered.
 */
export function mergeTables(tables: readonly ExtractedTable[]): MergedTable[] {
  const merged: MergedTable[] = [];
  for (const table of tables) {
    const open = merged[merged.length - 1];
    if (table.continuesFrom && open && open.pages[open.pages.length - 1] === table.continuesFrom.page && open.columnEdges.length === table.columnEdges.length) {
      const skip = table.repeatsHeader ? table.headerRows : 0;
      const offset = open.rows.length - skip;
      const cells = table.cells.filter((cell) => cell.row >= skip).map((cell) => ({ ...cell, row: cell.row + offset }));
      const { continuesFrom: _from, ...rest } = open;
      void _from;
      merged[merged.length - 1] = {
        ...rest,
        ...(open.continuesFrom ? { continuesFrom: open.continuesFrom } : {}),
        rows: [...open.rows, ...table.rows.slice(skip)],
        cells: [...open.cells, ...cells],
        box: unionBoxes([open.box, table.box]),
        pages: [...open.pages, table.page],
        ...(table.continuedOn ? { continuedOn: table.continuedOn } : {}),
      };
      if (!table.continuedOn) {
        const { continuedOn: _on, ...done } = merged[merged.length - 1]!;
        void _on;
        merged[merged.length - 1] = done;
      }
    } else {
      merged.push({ ...table, pages: [table.page] });
    }
  }
  return merged;
}
