/**
 * The layout of a page: its lines and words with their boxes, as the extractor reads them from
 * the text layer or as OCR recognises them. Stored per page as gzip JSON in S3 and returned by
 * `GET /v1/documents/{id}/pages/{n}/layout`; later features (tables, Markdown) build on it.
 *
 * Coordinates are PDF points (1/72 in) in the page's displayed orientation, origin at the top
 * left, y downwards, rounded to 0.1. A box is `[left, top, right, bottom]`.
 */
export type Box = readonly [left: number, top: number, right: number, bottom: number];

export const LAYOUT_VERSION = 1;

export interface LayoutWord {
  readonly text: string;
  readonly box: Box;
  /** Font size in points, where the text layer gives one. */
  readonly size?: number;
  /** Set only when true: the font's weight or name says bold. */
  readonly bold?: true;
  /** Set only when true: the font's flags or name say italic. */
  readonly italic?: true;
  /** OCR confidence, 0–100; absent for text-layer words. */
  readonly confidence?: number;
}

export interface LayoutLine {
  readonly box: Box;
  readonly words: readonly LayoutWord[];
}

export type TextSource = 'text-layer' | 'ocr';

export interface PageLayout {
  readonly version: typeof LAYOUT_VERSION;
  readonly pageNumber: number;
  /** Page size in points, as displayed (after the page's rotation). */
  readonly width: number;
  readonly height: number;
  readonly source: TextSource;
  /** Lines in reading order; words left to right within a line (for right-to-left scripts, in logical order). */
  readonly lines: readonly LayoutLine[];
}

/** Rounds a coordinate the way every box in a layout is rounded. */
export function roundCoordinate(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The smallest box holding all of `boxes`. */
export function unionBoxes(boxes: readonly Box[]): Box {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [l, t, r, b] of boxes) {
    left = Math.min(left, l);
    top = Math.min(top, t);
    right = Math.max(right, r);
    bottom = Math.max(bottom, b);
  }
  return [left, top, right, bottom];
}

/** A straight stroked segment of the page's drawing, in layout coordinates. */
export interface StrokedSegment {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** Line width in points. */
  readonly lineWidth: number;
}

/**
 * The page's drawing as a table finder needs it: straight stroked segments (the sides of stroked
 * rectangles included) and filled axis-aligned rectangles (thin ones are rules; cell backgrounds
 * give their edges), in layout coordinates. Curves and images are left out.
 */
export interface PageGraphics {
  readonly strokes: readonly StrokedSegment[];
  readonly fills: readonly Box[];
}
