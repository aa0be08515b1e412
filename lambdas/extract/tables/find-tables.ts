import type { PageGraphics, PageLayout } from '../../shared/page-layout.js';
import { findRuledTables } from './ruled.js';
import { findRules } from './rules.js';
import { type ExtractedTable, type FindTablesOptions, resolveOptions } from './table-types.js';
import { findUnruledTables } from './unruled.js';
import { pageWords } from './words.js';

/**
 * The tables of a page, top to bottom: ruled tables from the page's drawing, then tables without
 * rules among the words that no ruled table holds. Pure: the layout and graphics are all it reads.
 */
export function findTables(layout: PageLayout, graphics: PageGraphics, options?: FindTablesOptions): ExtractedTable[] {
  const resolved = resolveOptions(options);
  const words = pageWords(layout);
  if (words.length === 0) return [];
  const rules = findRules(graphics, layout, resolved);
  const ruled = findRuledTables(words, rules, layout.pageNumber, resolved);
  const unruled = resolved.unruled ? findUnruledTables(words.filter((word) => !ruled.claimed.has(word)), layout.pageNumber) : [];
  return [...ruled.tables, ...unruled].sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
}
