/**
 * How close the Markdown writer's blocks come to a document's known structure: heading
 * precision and recall, and reading-order accuracy of paragraphs. Shared by the tests and the
 * bench so both measure the same thing.
 */
import { findPageTables } from '../../lambdas/extract/page-tables.js';
import { parsePdf, type ParsedPage } from '../../lambdas/extract/pdf-document.js';
import type { Block, MarkdownPage } from '../../lambdas/extract/markdown/types.js';
import type { ExpectedBlock, StructuredPdf } from './structured-pdf.js';

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();

export interface HeadingScore {
  readonly precision: number;
  readonly recall: number;
  /** Of the headings found, the share at the expected level. */
  readonly levelAccuracy: number;
}

export function scoreHeadings(blocks: readonly Block[], expected: readonly ExpectedBlock[]): HeadingScore {
  const found = blocks.filter((block) => block.type === 'heading');
  const wanted = new Map(expected.flatMap((block) => (block.type === 'heading' ? [[normalise(block.text), block.level] as const] : [])));
  const matched = found.filter((block) => wanted.has(normalise(block.text)));
  const rightLevel = matched.filter((block) => wanted.get(normalise(block.text)) === block.level);
  return {
    precision: found.length === 0 ? 0 : matched.length / found.length,
    recall: wanted.size === 0 ? 1 : new Set(matched.map((block) => normalise(block.text))).size / wanted.size,
    levelAccuracy: matched.length === 0 ? 0 : rightLevel.length / matched.length,
  };
}

/**
 * Reading order of paragraphs: the expected paragraphs found word for word among the blocks,
 * in the longest run that keeps their order, as a share of all expected paragraphs. A paragraph
 * cut in two, merged with another, or read out of order counts against it.
 */
export function paragraphOrder(blocks: readonly Block[], expected: readonly ExpectedBlock[]): number {
  const wanted = expected.flatMap((block) => (block.type === 'paragraph' ? [normalise(block.text)] : []));
  const position = new Map(blocks.filter((block) => block.type === 'paragraph').map((block, index) => [normalise(block.text), index]));
  const found = wanted.map((text) => position.get(text)).filter((index): index is number => index !== undefined);
  return wanted.length === 0 ? 1 : longestIncreasing(found) / wanted.length;
}

function longestIncreasing(values: readonly number[]): number {
  const tails: number[] = [];
  for (const value of values) {
    let [low, high] = [0, tails.length];
    while (low < high) {
      const middle = (low + high) >> 1;
      if (tails[middle]! < value) low = middle + 1;
      else high = middle;
    }
    tails[low] = value;
  }
  return tails.length;
}

/** Extracts a PDF's pages with the extractor's parser and table finder, as the Markdown writer receives them. */
export async function extractPages(bytes: Uint8Array, maxPages = 2000): Promise<ParsedPage[]> {
  const pages: ParsedPage[] = [];
  await parsePdf(bytes, { maxPages, findTables: findPageTables }, { document: () => undefined, page: (page) => pages.push(page) });
  return pages;
}

/** A generated document's pages with its tables given as a table finder would (rows and box). */
export function markdownPages(pages: readonly ParsedPage[], document?: StructuredPdf): MarkdownPage[] {
  return pages.map((page) => ({
    pageNumber: page.pageNumber,
    layout: page.layout,
    tables: document ? document.tables.filter((table) => table.pageNumber === page.pageNumber) : page.tables,
  }));
}
