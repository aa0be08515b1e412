/**
 * A page's layout lines as the Markdown writer reads them: their text, box, dominant font size
 * and weight, and the page they are on.
 */
import { unionBoxes, type Box, type LayoutWord, type PageLayout } from '../../shared/page-layout.js';

export interface TextLine {
  readonly pageNumber: number;
  readonly text: string;
  readonly words: readonly string[];
  readonly box: Box;
  /** The size most of the line's characters have, rounded to 0.5 pt (0 when the layout has none). */
  readonly size: number;
  /** Most of the line's characters are bold. */
  readonly bold: boolean;
  /** The layout's words, to split a line that runs across two columns. */
  readonly source: readonly LayoutWord[];
  /** The widest space between two of its words one after the other (−Infinity with fewer than two): a gutter crossed, or a table's columns. */
  readonly widestGap: number;
}

/** Sizes closer than this are one style: text layers round sizes differently from run to run. */
export const SIZE_STEP = 0.5;
const roundSize = (size: number) => Math.round(size / SIZE_STEP) * SIZE_STEP;

export function toTextLines(layout: PageLayout): TextLine[] {
  return layout.lines.map((line) => toTextLine(layout.pageNumber, line.words)).filter((line) => line.text !== '');
}

/** A line's words left and right of `x`, as two lines; the line itself when a word crosses `x` or a side is empty. */
export function splitLine(line: TextLine, x: number, minGapEms = 1.5): TextLine[] {
  const left = line.source.filter((word) => word.box[2] <= x);
  const right = line.source.filter((word) => word.box[0] >= x);
  if (left.length === 0 || right.length === 0 || left.length + right.length !== line.source.length) return [line];
  // Words of one line of text are a space apart; columns are further.
  if (right[0]!.box[0] - left.at(-1)!.box[2] < (line.size || 10) * minGapEms) return [line];
  return [toTextLine(line.pageNumber, left), toTextLine(line.pageNumber, right)];
}

export function toTextLine(pageNumber: number, source: readonly LayoutWord[]): TextLine {
  // One pass, no intermediate arrays: this runs for every line of every page. The box is read by
  // index, not destructured: destructuring goes through the array iterator, a third of this time.
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  const words: string[] = [];
  const sizes: number[] = [];
  const sizeChars: number[] = [];
  let boldChars = 0;
  let chars = 0;
  let widestGap = -Infinity;
  let previousRight = NaN;
  for (const word of source) {
    const box = word.box;
    if (box[0] - previousRight > widestGap) widestGap = box[0] - previousRight;
    previousRight = box[2];
    if (box[0] < left) left = box[0];
    if (box[1] < top) top = box[1];
    if (box[2] > right) right = box[2];
    if (box[3] > bottom) bottom = box[3];
    const text = word.text.trim();
    if (text !== '') words.push(text);
    const length = word.text.length;
    chars += length;
    if (word.bold) boldChars += length;
    const size = roundSize(word.size ?? 0);
    const at = sizes.indexOf(size);
    if (at < 0) {
      sizes.push(size);
      sizeChars.push(length);
    } else {
      sizeChars[at]! += length;
    }
  }
  // The size most characters have; the larger of two equally common ones.
  let size = 0;
  let most = -1;
  sizes.forEach((candidate, index) => {
    const count = sizeChars[index]!;
    if (count > most || (count === most && candidate > size)) [size, most] = [candidate, count];
  });
  return {
    pageNumber,
    text: words.join(' '),
    words,
    box: source.length > 0 ? [left, top, right, bottom] : unionBoxes([]),
    size,
    bold: chars > 0 && boldChars / chars >= 0.6,
    source,
    widestGap,
  };
}

export const lineWidth = (line: TextLine) => line.box[2] - line.box[0];
export const lineHeight = (line: TextLine) => line.box[3] - line.box[1];

/**
 * The document's body size: the size most characters have. Headings are told apart by being
 * larger or bolder than it.
 */
export function bodySize(lines: readonly TextLine[]): number {
  const chars = new Map<number, number>();
  for (const line of lines) chars.set(line.size, (chars.get(line.size) ?? 0) + line.text.length);
  return [...chars].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}
