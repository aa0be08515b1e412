/**
 * A page's layout lines as the Markdown writer reads them: their text, box, dominant font size
 * and weight, and the page they are on.
 */
import type { Box, LayoutLine, PageLayout } from '../../shared/page-layout.js';

export interface TextLine {
  readonly pageNumber: number;
  readonly text: string;
  readonly words: readonly string[];
  readonly box: Box;
  /** The size most of the line's characters have, rounded to 0.5 pt (0 when the layout has none). */
  readonly size: number;
  /** Most of the line's characters are bold. */
  readonly bold: boolean;
  /** Where the line's second word starts: a list item's text after its marker. */
  readonly secondWordLeft?: number;
}

/** Sizes closer than this are one style: text layers round sizes differently from run to run. */
export const SIZE_STEP = 0.5;
const roundSize = (size: number) => Math.round(size / SIZE_STEP) * SIZE_STEP;

export function toTextLines(layout: PageLayout): TextLine[] {
  return layout.lines.map((line) => toTextLine(layout.pageNumber, line)).filter((line) => line.text !== '');
}

function toTextLine(pageNumber: number, line: LayoutLine): TextLine {
  const words = line.words.map((word) => word.text.trim()).filter((text) => text !== '');
  const sizeChars = new Map<number, number>();
  let boldChars = 0;
  let chars = 0;
  for (const word of line.words) {
    const length = word.text.length;
    chars += length;
    if (word.bold) boldChars += length;
    const size = roundSize(word.size ?? 0);
    sizeChars.set(size, (sizeChars.get(size) ?? 0) + length);
  }
  const size = [...sizeChars].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
  return {
    pageNumber,
    text: words.join(' '),
    words,
    box: line.box,
    size,
    bold: chars > 0 && boldChars / chars >= 0.6,
    ...(line.words.length > 1 ? { secondWordLeft: line.words[1]!.box[0] } : {}),
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
