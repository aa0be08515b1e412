/**
 * The table finder: pure functions over a page's layout (words with boxes) and drawing (stroked
 * segments, filled rectangles), as the extractor's engine reads them. No engine is imported here.
 *
 * - `findTables(layout, graphics)` → the page's tables, ruled and unruled, top to bottom;
 * - `linkTablesAcrossPages(page n's, page n + 1's)` → the same tables, a table that a page break
 *   cut marked `continuedOn` / `continuesFrom`;
 * - `mergeTables(all of a document's, in page order)` → linked tables joined into one.
 */
export { findTables } from './find-tables.js';
export { linkTablesAcrossPages, mergeTables, type MergedTable } from '../../shared/table-links.js';
export type { ExtractedTable, FindTablesOptions, TableCell, TableRef } from './table-types.js';
