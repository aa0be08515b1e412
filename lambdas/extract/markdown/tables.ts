/**
 * Tables in the Markdown: where a table sits in the page's reading order (its box when the finder
 * gives one, else the run of lines made of its cells' words), and the table as GitHub-flavoured
 * Markdown.
 */
import type { TextLine } from './text-lines.js';
import type { MarkdownTable } from './types.js';

/** A line belongs to a table found without a box when this share of its words are the table's. */
const TABLE_WORD_SHARE = 0.8;
/** Inside the table's box, a line is the table's when this share of its words are. */
const BOXED_WORD_SHARE = 0.5;

const tokens = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * The indices of the page's ordered lines that the table covers, as one contiguous run (the
 * table takes the place of its first line); empty when it cannot be placed.
 */
export function tableLines(table: MarkdownTable, lines: readonly TextLine[]): number[] {
  const words = new Set(table.rows.flatMap((row) => row.flatMap(tokens)));
  const share = (line: TextLine) => {
    const lineTokens = tokens(line.text);
    return lineTokens.length === 0 ? 1 : lineTokens.filter((token) => words.has(token)).length / lineTokens.length;
  };
  if (table.box) {
    const [left, top, right, bottom] = table.box;
    // A line in the box that is mostly not the table's words (a footnote under it) stays text.
    return lines.flatMap((line, index) => {
      const [x, y] = [(line.box[0] + line.box[2]) / 2, (line.box[1] + line.box[3]) / 2];
      return x >= left && x <= right && y >= top && y <= bottom && share(line) >= BOXED_WORD_SHARE ? [index] : [];
    });
  }
  const inTable = lines.map((line) => {
    const lineTokens = tokens(line.text);
    return lineTokens.length > 0 && lineTokens.filter((token) => words.has(token)).length / lineTokens.length >= TABLE_WORD_SHARE;
  });
  let best: [number, number] = [0, 0];
  for (let start = 0; start < lines.length; start += 1) {
    let end = start;
    while (end < lines.length && inTable[end]) end += 1;
    if (end - start > best[1] - best[0]) best = [start, end];
    start = Math.max(start, end);
  }
  const run = best[1] - best[0];
  return run >= Math.min(2, table.rows.length) ? Array.from({ length: run }, (_, offset) => best[0] + offset) : [];
}

const cleanCell = (cell: string) => cell.replace(/\s+/g, ' ').trim();
const escapeCell = (cell: string) => cleanCell(cell).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

/**
 * The table's rows with header rows merged into one (GitHub tables have a single header row),
 * each row padded to the widest. A spanning cell the finder repeats across its columns stays
 * in each; one it leaves empty stays empty.
 */
export function tableGrid(table: MarkdownTable): { header: string[]; body: string[][] } {
  const width = Math.max(0, ...table.rows.map((row) => row.length));
  const rows = table.rows.map((row) => [...row.map(cleanCell), ...Array<string>(width - row.length).fill('')]);
  const headerRows = Math.min(table.headerRows ?? 1, rows.length);
  const header = Array.from({ length: width }, (_, column) => {
    const parts = rows.slice(0, headerRows).map((row) => row[column]!).filter((cell) => cell !== '');
    return parts.filter((cell, index) => parts.indexOf(cell) === index).join(' ');
  });
  return { header, body: rows.slice(headerRows) };
}

export function tableMarkdown(table: MarkdownTable): string {
  const { header, body } = tableGrid(table);
  if (header.length === 0) return '';
  const row = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [row(header), `| ${header.map(() => '---').join(' | ')} |`, ...body.map(row)].join('\n');
}

/** The table as plain text: a row a line, cells tab-separated. */
export function tableText(table: MarkdownTable): string {
  return table.rows.map((row) => row.map(cleanCell).join('\t')).join('\n');
}
