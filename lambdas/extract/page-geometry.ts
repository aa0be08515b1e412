/**
 * From PDF user space (origin bottom left, y upwards, the page's own rotation not applied) to
 * layout space (the page as displayed: rotation applied, origin top left, y downwards).
 */
import type { Box } from '../shared/page-layout.js';

/** The page's visible area in user space: its crop box, clipped to the media box. */
export interface PageBounds {
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
  readonly top: number;
}

export interface PageGeometry {
  /** Size as displayed, in points. */
  readonly width: number;
  readonly height: number;
  /** A user-space point in layout space. */
  point(x: number, y: number): readonly [number, number];
  /** A user-space rectangle (any two opposite corners) in layout space. */
  box(x0: number, y0: number, x1: number, y1: number): Box;
}

/** `rotation` counts quarter turns clockwise, as /Rotate does (0–3). */
export function pageGeometry(bounds: PageBounds, rotation: number): PageGeometry {
  const { left, bottom, right, top } = bounds;
  const quarterTurns = ((rotation % 4) + 4) % 4;
  const point = (x: number, y: number): readonly [number, number] => {
    switch (quarterTurns) {
      case 1:
        return [y - bottom, x - left];
      case 2:
        return [right - x, y - bottom];
      case 3:
        return [top - y, right - x];
      default:
        return [x - left, top - y];
    }
  };
  const sideways = quarterTurns % 2 === 1;
  return {
    width: sideways ? top - bottom : right - left,
    height: sideways ? right - left : top - bottom,
    point,
    box(x0, y0, x1, y1) {
      const [ax, ay] = point(x0, y0);
      const [bx, by] = point(x1, y1);
      return [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)];
    },
  };
}
