import type { Box, LayoutWord } from '../../shared/page-layout.js';
import { groupRows, occupiedColumns } from './rows.js';
import { coverage, type Rule, type Rules } from './rules.js';
import type { ExtractedTable, ResolvedOptions } from './table-types.js';
import { buildTable, type DraftCell } from './table-build.js';
import { centreX, centreY, heightOf, isNumeric, visualLines } from './words.js';

/** Grid lines closer than this are one (double rules, a rule drawn over a fill's edge). */
const MIN_CELL_SIZE = 4;
/** A grid with fewer of its slots filled than this is a diagram's or a chart's, not a table. */
const MIN_FILLED_SHARE = 0.1;
/**
 * A ruled band is cut into rows by its text when it holds at least this many rows filling two
 * columns: fewer are a header or a cell whose lines wrap side by side.
 */
const MIN_SPLIT_ROWS = 3;
/** Words closer than this many line heights belong to one phrase (a word space is about 0.25). */
const PHRASE_GAP = 0.5;
/** Grids of at most this many slots are small: a plot's axes and frame make such grids. */
const SMALL_GRID = 64;
/** A small grid is a table when at least this share of its cells hold text. */
const SMALL_GRID_FILLED_SHARE = 0.4;
/** A boundary exists between two grid slots when rules cover at least this much of it. */
const MIN_BOUNDARY_COVERAGE = 0.5;

export interface RuledTables {
  readonly tables: ExtractedTable[];
  /** Words inside the tables' (and charts') boxes, left out of the search for unruled tables. */
  readonly claimed: Set<LayoutWord>;
}

/**
 * Ruled tables: rules that cross or touch form a grid; its lines cut the grid into slots; slots
 * with no rule between them form one spanning cell; words go to the cell holding their centre.
 * A ruled band holding several rows of text without rules between them (a body ruled only at
 * its edges) is cut into rows the way unruled tables are.
 */
export function findRuledTables(words: readonly LayoutWord[], rules: Rules, page: number, options: ResolvedOptions): RuledTables {
  const tables: ExtractedTable[] = [];
  const claimed = new Set<LayoutWord>();
  for (const component of connectedGrids(rules, options.snapTolerance)) {
    const found = gridTable(component, words, page, options);
    if (!found) continue;
    // A chart's labels are claimed too: read as a table without rules they would be one.
    if ('table' in found) tables.push(found.table);
    const [left, top, right, bottom] = found.box;
    for (const word of words) {
      const x = centreX(word.box);
      const y = centreY(word.box);
      if (x >= left && x <= right && y >= top && y <= bottom) claimed.add(word);
    }
  }
  tables.sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
  return { tables, claimed };
}

/** Groups rules into sets that touch one another (union-find over horizontal × vertical crossings). */
function connectedGrids(rules: Rules, tolerance: number): Rules[] {
  const all = [...rules.horizontal, ...rules.vertical];
  const parent = all.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const h = rules.horizontal.length;
  rules.horizontal.forEach((hr, i) => {
    rules.vertical.forEach((vr, j) => {
      const meets = vr.at >= hr.from - tolerance && vr.at <= hr.to + tolerance && hr.at >= vr.from - tolerance && hr.at <= vr.to + tolerance;
      if (meets) parent[find(i)] = find(h + j);
    });
  });
  const groups = new Map<number, { horizontal: Rule[]; vertical: Rule[] }>();
  all.forEach((rule, i) => {
    const root = find(i);
    const group = groups.get(root) ?? { horizontal: [], vertical: [] };
    (i < h ? group.horizontal : group.vertical).push(rule);
    groups.set(root, group);
  });
  return [...groups.values()].filter((group) => group.horizontal.length > 0 && group.vertical.length > 0);
}

/** Positions closer than MIN_CELL_SIZE become their mean. */
function gridLines(positions: number[]): number[] {
  const sorted = [...positions].sort((a, b) => a - b);
  const groups: number[][] = [];
  for (const at of sorted) {
    const group = groups[groups.length - 1];
    if (group && at - group[group.length - 1]! < MIN_CELL_SIZE) group.push(at);
    else groups.push([at]);
  }
  return groups.map((group) => group.reduce((a, b) => a + b, 0) / group.length);
}

function slotOf(lines: readonly number[], at: number): number {
  let index = 0;
  while (index < lines.length - 2 && at > lines[index + 1]!) index += 1;
  return index;
}

type GridResult = { readonly table: ExtractedTable; readonly box: Box } | { readonly chart: true; readonly box: Box };

function gridTable(rules: Rules, allWords: readonly LayoutWord[], page: number, options: ResolvedOptions): GridResult | undefined {
  const xs = gridLines([...rules.vertical.map((r) => r.at), Math.min(...rules.horizontal.map((r) => r.from)), Math.max(...rules.horizontal.map((r) => r.to))]);
  const ruledYs = gridLines([...rules.horizontal.map((r) => r.at), Math.min(...rules.vertical.map((r) => r.from)), Math.max(...rules.vertical.map((r) => r.to))]);
  if (xs.length < 3 || ruledYs.length < 2) return undefined;
  const box: Box = [xs[0]!, ruledYs[0]!, xs[xs.length - 1]!, ruledYs[ruledYs.length - 1]!];
  const words = allWords.filter((word) => {
    const x = centreX(word.box);
    const y = centreY(word.box);
    return x > box[0] && x < box[2] && y > box[1] && y < box[3];
  });
  if (words.length === 0) return undefined;
  const columnOf = (word: LayoutWord) => slotOf(xs, centreX(word.box));
  const { ys, virtual, split } = splitBands(ruledYs, words, columnOf);
  const tolerance = Math.max(options.snapTolerance, MIN_CELL_SIZE / 2) + 1;
  const rowCount = ys.length - 1;
  const colCount = xs.length - 1;
  // Is there a rule on the left edge of slot (r, c) / on the top edge of slot (r, c)?
  // In a band cut into rows by its text, the columns ruled above go on.
  const leftEdge = (r: number, c: number) => split.has(r) || coverage(rules.vertical, xs[c]!, ys[r]!, ys[r + 1]!, tolerance) >= MIN_BOUNDARY_COVERAGE;
  const topEdge = (r: number, c: number) => virtual.has(r) || coverage(rules.horizontal, ys[r]!, xs[c]!, xs[c + 1]!, tolerance) >= MIN_BOUNDARY_COVERAGE;
  const owner: number[][] = Array.from({ length: rowCount }, () => new Array<number>(colCount).fill(-1));
  const drafts: DraftCell[] = [];
  for (let r = 0; r < rowCount; r += 1) {
    for (let c = 0; c < colCount; c += 1) {
      if (owner[r]![c]! >= 0) continue;
      let colSpan = 1;
      while (c + colSpan < colCount && owner[r]![c + colSpan]! < 0 && !leftEdge(r, c + colSpan)) colSpan += 1;
      let rowSpan = 1;
      const open = (row: number) => Array.from({ length: colSpan }, (_, k) => c + k).every((col) => owner[row]![col]! < 0 && !topEdge(row, col));
      while (r + rowSpan < rowCount && open(r + rowSpan)) rowSpan += 1;
      for (let dr = 0; dr < rowSpan; dr += 1) for (let dc = 0; dc < colSpan; dc += 1) owner[r + dr]![c + dc] = drafts.length;
      drafts.push({ row: r, col: c, rowSpan, colSpan, box: [xs[c]!, ys[r]!, xs[c + colSpan]!, ys[r + rowSpan]!], words: [] });
    }
  }
  const overflow = overflowColumns(words.filter((word) => split.has(slotOf(ys, centreY(word.box)))), columnOf);
  for (const word of words) {
    const r = slotOf(ys, centreY(word.box));
    const c = overflow.get(word) ?? columnOf(word);
    drafts[owner[r]![c]!]!.words.push(word);
  }
  const filled = drafts.filter((cell) => cell.words.length > 0);
  if (filled.length < 2) return undefined;
  if (isChart(drafts, rowCount)) return { chart: true, box };
  const table = buildTable('ruled', page, drafts, rowCount, colCount, xs, box);
  return table ? { table, box } : undefined;
}

/**
 * Text that runs past a column's rule in a band without row rules (a long description spilling
 * into the amounts) stays in the column it started in: on each line, a word set as close to the
 * one before as words in a phrase are takes that word's column.
 */
function overflowColumns(words: readonly LayoutWord[], columnOf: (word: LayoutWord) => number): Map<LayoutWord, number> {
  const columns = new Map<LayoutWord, number>();
  for (const line of visualLines(words)) {
    line.forEach((word, index) => {
      const before = line[index - 1];
      if (!before) return;
      const runOn = word.box[0] - before.box[2] < heightOf(word.box) * PHRASE_GAP;
      const column = columns.get(before) ?? columnOf(before);
      if (runOn && column !== columnOf(word)) columns.set(word, column);
    });
  }
  return columns;
}

/**
 * A chart's or a plot's gridlines and axes form a grid too, with its labels scattered one to a
 * row or run along an axis: a table fills at least two cells in most of its rows, more than a few
 * of its slots (a good share of a small grid's cells), and its cells are not runs of tick labels.
 */
function isChart(drafts: readonly DraftCell[], rowCount: number): boolean {
  const perRow = new Array<number>(rowCount).fill(0);
  // A cell spanning columns (a note, a section label) counts as a row's worth; a chart's labels sit in one slot.
  for (const cell of drafts) if (cell.words.length > 0) perRow[cell.row]! += cell.colSpan > 1 ? 2 : 1;
  const used = perRow.filter((count) => count > 0);
  const full = used.filter((count) => count >= 2).length;
  const slots = rowCount * (drafts.length > 0 ? Math.max(...drafts.map((cell) => cell.col + cell.colSpan)) : 0);
  const filled = drafts.filter((cell) => cell.words.length > 0);
  const ticks = filled.filter((cell) => cell.words.length >= 3 && cell.words.every((word) => isNumeric(word.text))).length;
  if (full < used.length * 0.4 || filled.length < slots * MIN_FILLED_SHARE || ticks * 2 >= filled.length) return true;
  return slots <= SMALL_GRID && filled.length < drafts.length * SMALL_GRID_FILLED_SHARE;
}

/**
 * Cuts ruled bands that hold several rows of text into rows: where the band's lines group into
 * MIN_SPLIT_ROWS rows or more that each fill two columns or more (so wrapped cells stay whole).
 */
function splitBands(ys: readonly number[], words: readonly LayoutWord[], columnOf: (word: LayoutWord) => number) {
  const out: number[] = [ys[0]!];
  const virtual = new Set<number>();
  const split = new Set<number>();
  for (let band = 0; band + 1 < ys.length; band += 1) {
    const top = ys[band]!;
    const bottom = ys[band + 1]!;
    const inBand = words.filter((word) => centreY(word.box) > top && centreY(word.box) < bottom);
    const rows = groupRows(visualLines(inBand), columnOf);
    const wide = rows.filter((row) => occupiedColumns(row, columnOf).size >= 2).length;
    // Two rows suffice when each starts in the first column and no cell of its first line goes on
    // in lower case: labelled rows, not a header or paragraphs wrapping side by side.
    const startsFresh = (line: readonly LayoutWord[]) =>
      line.some((word) => columnOf(word) === 0) && !line.some((word, i) => (i === 0 || columnOf(line[i - 1]!) !== columnOf(word)) && /^\p{Ll}/u.test(word.text));
    const labelled = rows.length >= 2 && rows.every((row) => startsFresh(row[0]!));
    if (wide >= MIN_SPLIT_ROWS || (wide >= 2 && labelled)) {
      for (let k = 0; k < rows.length; k += 1) split.add(out.length - 1 + k);
      for (let k = 1; k < rows.length; k += 1) {
        const above = Math.max(...rows[k - 1]!.flat().map((word) => word.box[3]));
        const below = Math.min(...rows[k]!.flat().map((word) => word.box[1]));
        out.push((above + below) / 2);
        virtual.add(out.length - 1);
      }
    }
    out.push(bottom);
  }
  return { ys: out, virtual, split };
}

