export { findTables } from './find-tables.js';
export { linkTablesAcrossPages, mergeTables, type MergedTable } from './cross-page.js';
export type { ExtractedTable, FindTablesOptions, TableCell, TableRef } from './table-types.js';
