/**
 * A document's table as the page draws it, decided without a browser: which cells a row has,
 * how far each spans, which are headers, and the caption that says where the table is.
 */
import type { DocumentTable } from '../../api-client/api-types.js';

export interface GridCell {
  readonly text: string;
  readonly rowSpan: number;
  readonly colSpan: number;
  /** A cell of a header row: drawn as `<th scope="col">`. */
  readonly header: boolean;
}

export interface TableGrid {
  /** `Table 2 · pages 3–4 · ruled`: which table, where, and how it was found. */
  readonly caption: string;
  /** Leading rows that are the header (`<thead>`). */
  readonly headerRows: number;
  /** Row by row, only the cells that start in the row (a spanning cell covers the slots after it). */
  readonly rows: readonly (readonly GridCell[])[];
}

/**
 * The grid of a table from the API. Its `cells` carry the spans; a slot no cell covers (or a
 * table without `cells`: an answer too large for them, or a table found before spans were
 * kept) takes its text from `rows`, one slot per cell.
 */
export function tableGrid(table: DocumentTable): TableGrid {
  const rowCount = Math.max(table.rows.length, ...(table.cells ?? []).map((cell) => cell.row + (cell.rowSpan ?? 1)));
  const columnCount = Math.max(0, ...table.rows.map((row) => row.length), ...(table.cells ?? []).map((cell) => cell.col + (cell.colSpan ?? 1)));
  const headerRows = Math.min(table.headerRows ?? 0, rowCount);
  const starts = new Map<string, GridCell>();
  const covered = new Set<string>();
  for (const cell of table.cells ?? []) {
    const rowSpan = cell.rowSpan ?? 1;
    const colSpan = cell.colSpan ?? 1;
    if (covered.has(slot(cell.row, cell.col))) continue; // an overlapping cell: the first one drawn wins
    starts.set(slot(cell.row, cell.col), { text: cell.text, rowSpan, colSpan, header: cell.row < headerRows });
    for (let row = cell.row; row < cell.row + rowSpan; row += 1) {
      for (let col = cell.col; col < cell.col + colSpan; col += 1) covered.add(slot(row, col));
    }
  }
  const rows: GridCell[][] = [];
  for (let row = 0; row < rowCount; row += 1) {
    const cells: GridCell[] = [];
    for (let col = 0; col < columnCount; col += 1) {
      const start = starts.get(slot(row, col));
      if (start) cells.push(start);
      else if (!covered.has(slot(row, col))) cells.push({ text: table.rows[row]?.[col] ?? '', rowSpan: 1, colSpan: 1, header: row < headerRows });
    }
    rows.push(cells);
  }
  return { caption: tableCaption(table), headerRows, rows };
}

export function tableCaption(table: Pick<DocumentTable, 'index' | 'pages' | 'kind'>): string {
  const pages = table.pages.length > 1 ? `pages ${pageRange(table.pages)}` : `page ${table.pages[0] ?? '?'}`;
  return [`Table ${table.index}`, pages, table.kind].filter(Boolean).join(' · ');
}

/** `3–4`, or `3, 5` when a table skips a page. */
function pageRange(pages: readonly number[]): string {
  const consecutive = pages.every((page, index) => index === 0 || page === pages[index - 1]! + 1);
  return consecutive ? `${pages[0]}–${pages.at(-1)}` : pages.join(', ');
}

const slot = (row: number, col: number) => `${row}:${col}`;
