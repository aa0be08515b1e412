import type { Box, LayoutWord } from '../../shared/page-layout.js';
import { unionBoxes } from '../../shared/page-layout.js';
import { groupRows } from './rows.js';
import { buildTable, type DraftCell } from './table-build.js';
import type { ExtractedTable } from './table-types.js';
import { centreX, heightOf, isNumeric, visualLines } from './words.js';

/** A gap wider than this many line heights splits a line into segments (word spaces are ~0.25). */
const SEGMENT_GAP = 0.75;
/** Lines further apart than this many line heights are not one table. */
const MAX_LINE_GAP = 2.2;
/** A column gap may be crossed by this fraction of a block's lines (a long label, a total). */
const GAP_CROSSING_FRACTION = 0.12;
/** Single-segment lines (wrapped cells, section labels) allowed in a row inside a table. */
const MAX_SINGLE_RUN = 2;
/** Cells of prose hold sentences: more words than this in a typical cell is not a table. */
const MAX_MEDIAN_WORDS = 4;
/** A column whose cells average more words than this holds prose (a column of a page, not a table). */
const MAX_COLUMN_WORDS = 5.5;
/** How many times a block may shed a prose column and be searched again. */
const MAX_PROSE_SPLITS = 2;
/** Cells of lone letters or marks (rotated margin text, diagram glyphs) past this share are no table. */
const MAX_LONE_CHARACTER_SHARE = 0.4;
/** Leader dots (a table of contents) in this share of rows make a list, not a table. */
const MAX_LEADER_ROWS = 0.5;
/** Rows at a table's edges averaging more words a cell than this are prose beside it. */
const PROSE_ROW_WORDS = 6;
const MIN_ROWS = 3;
/** The share of rows that must fill two cells or more. */
const MIN_MULTI_CELL_ROWS = 0.6;

interface Segment {
  readonly words: LayoutWord[];
  readonly left: number;
  readonly right: number;
}

interface Line {
  readonly words: LayoutWord[];
  readonly segments: Segment[];
  readonly top: number;
  readonly bottom: number;
  readonly height: number;
}

/**
 * Tables without rules. Lines are cut into segments at wide gaps; runs of lines whose gaps line up
 * form blocks; gaps that (almost) no line of a block crosses are column boundaries; rows come from
 * baselines, with continuation lines joined (see groupRows). Guards against prose: a block must
 * have several rows of mostly several cells, and short cells (prose columns hold sentences).
 */
export function findUnruledTables(words: readonly LayoutWord[], page: number, depth = 0): ExtractedTable[] {
  const lines = visualLines(words).map(toLine);
  const tables: ExtractedTable[] = [];
  for (const block of blocks(lines)) {
    const table = blockTable(block, page);
    if (table) tables.push(table);
    else if (depth < MAX_PROSE_SPLITS) {
      // A column of prose beside a table joins its lines: without it, the table may stand alone.
      const prose = proseEdgeColumn(block);
      if (prose) tables.push(...findUnruledTables(block.flatMap((line) => line.words).filter((word) => !prose.has(word)), page, depth + 1));
    }
  }
  return tables;
}

/** The words of a block's first or last column when that column reads as prose, or undefined. */
function proseEdgeColumn(block: readonly Line[]): Set<LayoutWord> | undefined {
  const columns = columnsOf(block);
  if (columns.length < 3) return undefined;
  for (const [left, right] of [columns[0]!, columns[columns.length - 1]!]) {
    const inside = block.flatMap((line) => line.segments).filter((segment) => {
      const centre = (segment.left + segment.right) / 2;
      return centre >= left && centre <= right;
    });
    const mean = inside.reduce((sum, segment) => sum + segment.words.length, 0) / Math.max(inside.length, 1);
    if (mean > MAX_COLUMN_WORDS) return new Set(inside.flatMap((segment) => segment.words));
  }
  return undefined;
}

function toLine(words: LayoutWord[]): Line {
  const height = Math.max(...words.map((word) => heightOf(word.box)));
  const segments: Segment[] = [];
  for (const word of words) {
    const last = segments[segments.length - 1];
    if (last && word.box[0] - last.right <= height * SEGMENT_GAP) {
      last.words.push(word);
      segments[segments.length - 1] = { words: last.words, left: last.left, right: Math.max(last.right, word.box[2]) };
    } else {
      segments.push({ words: [word], left: word.box[0], right: word.box[2] });
    }
  }
  return { words, segments, top: Math.min(...words.map((w) => w.box[1])), bottom: Math.max(...words.map((w) => w.box[3])), height };
}

/** The whitespace intervals between a line's segments. */
function gapsOf(line: Line): [number, number][] {
  return line.segments.slice(1).map((segment, index) => [line.segments[index]!.right, segment.left]);
}

function sharesGap(a: Line, b: Line): boolean {
  return gapsOf(a).some(([l1, r1]) => gapsOf(b).some(([l2, r2]) => Math.min(r1, r2) - Math.max(l1, l2) > 0));
}

/** Runs of close lines whose multi-segment lines share gaps with the one before. */
function blocks(lines: readonly Line[]): Line[][] {
  const found: Line[][] = [];
  let current: Line[] = [];
  let lastMulti: Line | undefined;
  let singles: Line[] = [];
  const close = () => {
    if (current.length > 0) found.push(current);
    current = [];
    lastMulti = undefined;
    singles = [];
  };
  for (const line of lines) {
    const previous = singles[singles.length - 1] ?? current[current.length - 1];
    const near = previous !== undefined && line.top - previous.bottom < MAX_LINE_GAP * Math.max(line.height, previous.height);
    if (!near) close();
    if (line.segments.length < 2) {
      if (lastMulti) {
        singles.push(line);
        if (singles.length > MAX_SINGLE_RUN) close();
      }
      continue;
    }
    if (lastMulti && !sharesGap(lastMulti, line)) close();
    current.push(...singles, line);
    singles = [];
    lastMulti = line;
  }
  close();
  return found;
}

/** Column boundaries: x intervals that at most a few of the block's multi-segment lines cross. */
function columnsOf(block: readonly Line[]): [number, number][] {
  const multi = block.filter((line) => line.segments.length >= 2);
  const left = Math.min(...block.map((line) => line.segments[0]!.left));
  const right = Math.max(...block.map((line) => line.segments[line.segments.length - 1]!.right));
  const step = 0.5;
  const size = Math.ceil((right - left) / step) + 1;
  const crossings = new Array<number>(size).fill(0);
  for (const line of multi) {
    for (const segment of line.segments) {
      for (let i = Math.floor((segment.left - left) / step); i <= Math.ceil((segment.right - left) / step); i += 1) crossings[i] = (crossings[i] ?? 0) + 1;
    }
  }
  const limit = Math.floor(multi.length * GAP_CROSSING_FRACTION);
  const minGap = Math.min(...multi.map((line) => line.height)) * 0.5;
  const columns: [number, number][] = [];
  let start: number | undefined;
  let gapStart: number | undefined;
  for (let i = 0; i < size; i += 1) {
    const x = left + i * step;
    const open = crossings[i]! <= limit;
    if (!open && start === undefined) start = x;
    if (open && start !== undefined && gapStart === undefined) gapStart = x;
    if (!open && gapStart !== undefined) {
      if (x - gapStart >= minGap) {
        columns.push([start!, gapStart]);
        start = x;
      }
      gapStart = undefined;
    }
  }
  if (start !== undefined) columns.push([start, right]);
  return columns;
}

function blockTable(block: readonly Line[], page: number): ExtractedTable | undefined {
  if (block.filter((line) => line.segments.length >= 2).length < MIN_ROWS) return undefined;
  const columns = columnsOf(block);
  if (columns.length < 2) return undefined;
  const edges = [...columns.map(([left]) => left), columns[columns.length - 1]![1]];
  const columnOf = (word: LayoutWord) => {
    const x = centreX(word.box);
    const index = columns.findIndex(([, right], i) => x <= right || i === columns.length - 1);
    return Math.max(0, index);
  };
  const spanOf = (segment: Segment) => {
    const first = columnOf(segment.words[0]!);
    const last = columnOf(segment.words[segment.words.length - 1]!);
    return [first, last] as const;
  };
  let rows = groupRows(block.map((line) => line.words), columnOf);
  rows = trimProse(rows, columnOf);
  if (rows.length < MIN_ROWS) return undefined;
  const segmentsByWord = new Map<LayoutWord, Segment>();
  for (const line of block) for (const segment of line.segments) for (const word of segment.words) segmentsByWord.set(word, segment);
  const drafts: DraftCell[] = [];
  rows.forEach((row, r) => {
    const cells = new Map<number, DraftCell>();
    for (const word of row.flat()) {
      const [first, last] = spanOf(segmentsByWord.get(word)!);
      const existing = [...cells.values()].find((cell) => first < cell.col + cell.colSpan && last >= cell.col);
      if (existing) {
        const end = Math.max(existing.col + existing.colSpan - 1, last);
        existing.col = Math.min(existing.col, first);
        existing.colSpan = end - existing.col + 1;
        existing.words.push(word);
      } else {
        cells.set(first, { row: r, col: first, rowSpan: 1, colSpan: last - first + 1, box: word.box, words: [word] });
      }
    }
    for (const cell of cells.values()) drafts.push({ ...cell, box: unionBoxes(cell.words.map((word) => word.box)) });
  });
  if (!looksTabular(rows, drafts, columns.length)) return undefined;
  const allWords = rows.flat(2);
  const box: Box = unionBoxes(allWords.map((word) => word.box));
  const filledGrid = fillGaps(drafts, rows.length, columns.length, edges, rows);
  return buildTable('unruled', page, filledGrid, rows.length, columns.length, edges, box);
}

/** Empty slots become empty cells so that every slot has one, as in a ruled grid. */
function fillGaps(drafts: DraftCell[], rowCount: number, colCount: number, edges: readonly number[], rows: LayoutWord[][][]): DraftCell[] {
  const taken = new Set<string>();
  for (const cell of drafts) for (let k = 0; k < cell.colSpan; k += 1) taken.add(`${cell.row}:${cell.col + k}`);
  const out = [...drafts];
  for (let r = 0; r < rowCount; r += 1) {
    const words = rows[r]!.flat();
    const top = Math.min(...words.map((w) => w.box[1]));
    const bottom = Math.max(...words.map((w) => w.box[3]));
    for (let c = 0; c < colCount; c += 1) {
      if (!taken.has(`${r}:${c}`)) out.push({ row: r, col: c, rowSpan: 1, colSpan: 1, box: [edges[c]!, top, edges[c + 1]!, bottom], words: [] });
    }
  }
  return out.sort((a, b) => a.row - b.row || a.col - b.col);
}

function wordsPerCell(row: readonly (readonly LayoutWord[])[], columnOf: (word: LayoutWord) => number): number {
  const cols = new Set(row.flat().map(columnOf));
  return row.flat().length / Math.max(cols.size, 1);
}

/** Drops leading and trailing rows that read as prose (long runs of words in a cell). */
function trimProse(rows: LayoutWord[][][], columnOf: (word: LayoutWord) => number): LayoutWord[][][] {
  let start = 0;
  let end = rows.length;
  while (start < end && wordsPerCell(rows[start]!, columnOf) > PROSE_ROW_WORDS) start += 1;
  while (end > start && wordsPerCell(rows[end - 1]!, columnOf) > PROSE_ROW_WORDS) end -= 1;
  return rows.slice(start, end);
}

/** Guards against prose: most rows fill two cells or more, and a typical cell is short. */
function looksTabular(rows: readonly (readonly (readonly LayoutWord[])[])[], drafts: readonly DraftCell[], columnCount: number): boolean {
  const perRow = rows.map((_, r) => drafts.filter((cell) => cell.row === r).length);
  const multi = perRow.filter((count) => count >= 2).length;
  if (multi < MIN_ROWS || multi / rows.length < MIN_MULTI_CELL_ROWS) return false;
  const counts = drafts.map((cell) => cell.words.length).sort((a, b) => a - b);
  const median = counts[Math.floor(counts.length / 2)]!;
  if (median > MAX_MEDIAN_WORDS) return false;
  const texts = drafts.filter((cell) => cell.words.length > 0).map((cell) => cell.words.map((word) => word.text).join(' '));
  const lone = texts.filter((text) => text.length === 1 && !/\d/.test(text)).length;
  if (lone > texts.length * MAX_LONE_CHARACTER_SHARE) return false;
  if (texts.filter((text) => /\.{5,}|(\. ){4,}/.test(text)).length > rows.length * MAX_LEADER_ROWS) return false;
  for (let col = 0; col < columnCount; col += 1) {
    const cells = drafts.filter((cell) => cell.col === col && cell.colSpan === 1 && cell.words.length > 0);
    const mean = cells.reduce((sum, cell) => sum + cell.words.length, 0) / Math.max(cells.length, 1);
    if (mean > MAX_COLUMN_WORDS) return false;
  }
  // Two columns of words only, with cells as long as prose lines, are a two-column page.
  if (columnCount === 2) {
    const numeric = drafts.filter((cell) => isNumeric(cell.words.map((w) => w.text).join(''))).length;
    if (numeric === 0 && median > 2) return false;
  }
  return true;
}
