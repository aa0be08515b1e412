/**
 * A page's drawing as a table finder reads it: straight stroked segments and filled
 * axis-aligned rectangles, from PDFium's path objects (those inside form XObjects included), in
 * layout coordinates. Curves, images and text are left out. Bounded: a hostile page can hold
 * millions of paths, and tables never need that many.
 */
import type { Box, PageGraphics, StrokedSegment } from '../../shared/page-layout.js';
import type { PageGeometry } from '../page-geometry.js';
import { PAGE_OBJECT } from './page-objects.js';
import type { Pdfium } from './pdfium-module.js';

const SEGMENT_LINETO = 0;
const SEGMENT_BEZIERTO = 1;
const SEGMENT_MOVETO = 2;
/** Segments and rectangles read per page, at most. */
export const MAX_GRAPHICS_ITEMS = 20_000;
const MAX_FORM_DEPTH = 8;
/** Corners this close (points) count as one, for telling rectangles apart from other shapes. */
const CORNER_TOLERANCE = 0.5;

type Matrix = readonly [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** `inner` then `outer`: the matrix of an object inside a form, in the form's parent space. */
function multiply(inner: Matrix, outer: Matrix): Matrix {
  const [a, b, c, d, e, f] = inner;
  const [A, B, C, D, E, F] = outer;
  return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F];
}

function apply(matrix: Matrix, x: number, y: number): [number, number] {
  const [a, b, c, d, e, f] = matrix;
  return [a * x + c * y + e, b * x + d * y + f];
}

/** The axis-aligned box of a closed four-cornered subpath, or undefined for any other shape. */
export function rectangleOf(points: readonly (readonly [number, number])[]): Box | undefined {
  const corners = points.length === 5 && near(points[0]!, points[4]!) ? points.slice(0, 4) : points;
  if (corners.length !== 4) return undefined;
  for (let index = 0; index < 4; index += 1) {
    const [x0, y0] = corners[index]!;
    const [x1, y1] = corners[(index + 1) % 4]!;
    if (Math.abs(x0 - x1) > CORNER_TOLERANCE && Math.abs(y0 - y1) > CORNER_TOLERANCE) return undefined;
  }
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function near(a: readonly [number, number], b: readonly [number, number]): boolean {
  return Math.abs(a[0] - b[0]) <= CORNER_TOLERANCE && Math.abs(a[1] - b[1]) <= CORNER_TOLERANCE;
}

export function readPageGraphics(pdfium: Pdfium, page: number, geometry: PageGeometry, scratch: number): PageGraphics {
  const { fn, float32, int32 } = pdfium;
  const strokes: StrokedSegment[] = [];
  const fills: Box[] = [];
  const full = () => strokes.length + fills.length >= MAX_GRAPHICS_ITEMS;

  const matrixOf = (object: number): Matrix => {
    if (!fn.FPDFPageObj_GetMatrix!(object, scratch)) return IDENTITY;
    return [0, 4, 8, 12, 16, 20].map((offset) => float32(scratch + offset)) as unknown as Matrix;
  };

  const readPath = (path: number, matrix: Matrix) => {
    if (!fn.FPDFPath_GetDrawMode!(path, scratch, scratch + 4)) return;
    const filled = int32(scratch) !== 0;
    const stroked = int32(scratch + 4) !== 0;
    if (!filled && !stroked) return;
    const lineWidth = stroked && fn.FPDFPageObj_GetStrokeWidth!(path, scratch) ? float32(scratch) : 1;
    const subpaths: [number, number][][] = [];
    let current: [number, number][] = [];
    let straight = true;
    const count = fn.FPDFPath_CountSegments!(path);
    for (let index = 0; index < count && !full(); index += 1) {
      const segment = fn.FPDFPath_GetPathSegment!(path, index);
      if (segment === 0 || !fn.FPDFPathSegment_GetPoint!(segment, scratch, scratch + 4)) continue;
      const point = geometry.point(...apply(matrix, float32(scratch), float32(scratch + 4)));
      const type = fn.FPDFPathSegment_GetType!(segment);
      if (type === SEGMENT_MOVETO) {
        if (current.length) subpaths.push(current);
        current = [[point[0], point[1]]];
        continue;
      }
      const previous = current[current.length - 1];
      if (type === SEGMENT_BEZIERTO) straight = false;
      if (stroked && type === SEGMENT_LINETO && previous) {
        strokes.push({ x0: previous[0], y0: previous[1], x1: point[0], y1: point[1], lineWidth });
      }
      current.push([point[0], point[1]]);
      if (fn.FPDFPathSegment_GetClose!(segment) && current.length > 2) {
        const start = current[0]!;
        if (!near(start, point)) {
          if (stroked) strokes.push({ x0: point[0], y0: point[1], x1: start[0], y1: start[1], lineWidth });
          current.push([start[0], start[1]]);
        }
      }
    }
    if (current.length) subpaths.push(current);
    if (filled && straight) {
      for (const subpath of subpaths) {
        const box = rectangleOf(subpath);
        if (box && !full()) fills.push(box);
      }
    }
  };

  const walk = (count: number, objectAt: (index: number) => number, parent: Matrix, depth: number) => {
    for (let index = 0; index < count && !full(); index += 1) {
      const object = objectAt(index);
      if (object === 0) continue;
      const type = fn.FPDFPageObj_GetType!(object);
      if (type === PAGE_OBJECT.path) readPath(object, multiply(matrixOf(object), parent));
      else if (type === PAGE_OBJECT.form && depth < MAX_FORM_DEPTH) {
        const matrix = multiply(matrixOf(object), parent);
        walk(fn.FPDFFormObj_CountObjects!(object), (child) => fn.FPDFFormObj_GetObject!(object, child), matrix, depth + 1);
      }
    }
  };
  walk(fn.FPDFPage_CountObjects!(page), (index) => fn.FPDFPage_GetObject!(page, index), IDENTITY, 0);
  return { strokes, fills };
}
