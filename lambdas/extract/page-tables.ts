import type { TableFinder } from './pdf-document.js';
import { findTables } from './tables/index.js';

/** The tables of a page, ruled and unruled, from its layout and drawing (see tables/). */
export const findPageTables: TableFinder = (layout, graphics) => findTables(layout, graphics);
