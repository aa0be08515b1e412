/**
 * Reading order across two columns. The layout's line order is the content stream's, which is
 * usually the reading order; lines move only when the page clearly has two columns (a gutter
 * that most lines keep to either side of) and the stream interleaves them.
 */
import { unionBoxes, type Box } from '../../shared/page-layout.js';
import { lineWidth, splitLine, type TextLine } from './text-lines.js';

/** Lines narrower than this share of the page (page numbers, labels) neither make nor break a gutter. */
const MIN_LINE_SHARE = 0.15;
/** A gutter lies in this middle band of the page. */
const GUTTER_BAND: readonly [number, number] = [0.3, 0.7];
/** Each column needs this many lines for the page to count as two columns. */
const MIN_COLUMN_LINES = 4;
/** Lines crossing the gutter (titles, wide figures) may be at most this share of the lines. */
const MAX_CROSSING_SHARE = 0.25;

/** Words further apart than this many ems are in different columns or cells. */
const FRAGMENT_GAP_EMS = 1.5;

/** The boxes of a line cut at its wide gaps between words (only boxes: this runs for every line). */
function fragments(line: TextLine): { readonly box: Box }[] {
  const gap = (line.size || 10) * FRAGMENT_GAP_EMS;
  // Most lines have no wide gap, and stand for themselves without their words being read again.
  if (!(line.widestGap > gap)) return [line];
  const pieces: Box[][] = [];
  for (const { box } of line.source) {
    const last = pieces.at(-1)?.at(-1);
    if (last === undefined || box[0] - last[2] > gap) pieces.push([box]);
    else pieces.at(-1)!.push(box);
  }
  return pieces.map((boxes) => ({ box: unionBoxes(boxes) }));
}

/** The x of the gutter between two columns, or undefined when the page is not clearly in two. */
export function findGutter(lines: readonly { readonly box: Box }[], pageWidth: number): number | undefined {
  const measured = lines.filter((line) => line.box[2] - line.box[0] >= pageWidth * MIN_LINE_SHARE);
  if (measured.length < MIN_COLUMN_LINES * 2) return undefined;
  const from = Math.floor(pageWidth * GUTTER_BAND[0]);
  const to = Math.ceil(pageWidth * GUTTER_BAND[1]);
  if (!(to >= from)) return undefined;
  const sides = linesBeside(measured, from, to);
  let best: { x: number; crossing: number; run: number } | undefined;
  let runStart = -1;
  for (let x = from; x <= to; x += 1) {
    const left = sides.left[x - from]!;
    const right = sides.right[x - from]!;
    const crossing = measured.length - left - right;
    const fits = left >= MIN_COLUMN_LINES && right >= MIN_COLUMN_LINES && crossing <= measured.length * MAX_CROSSING_SHARE;
    if (!fits) {
      runStart = -1;
      continue;
    }
    // The widest run of x with the fewest crossing lines: its middle is the gutter's middle.
    if (best === undefined || crossing < best.crossing) {
      runStart = x;
      best = { x, crossing, run: 1 };
    } else if (crossing === best.crossing) {
      if (runStart < 0 || best.x < runStart) runStart = x;
      const run = x - runStart + 1;
      if (run > best.run) best = { x: Math.round((runStart + x) / 2), crossing, run };
    } else {
      runStart = -1;
    }
  }
  return best?.x;
}

/**
 * For each whole x from `from` to `to`, how many lines end left of it (right edge ≤ x) and how
 * many of the others start right of it (left edge ≥ x). Each line is placed once by the x where
 * it changes side, and the counts summed along x: asking every line at every x costs the page
 * width times the lines, on every page.
 */
function linesBeside(lines: readonly { readonly box: Box }[], from: number, to: number): { left: Int32Array; right: Int32Array } {
  const span = to - from + 1;
  const leftFrom = new Int32Array(span);
  const rightUpTo = new Int32Array(span);
  for (const { box } of lines) {
    // Left of every x ≥ ceil(right edge); right of every x < its right edge and ≤ its left edge.
    // A NaN edge places the line on neither side, as the comparisons it stands for would.
    const leftAt = Math.ceil(box[2]) - from;
    if (leftAt <= 0) leftFrom[0]! += 1;
    else if (leftAt < span) leftFrom[leftAt]! += 1;
    const rightTo = Math.min(Math.ceil(box[2]) - 1, Math.floor(box[0])) - from;
    if (rightTo >= span - 1) rightUpTo[span - 1]! += 1;
    else if (rightTo >= 0) rightUpTo[rightTo]! += 1;
  }
  for (let index = 1; index < span; index += 1) leftFrom[index]! += leftFrom[index - 1]!;
  for (let index = span - 2; index >= 0; index -= 1) rightUpTo[index]! += rightUpTo[index + 1]!;
  return { left: leftFrom, right: rightUpTo };
}

/**
 * The page's lines in reading order: unchanged on a one-column page; on a two-column page, the
 * lines between two full-width lines read the left column, then the right, each in stream order
 * unless that order goes back up the column.
 */
export function orderColumns(pageLines: readonly TextLine[], pageWidth: number, bodySize = 0): TextLine[] {
  // Some producers write both columns' lines at one height together, and the layout reads them
  // as one line: the gutter is looked for between wide gaps in lines, and only lines that
  // straddle it are cut.
  const gutter = findGutter(pageLines.flatMap(fragments), pageWidth);
  if (gutter === undefined) return [...pageLines];
  const lines = pageLines.flatMap((line) => splitLine(line, gutter));
  const column = (line: TextLine) => (line.box[2] <= gutter ? 0 : line.box[0] >= gutter ? 1 : -1);
  const spanningTops = lines.filter((line) => column(line) < 0 && lineWidth(line) >= pageWidth * MIN_LINE_SHARE).map((line) => line.box[1]);
  spanningTops.push(...sectionStarts(lines, column, spanningTops, bodySize));
  spanningTops.sort((a, b) => a - b);
  const key = (line: TextLine) => {
    const col = column(line);
    const before = spanningTops.filter((top) => top < line.box[1] - 1).length;
    // A short line in the gutter (a centred label) reads with the full-width lines.
    return col < 0 ? before * 3 + (lineWidth(line) >= pageWidth * MIN_LINE_SHARE ? 3 : 0) : before * 3 + 1 + col;
  };
  const groups = new Map<number, TextLine[]>();
  for (const line of lines) {
    const k = key(line);
    const group = groups.get(k);
    if (group) group.push(line);
    else groups.set(k, [line]);
  }
  return [...groups.keys()]
    .sort((a, b) => a - b)
    .flatMap((k) => {
      const group = groups.get(k)!;
      const descending = group.some((line, index) => index > 0 && line.box[1] < group[index - 1]!.box[1] - line.size);
      return descending && k % 3 !== 0 ? [...group].sort((a, b) => a.box[1] - b.box[1]) : group;
    });
}

/**
 * A heading in the left column below everything in the right column starts what follows the
 * two columns (a new section in one column): it ends the columns as a full-width line would.
 */
function sectionStarts(lines: readonly TextLine[], column: (line: TextLine) => number, spanningTops: readonly number[], bodySize: number): number[] {
  const region = (line: TextLine) => spanningTops.filter((top) => top < line.box[1] - 1).length;
  const rightBottoms = new Map<number, number>();
  for (const line of lines) if (column(line) === 1) rightBottoms.set(region(line), Math.max(rightBottoms.get(region(line)) ?? -Infinity, line.box[3]));
  const starts: number[] = [];
  for (const line of lines) {
    const standsOut = line.bold || (bodySize > 0 && line.size >= bodySize * 1.15);
    const rightBottom = rightBottoms.get(region(line));
    if (column(line) === 0 && standsOut && rightBottom !== undefined && line.box[1] > rightBottom && !starts.some((top) => top < line.box[1])) starts.push(line.box[1] - 2);
  }
  return starts;
}
