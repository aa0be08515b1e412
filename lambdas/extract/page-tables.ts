import type { TableFinder } from './pdf-document.js';

/** The tables of a page, from its layout and drawing. */
export const findPageTables: TableFinder = () => [];
