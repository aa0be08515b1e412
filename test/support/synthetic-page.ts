import type { Box, LayoutWord, PageGraphics, PageLayout, StrokedSegment } from '../../lambdas/shared/page-layout.js';
import { LAYOUT_VERSION, unionBoxes } from '../../lambdas/shared/page-layout.js';

/** Text placed on a synthetic page: its left edge and top, in points. */
export interface Placed {
  readonly text: string;
  readonly x: number;
  readonly y: number;
}

const SIZE = 10;
const CHAR_WIDTH = 5;
const SPACE = 2.5;

/** The words of a run of text set at (x, y) in a 10 pt font 5 pt a character wide. */
export function wordsAt({ text, x, y }: Placed): LayoutWord[] {
  const words: LayoutWord[] = [];
  let left = x;
  for (const part of text.split(' ').filter(Boolean)) {
    const box: Box = [left, y, left + part.length * CHAR_WIDTH, y + SIZE];
    words.push({ text: part, box, size: SIZE });
    left = box[2] + SPACE;
  }
  return words;
}

/** A page of placed text; each run of text is its own layout line, as a content stream may order it. */
export function layoutOf(placed: readonly Placed[], pageNumber = 1): PageLayout {
  return {
    version: LAYOUT_VERSION,
    pageNumber,
    width: 612,
    height: 792,
    source: 'text-layer',
    lines: placed.map(wordsAt).filter((words) => words.length > 0).map((words) => ({ box: unionBoxes(words.map((w) => w.box)), words })),
  };
}

/** Text right-aligned to `right`, as numbers are set in statements. */
export function rightAligned(text: string, right: number, y: number): Placed {
  return { text, x: right - text.length * CHAR_WIDTH - (text.split(' ').length - 1) * (SPACE - CHAR_WIDTH), y };
}

export const segment = (x0: number, y0: number, x1: number, y1: number, lineWidth = 0.5): StrokedSegment => ({ x0, y0, x1, y1, lineWidth });

/** Horizontal and vertical stroked rules through the given positions, spanning the grid. */
export function strokedGrid(xs: readonly number[], ys: readonly number[]): StrokedSegment[] {
  const [left, right] = [xs[0]!, xs[xs.length - 1]!];
  const [top, bottom] = [ys[0]!, ys[ys.length - 1]!];
  return [...ys.map((y) => segment(left, y, right, y)), ...xs.map((x) => segment(x, top, x, bottom))];
}

export const noGraphics: PageGraphics = { strokes: [], fills: [] };
