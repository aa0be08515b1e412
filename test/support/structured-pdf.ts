/**
 * Documents with a known structure, for the Markdown writer's tests and bench: headings at three
 * levels (larger, bold), paragraphs over several lines (one word broken by a hyphen), bulleted and
 * numbered lists with hanging lines, a two-column section whose lines the content stream
 * interleaves row by row, a table, and a running header and footer with page numbers on every
 * page. Each document comes with what a reader sees in it, in reading order.
 */
import type { Box } from '../../lambdas/shared/page-layout.js';
import { makePlacedTextPdf, type PlacedText } from './pdf-factory.js';

export type ExpectedBlock =
  | { readonly type: 'heading'; readonly text: string; readonly level: number }
  | { readonly type: 'paragraph'; readonly text: string }
  | { readonly type: 'list'; readonly ordered: boolean; readonly items: readonly string[] }
  | { readonly type: 'table'; readonly rows: readonly (readonly string[])[] };

export interface StructuredTable {
  readonly pageNumber: number;
  readonly rows: readonly (readonly string[])[];
  /** In layout coordinates (top-left origin), as a table finder would give it. */
  readonly box: Box;
}

export interface StructuredPdf {
  readonly bytes: Uint8Array;
  /** What the document holds, in reading order. */
  readonly expected: readonly ExpectedBlock[];
  readonly tables: readonly StructuredTable[];
  readonly runningHeader: string;
  readonly pageCount: number;
}

export interface StructuredPdfOptions {
  /** Varies the words and the number of sections. @default 1 */
  readonly seed?: number;
  /** Sections of single-column text before the two-column one. @default 3 */
  readonly sections?: number;
}

const WIDTH = 612;
const HEIGHT = 792;
const MARGIN = 72;
const BODY = 10;
const LEADING = 13;
const HEADING_SIZES = { 1: 20, 2: 15, 3: 12 } as const;
const TOP = 90;
const BOTTOM = HEIGHT - 80;
const GUTTER = 24;
/** Helvetica's advance widths (per 1000 em) for the characters the generator writes. */
const HELVETICA: Readonly<Record<string, number>> = {
  ...Object.fromEntries([...'abdeghnopqu0123456789'].map((char) => [char, 556])),
  ...Object.fromEntries([...'cksvxyzJ'].map((char) => [char, 500])),
  ...Object.fromEntries([...'fijlt .,:I'].map((char) => [char, char === 'i' || char === 'j' || char === 'l' ? 222 : 278])),
  r: 333, '-': 333, m: 833, w: 722, '%': 889,
  ...Object.fromEntries([...'ABEKPSVXY'].map((char) => [char, 667])),
  ...Object.fromEntries([...'CDHNRU'].map((char) => [char, 722])),
  F: 611, T: 611, Z: 611, G: 778, O: 778, Q: 778, L: 556, M: 833, W: 944,
};
const textWidth = (text: string, size = BODY) => ([...text].reduce((sum, char) => sum + (HELVETICA[char] ?? 556), 0) * size) / 1000;

const VOCABULARY = (
  'data model river stone signal layer budget harbor market system method result sample figure value region ' +
  'process table column energy policy metric record storage network window travel garden winter summer account ' +
  'planning measure review extraction integration architecture transformation configuration documentation'
).split(' ');

/** A small deterministic generator (mulberry32), so a seed always gives the same document. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeStructuredPdf(options: StructuredPdfOptions = {}): StructuredPdf {
  const next = random(options.seed ?? 1);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const sentence = (words: number) => {
    const chosen = Array.from({ length: words }, () => pick(VOCABULARY));
    return `${chosen.join(' ').replace(/^./, (char) => char.toUpperCase())}.`;
  };
  const paragraph = (sentences: number) => Array.from({ length: sentences }, () => sentence(6 + Math.floor(next() * 8))).join(' ');

  const pages: PlacedText[][] = [[]];
  const expected: ExpectedBlock[] = [];
  const tables: StructuredTable[] = [];
  let y = TOP;
  const page = () => pages.at(-1)!;
  const newPage = () => {
    pages.push([]);
    y = TOP;
  };
  const ensure = (height: number) => {
    if (y + height > BOTTOM) newPage();
  };
  const put = (text: string, x: number, top: number, size = BODY, bold = false) => page().push({ text, x, y: HEIGHT - top - size, size, bold });

  const heading = (text: string, level: 1 | 2 | 3) => {
    const size = HEADING_SIZES[level];
    ensure(size * 1.4 + LEADING * 3);
    y += level === 1 ? 0 : 10;
    put(text, MARGIN, y, size, true);
    y += size * 1.4 + 4;
    expected.push({ type: 'heading', text, level });
  };
  const textLines = (text: string, width: number, x: number, firstIndent = 0, hang = 0) => {
    const lines = wrap(text, width - Math.max(firstIndent, hang), true);
    return lines.map((line, index) => ({ text: line, x: x + (index === 0 ? firstIndent : hang) }));
  };
  const para = (text: string) => {
    const lines = textLines(text, WIDTH - 2 * MARGIN, MARGIN, 12);
    ensure(lines.length * LEADING);
    for (const line of lines) {
      put(line.text, line.x, y);
      y += LEADING;
    }
    y += 6;
    expected.push({ type: 'paragraph', text });
  };
  const list = (items: readonly string[], ordered: boolean) => {
    items.forEach((item, index) => {
      const marker = ordered ? `${index + 1}.` : '•';
      const lines = textLines(item, WIDTH - 2 * MARGIN - 18, MARGIN + 18);
      ensure(lines.length * LEADING);
      put(marker, MARGIN + 4, y);
      for (const line of lines) {
        put(line.text, line.x, y);
        y += LEADING;
      }
    });
    y += 6;
    expected.push({ type: 'list', ordered, items });
  };
  const table = (rows: readonly (readonly string[])[]) => {
    const columnWidth = (WIDTH - 2 * MARGIN) / rows[0]!.length;
    ensure(rows.length * (LEADING + 2) + 10);
    const top = y;
    for (const row of rows) {
      row.forEach((cell, column) => put(cell, MARGIN + column * columnWidth, y, BODY, y === top));
      y += LEADING + 2;
    }
    tables.push({ pageNumber: pages.length, rows, box: [MARGIN - 2, top - 2, WIDTH - MARGIN, y] });
    y += 8;
    expected.push({ type: 'table', rows });
  };
  /** Two columns, written row by row across both as some producers do: reading order must be recovered. */
  const twoColumns = (paragraphs: readonly string[]) => {
    const columnWidth = (WIDTH - 2 * MARGIN - GUTTER) / 2;
    const lines = paragraphs.flatMap((text, index) => [
      ...textLines(text, columnWidth, 0, 12).map((line) => ({ ...line, gap: 0 })),
      ...(index < paragraphs.length - 1 ? [{ text: '', x: 0, gap: 1 }] : []),
    ]);
    const half = Math.ceil(lines.length / 2);
    const [left, right] = [lines.slice(0, half), lines.slice(half)];
    while (right[0]?.text === '') right.shift();
    ensure(half * LEADING);
    for (let row = 0; row < half; row += 1) {
      const top = y + row * LEADING;
      if (left[row]?.text) put(left[row]!.text, MARGIN + left[row]!.x, top);
      if (right[row]?.text) put(right[row]!.text, MARGIN + columnWidth + GUTTER + right[row]!.x, top);
    }
    y += half * LEADING + 6;
    paragraphs.forEach((text) => expected.push({ type: 'paragraph', text }));
  };

  heading('Structured Report on Sample Systems', 1);
  para(paragraph(4));
  const sections = options.sections ?? 3;
  for (let section = 1; section <= sections; section += 1) {
    heading(`${section} ${sentence(3).slice(0, -1)}`, 2);
    para(paragraph(3 + Math.floor(next() * 3)));
    if (section === 1) para(`The ${pick(VOCABULARY)} pipeline performs ${'extraction'} and ${'transformation'} of every ${pick(VOCABULARY)} record before ${'documentation'} and ${'configuration'} review in the ${'architecture'} group today.`);
    heading(`${section}.1 ${sentence(2).slice(0, -1)}`, 3);
    para(paragraph(2 + Math.floor(next() * 3)));
    if (section % 2 === 1) list(Array.from({ length: 3 }, (_, index) => (index === 1 ? paragraph(2) : sentence(5))), section % 4 === 3);
    else list(Array.from({ length: 3 }, () => sentence(4)), true);
    heading(`${section}.2 ${sentence(2).slice(0, -1)}`, 3);
    para(paragraph(3));
  }
  heading(`${sections + 1} Results in Two Columns`, 2);
  twoColumns([paragraph(5), paragraph(4), paragraph(5), paragraph(3)]);
  heading(`${sections + 2} Measurements`, 2);
  para(paragraph(2));
  table([
    ['Region', 'Samples', 'Median', 'Share'],
    ...Array.from({ length: 5 }, (_, index) => [`${pick(VOCABULARY)} ${index + 1}`, String(100 + Math.floor(next() * 900)), (next() * 10).toFixed(2), `${Math.floor(next() * 100)}%`]),
  ]);
  para(paragraph(3));

  const runningHeader = 'Structured Report - Internal Review';
  const pageCount = pages.length;
  pages.forEach((runs, index) => {
    // Header and footer first in the stream, as many producers write their page template.
    runs.unshift(
      { text: runningHeader, x: MARGIN, y: HEIGHT - 40, size: 8 },
      { text: `Page ${index + 1} of ${pageCount}`, x: WIDTH / 2 - 20, y: 40, size: 8 },
    );
  });
  return { bytes: makePlacedTextPdf(pages, { width: WIDTH, height: HEIGHT }), expected, tables, runningHeader, pageCount };
}

/**
 * Wraps text to a width in points at the body size, as a typesetter fills ragged-right lines;
 * with `hyphenate`, a long word that would start a line is broken with a hyphen instead.
 */
function wrap(text: string, width: number, hyphenate: boolean): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (textWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    // The longest head of the word that fits with its hyphen.
    let head = word.length - 3;
    while (head >= 4 && textWidth(`${line} ${word.slice(0, head)}-`) > width) head -= 1;
    if (hyphenate && line !== '' && word.length >= 10 && head >= 4 && /^[a-z]+[.]?$/.test(word)) {
      lines.push(`${line} ${word.slice(0, head)}-`);
      line = word.slice(head);
      continue;
    }
    lines.push(line);
    line = word;
  }
  if (line !== '') lines.push(line);
  return lines;
}
