/**
 * A document as Markdown, from its pages' layouts: running headers, footers and page numbers
 * left out; two columns read one after the other; paragraphs joined across line breaks;
 * headings from font size and weight relative to the body text, one level per distinct style;
 * bulleted and numbered lists; tables as GitHub-flavoured tables; a comment at each page break.
 * Pure: pages in, text and blocks out. The blocks are what the chunker cuts.
 */
import { unionBoxes, type Box } from '../../shared/page-layout.js';
import { orderColumns } from './columns.js';
import { groupLines, joinLines, standsOut, typicalLineGap, type DocumentMetrics, type LineGroup } from './line-groups.js';
import { findRunningLines } from './running-lines.js';
import { tableLines, tableMarkdown, tableText } from './tables.js';
import { bodySize, toTextLines, type TextLine } from './text-lines.js';
import type { Block, MarkdownDocument, MarkdownOptions, MarkdownPage, MarkdownTable } from './types.js';

/** A heading is short: longer runs of large or bold text are emphasis, not headings. */
const HEADING_MAX_WORDS = 20;
const HEADING_MAX_LINES = 3;
/** Bold text at the body size is a heading only when shorter than this. */
const BOLD_HEADING_MAX_WORDS = 12;

type Item = { readonly kind: 'group'; readonly group: LineGroup } | { readonly kind: 'table'; readonly table: MarkdownTable; readonly boxes: Box[] };

interface PageItems {
  readonly pageNumber: number;
  readonly items: Item[];
}

export function toMarkdown(pages: readonly MarkdownPage[], options: MarkdownOptions = {}): MarkdownDocument {
  const ordered = [...pages].sort((a, b) => a.pageNumber - b.pageNumber);
  const pageLines = ordered.map((page) => toTextLines(page.layout));
  const running = findRunningLines(pageLines);
  const kept = pageLines.map((lines) => lines.filter((line) => !running.has(line)));
  const body = bodySize(kept.flat());
  const content = kept.map((lines, index) => orderColumns(lines, ordered[index]!.layout.width, body));
  const metrics: DocumentMetrics = { bodySize: body, lineGap: typicalLineGap(content, body) };

  const pageItems = ordered.map((page, index): PageItems => ({ pageNumber: page.pageNumber, items: pageContent(content[index]!, page.tables ?? [], metrics) }));
  const headingStyles = headingLevels(pageItems, metrics);
  const blocks: Block[] = [];
  const parts: string[] = [];
  for (const page of pageItems) {
    if (options.pageComments ?? true) parts.push(`<!-- page ${page.pageNumber} -->`);
    const pageBlocks = toBlocks(page, headingStyles);
    blocks.push(...pageBlocks);
    parts.push(...pageBlocks.map((block) => block.markdown).filter((markdown) => markdown !== ''));
  }
  return { markdown: `${parts.join('\n\n')}\n`, blocks };
}

/** The page's groups of lines with its tables put in place of the lines they cover. */
function pageContent(lines: readonly TextLine[], tables: readonly MarkdownTable[], metrics: DocumentMetrics): Item[] {
  const tableAt = new Map<number, Item>();
  const covered = new Set<number>();
  const unplaced: Item[] = [];
  for (const table of tables) {
    const indices = tableLines(table, lines).filter((index) => !covered.has(index));
    const item: Item = { kind: 'table', table, boxes: indices.length > 0 ? [unionBoxes(indices.map((index) => lines[index]!.box))] : table.box ? [table.box] : [] };
    indices.forEach((index) => covered.add(index));
    if (indices.length === 0) unplaced.push(item);
    else tableAt.set(Math.min(...indices), item);
  }
  const items: Item[] = [];
  let run: TextLine[] = [];
  const flush = () => {
    items.push(...groupLines(run, metrics).map((group): Item => ({ kind: 'group', group })));
    run = [];
  };
  lines.forEach((line, index) => {
    const table = tableAt.get(index);
    if (table) {
      flush();
      items.push(table);
    }
    if (!covered.has(index)) run.push(line);
  });
  flush();
  return [...items, ...unplaced];
}

const styleKey = (line: TextLine) => `${line.size}|${line.bold ? 'b' : ''}`;

function isHeadingCandidate(group: LineGroup, metrics: DocumentMetrics): boolean {
  const first = group.lines[0]!;
  if (group.marker !== undefined || !standsOut(first, metrics) || group.lines.length > HEADING_MAX_LINES) return false;
  if (group.lines.some((line) => styleKey(line) !== styleKey(first))) return false;
  const words = group.lines.reduce((count, line) => count + line.words.length, 0);
  const text = joinLines(group.lines);
  if (!/\p{L}/u.test(text) || words > HEADING_MAX_WORDS || /[,;]$/.test(text)) return false;
  const large = first.size > 0 && first.size >= metrics.bodySize * 1.15;
  // Bold at the body size heads a section only when short; smaller bold text is a label or a figure's.
  return large || (first.bold && first.size >= metrics.bodySize - 0.5 && words <= BOLD_HEADING_MAX_WORDS);
}

/**
 * The heading level of each heading style (size and weight), 1 for the largest. A candidate
 * heading followed straight away by one of the same or a higher level heads nothing, and one
 * that follows one of its own style straight away neither: they are a title page's names or
 * date lines, and read as paragraphs.
 */
function headingLevels(pages: readonly PageItems[], metrics: DocumentMetrics): Map<LineGroup, number> {
  const sequence = pages.flatMap((page) => page.items.map((item) => ({ item, page: page.pageNumber })));
  const candidates = new Set(sequence.flatMap(({ item }) => (item.kind === 'group' && isHeadingCandidate(item.group, metrics) ? [item.group] : [])));
  const rank = rankStyles([...candidates].map((group) => group.lines[0]!));
  const position = new Map(sequence.flatMap(({ item }, index) => (item.kind === 'group' ? [[item.group, index] as const] : [])));
  const sameStyleCandidate = (at: number, group: LineGroup) => {
    const other = sequence[at];
    return other?.page === sequence[position.get(group)!]!.page && other.item.kind === 'group' && candidates.has(other.item.group) && styleKey(other.item.group.lines[0]!) === styleKey(group.lines[0]!);
  };
  const headings = [...candidates].filter((group) => {
    const index = position.get(group)!;
    // The second of two same-styled lines in a row (two authors' names) is no more a heading than the first.
    if (sameStyleCandidate(index - 1, group)) return false;
    const next = sequence[index + 1];
    if (next === undefined || next.page !== sequence[index]!.page || next.item.kind !== 'group' || !candidates.has(next.item.group)) return true;
    return rank.get(styleKey(next.item.group.lines[0]!))! > rank.get(styleKey(group.lines[0]!))!;
  });
  const levels = rankStyles(headings.map((group) => group.lines[0]!));
  return new Map(headings.map((group) => [group, Math.min(6, levels.get(styleKey(group.lines[0]!))! + 1)]));
}

/** Distinct styles, largest first and bold before regular at one size, numbered from 0. */
function rankStyles(lines: readonly TextLine[]): Map<string, number> {
  const styles = new Map(lines.map((line) => [styleKey(line), line]));
  const sorted = [...styles.values()].sort((a, b) => b.size - a.size || Number(b.bold) - Number(a.bold));
  return new Map(sorted.map((line, index) => [styleKey(line), index]));
}

function toBlocks(page: PageItems, headingLevelOf: Map<LineGroup, number>): Block[] {
  const blocks: Block[] = [];
  const { pageNumber } = page;
  let list: { items: string[]; markers: string[]; depths: number[]; boxes: Box[]; lefts: number[] } | undefined;
  const flushList = () => {
    if (list) blocks.push(listBlock(pageNumber, list.items, list.markers, list.depths, list.boxes));
    list = undefined;
  };
  for (const item of page.items) {
    const marker = item.kind === 'group' ? item.group.marker : undefined;
    if (item.kind === 'group' && marker !== undefined) {
      const { group } = item;
      const left = group.lines[0]!.box[0];
      list ??= { items: [], markers: [], depths: [], boxes: [], lefts: [] };
      const size = group.lines[0]!.size || 10;
      const base = Math.min(left, ...list.lefts);
      list.lefts.push(left);
      list.items.push(stripMarker(joinLines(group.lines), marker));
      list.markers.push(marker);
      list.depths.push(Math.min(3, Math.max(0, Math.round((left - base) / (size * 1.5)))));
      list.boxes.push(unionBoxes(group.lines.map((line) => line.box)));
      continue;
    }
    flushList();
    if (item.kind === 'table') {
      const markdown = tableMarkdown(item.table);
      if (markdown !== '') {
        blocks.push({
          type: 'table', text: tableText(item.table), markdown, pageNumber, boxes: item.boxes,
          rows: item.table.rows.map((row) => [...row]), headerRows: Math.min(item.table.headerRows ?? 1, item.table.rows.length),
        });
      }
      continue;
    }
    const text = joinLines(item.group.lines);
    const boxes = [unionBoxes(item.group.lines.map((line) => line.box))];
    const level = headingLevelOf.get(item.group);
    if (level !== undefined) blocks.push({ type: 'heading', text, markdown: `${'#'.repeat(level)} ${escapeInline(text)}`, level, pageNumber, boxes });
    else blocks.push({ type: 'paragraph', text, markdown: escapeParagraph(text), pageNumber, boxes });
  }
  flushList();
  return blocks;
}

const NUMERIC_MARKER = /^\(?(\d{1,3})[.)]$/;

function stripMarker(text: string, marker: string): string {
  return text.startsWith(marker) ? text.slice(marker.length).trimStart() : text;
}

function listBlock(pageNumber: number, items: string[], markers: string[], depths: number[], boxes: Box[]): Block {
  const ordered = !/^[•◦▪▫●○■□‣⁃∙·\-–—*+➢►▸✓✔]$/.test(markers[0]!);
  const markdown = items
    .map((item, index) => {
      const number = NUMERIC_MARKER.exec(markers[index]!)?.[1];
      const bullet = ordered ? `${number ?? index + 1}.` : '-';
      return `${'  '.repeat(depths[index]!)}${bullet} ${escapeInline(item)}`;
    })
    .join('\n');
  return { type: 'list', text: items.join('\n'), markdown, pageNumber, boxes, items, ordered };
}

/** Keeps text from being read as Markdown it is not: a paragraph starting like a heading, quote or list. */
function escapeParagraph(text: string): string {
  return escapeInline(text)
    .replace(/^(#{1,6}\s|>|[-+*]\s)/, '\\$1')
    .replace(/^(\d{1,9})([.)]\s)/, '$1\\$2');
}

function escapeInline(text: string): string {
  return text.replace(/([\\`<])/g, '\\$1');
}
