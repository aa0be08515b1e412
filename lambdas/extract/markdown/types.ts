/**
 * The document model the Markdown writer and the chunker share: blocks in reading order, each
 * pointing back to its page and boxes. Pure data, so chunks can be cut from stored blocks.
 */
import type { Box, PageLayout } from '../../shared/page-layout.js';

/** A table as the page's table finder gives it; `box` and `headerRows` when the finder knows them. */
export interface MarkdownTable {
  readonly rows: readonly (readonly string[])[];
  /** Rows at the top that head the columns. @default 1 */
  readonly headerRows?: number;
  /** Where the table sits on the page, to place it in the reading order and drop its lines from the text. */
  readonly box?: Box;
}

/** What the writer needs of an extracted page. */
export interface MarkdownPage {
  readonly pageNumber: number;
  readonly layout: PageLayout;
  readonly tables?: readonly MarkdownTable[];
}

export type BlockType = 'heading' | 'paragraph' | 'list' | 'table';

export interface Block {
  readonly type: BlockType;
  /** Plain text: a heading's or paragraph's words; list items one a line; a table's rows one a line, cells tab-separated. */
  readonly text: string;
  /** The block as Markdown (`## Heading`, `- item`, a GitHub-flavoured table). */
  readonly markdown: string;
  /** Heading level, 1 (largest) to 6. */
  readonly level?: number;
  readonly pageNumber: number;
  /** Where the block is on its page: one box per line group (list items, table). */
  readonly boxes: readonly Box[];
  /** A list's items (without their markers), so a chunker can cut between them. */
  readonly items?: readonly string[];
  /** A numbered list. */
  readonly ordered?: boolean;
  /** A table's rows, the header rows first, cells already cleaned. */
  readonly rows?: readonly (readonly string[])[];
  readonly headerRows?: number;
}

export interface MarkdownOptions {
  /** Write `<!-- page N -->` before each page's content. @default true */
  readonly pageComments?: boolean;
}

export interface MarkdownDocument {
  readonly markdown: string;
  readonly blocks: readonly Block[];
}
