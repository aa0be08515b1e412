/** A table as the table finder (`lambdas/extract/tables/`) finds it and the pipeline stores it. */
import type { Box } from './page-layout.js';

/** One cell of a found table; a spanning cell covers `rowSpan` × `colSpan` grid slots. */
export interface TableCell {
  readonly text: string;
  /** Grid slot of the cell's top-left corner, from 0. */
  readonly row: number;
  readonly col: number;
  /** Set only when more than 1. */
  readonly rowSpan?: number;
  readonly colSpan?: number;
  readonly box: Box;
}

/** Where a table continues on a neighbouring page: the page and the table's index on it. */
export interface TableRef {
  readonly page: number;
  readonly index: number;
}

/**
 * A table found on a page. `rows` is the rectangular grid of cell texts that `PageTable` stores
 * (a spanning cell's text in its top-left slot, the slots it covers ''), so readers of today's
 * tables keep working; `cells` carries the boxes and spans.
 */
export interface ExtractedTable {
  readonly rows: readonly (readonly string[])[];
  readonly kind: 'ruled' | 'unruled';
  /** The page the table is on (the layout's page number). */
  readonly page: number;
  readonly box: Box;
  readonly cells: readonly TableCell[];
  /** How many leading rows look like a header (0 when none do). */
  readonly headerRows: number;
  /** Left edges of the columns then the right edge of the last (columns + 1 numbers). */
  readonly columnEdges: readonly number[];
  /** Set by `linkTablesAcrossPages`: the table this one continues, on the page before. */
  readonly continuesFrom?: TableRef;
  /** Set by `linkTablesAcrossPages`: the table that continues this one, on the next page. */
  readonly continuedOn?: TableRef;
  /** Set with `continuesFrom` when the table repeats the header rows of the one it continues. */
  readonly repeatsHeader?: true;
}

