/**
 * Dev script: dumps the table finder's inputs (a page's `PageLayout` and `PageGraphics`) for
 * pages of a PDF, read with PDFium, as JSON. The extractor's engine produces the same shapes;
 * this stays minimal and self-contained so that table fixtures can be made from corpus files.
 *
 *   npx tsx bench/dump-page-input.ts FILE.pdf [PAGES like 1,3-4] > out.json
 *
 * Words are runs of characters between spaces and line breaks; lines are runs of words on one
 * baseline. Page rotation is not applied (the corpus's table files are unrotated).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { init } from '@embedpdf/pdfium';
import type { Box, LayoutLine, LayoutWord, PageGraphics, PageLayout, StrokedSegment } from '../lambdas/shared/page-layout.js';
import { LAYOUT_VERSION, roundCoordinate, unionBoxes } from '../lambdas/shared/page-layout.js';

type Exports = Record<string, (...args: number[]) => number>;
type Matrix = readonly [number, number, number, number, number, number];

const OBJ_PATH = 2;
const OBJ_FORM = 5;
const SEG_LINETO = 0;
const SEG_BEZIERTO = 1;
const SEG_MOVETO = 2;

export interface PageInput {
  readonly layout: PageLayout;
  readonly graphics: PageGraphics;
}

function multiply(m: Matrix, n: Matrix): Matrix {
  // Apply m, then n.
  return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]];
}

const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

export async function openPdfium() {
  const require = createRequire(import.meta.url);
  const wasmBinary = readFileSync(require.resolve('@embedpdf/pdfium/pdfium.wasm'));
  const module = await init({ wasmBinary } as never);
  module.PDFiumExt_Init();
  const pdfium = module.pdfium;
  const x = pdfium.wasmExports as unknown as Exports;
  const heap = () => (pdfium as unknown as { HEAPU8: Uint8Array }).HEAPU8;
  const f32 = (ptr: number) => pdfium.getValue(ptr, 'float');
  const i32 = (ptr: number) => pdfium.getValue(ptr, 'i32');
  return { module, pdfium, x, heap, f32, i32 };
}

export async function dumpPages(file: string, pageNumbers?: readonly number[]): Promise<PageInput[]> {
  const { x, heap, f32, i32 } = await openPdfium();
  const bytes = readFileSync(file);
  const data = x.malloc!(bytes.length);
  heap().set(bytes, data);
  const doc = x.FPDF_LoadMemDocument!(data, bytes.length, 0);
  if (!doc) throw new Error(`PDFium could not open ${file} (error ${x.FPDF_GetLastError!()})`);
  const scratch = x.malloc!(64);
  const count = x.FPDF_GetPageCount!(doc);
  const wanted = pageNumbers ?? Array.from({ length: count }, (_, i) => i + 1);
  const pages: PageInput[] = [];
  for (const pageNumber of wanted) {
    const page = x.FPDF_LoadPage!(doc, pageNumber - 1);
    const width = x.FPDF_GetPageWidthF!(page);
    const height = x.FPDF_GetPageHeightF!(page);
    const display = displayMatrix(x.FPDFPage_GetRotation!(page), width, height);
    const layout = readLayout(x, f32, scratch, page, pageNumber, width, height, display);
    const graphics = readGraphics(x, f32, i32, scratch, page, display);
    x.FPDF_ClosePage!(page);
    pages.push({ layout, graphics });
  }
  x.FPDF_CloseDocument!(doc);
  x.free!(scratch);
  x.free!(data);
  return pages;
}

interface Glyph { readonly ch: string; readonly box: Box; readonly size: number }

/** From PDF user space to the displayed page, top-left origin; width and height as displayed. */
function displayMatrix(rotation: number, width: number, height: number): Matrix {
  switch (rotation) {
    case 1: return [0, 1, 1, 0, 0, 0];
    case 2: return [-1, 0, 0, 1, width, 0];
    case 3: return [0, -1, -1, 0, width, height];
    default: return [1, 0, 0, -1, 0, height];
  }
}

function transformBox(m: Matrix, left: number, top: number, right: number, bottom: number): Box {
  const [ax, ay] = apply(m, left, top);
  const [bx, by] = apply(m, right, bottom);
  return [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)];
}

function readLayout(x: Exports, f32: (p: number) => number, scratch: number, page: number, pageNumber: number, width: number, height: number, display: Matrix): PageLayout {
  const textPage = x.FPDFText_LoadPage!(page);
  const n = x.FPDFText_CountChars!(textPage);
  const glyphs: (Glyph | null)[] = [];
  for (let i = 0; i < n; i += 1) {
    const ch = String.fromCodePoint(x.FPDFText_GetUnicode!(textPage, i));
    if (/\s/.test(ch) || ch === '\0') { glyphs.push(null); continue; }
    x.FPDFText_GetLooseCharBox!(textPage, i, scratch);
    const [left, top, right, bottom] = [f32(scratch), f32(scratch + 4), f32(scratch + 8), f32(scratch + 12)];
    glyphs.push({ ch, box: transformBox(display, left, top, right, bottom), size: x.FPDFText_GetFontSize!(textPage, i) });
  }
  x.FPDFText_ClosePage!(textPage);
  // Words: runs of glyphs with no whitespace between them, on one line, without a wide gap.
  const words: LayoutWord[] = [];
  let run: Glyph[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const box = unionBoxes(run.map((g) => g.box)).map(roundCoordinate) as unknown as Box;
    words.push({ text: run.map((g) => g.ch).join(''), box, size: roundCoordinate(run[0]!.size) });
    run = [];
  };
  for (const glyph of glyphs) {
    if (!glyph) { flush(); continue; }
    const last = run[run.length - 1];
    if (last) {
      const h = last.box[3] - last.box[1];
      const sameLine = Math.abs((glyph.box[1] + glyph.box[3]) / 2 - (last.box[1] + last.box[3]) / 2) < h / 2;
      const gap = glyph.box[0] - last.box[2];
      if (!sameLine || gap > h * 0.3 || gap < -h) flush();
    }
    run.push(glyph);
  }
  flush();
  // Lines: consecutive words whose vertical centres agree.
  const lines: LayoutLine[] = [];
  let current: LayoutWord[] = [];
  const flushLine = () => {
    if (current.length === 0) return;
    const sorted = [...current].sort((a, b) => a.box[0] - b.box[0]);
    lines.push({ box: unionBoxes(sorted.map((w) => w.box)), words: sorted });
    current = [];
  };
  for (const word of words) {
    const last = current[current.length - 1];
    if (last) {
      const h = Math.max(last.box[3] - last.box[1], 1);
      const same = Math.abs((word.box[1] + word.box[3]) / 2 - (last.box[1] + last.box[3]) / 2) < h / 2;
      if (!same) flushLine();
    }
    current.push(word);
  }
  flushLine();
  return { version: LAYOUT_VERSION, pageNumber, width: roundCoordinate(width), height: roundCoordinate(height), source: 'text-layer', lines };
}

function readGraphics(x: Exports, f32: (p: number) => number, i32: (p: number) => number, scratch: number, page: number, toLayout: Matrix): PageGraphics {
  const strokes: StrokedSegment[] = [];
  const fills: Box[] = [];
  const readMatrix = (obj: number): Matrix => {
    if (!x.FPDFPageObj_GetMatrix!(obj, scratch)) return [1, 0, 0, 1, 0, 0];
    return [0, 1, 2, 3, 4, 5].map((i) => f32(scratch + i * 4)) as unknown as Matrix;
  };
  const visit = (obj: number, parent: Matrix) => {
    const type = x.FPDFPageObj_GetType!(obj);
    const matrix = multiply(readMatrix(obj), parent);
    if (type === OBJ_FORM) {
      const children = x.FPDFFormObj_CountObjects!(obj);
      for (let i = 0; i < children; i += 1) visit(x.FPDFFormObj_GetObject!(obj, i), matrix);
      return;
    }
    if (type !== OBJ_PATH) return;
    if (!x.FPDFPath_GetDrawMode!(obj, scratch, scratch + 4)) return;
    const fillMode = i32(scratch);
    const stroked = i32(scratch + 4) !== 0;
    const toPage = multiply(matrix, toLayout);
    let lineWidth = 1;
    if (stroked && x.FPDFPageObj_GetStrokeWidth!(obj, scratch)) {
      lineWidth = f32(scratch) * Math.sqrt(Math.abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]));
    }
    const segments = x.FPDFPath_CountSegments!(obj);
    let subpath: [number, number][] = [];
    let curved = false;
    const endSubpath = (closed: boolean) => {
      if (subpath.length > 1) {
        const points = closed ? [...subpath, subpath[0]!] : subpath;
        if (stroked && !curved) {
          for (let i = 1; i < points.length; i += 1) {
            const [x0, y0] = points[i - 1]!;
            const [x1, y1] = points[i]!;
            if (x0 !== x1 || y0 !== y1) strokes.push({ x0: roundCoordinate(x0), y0: roundCoordinate(y0), x1: roundCoordinate(x1), y1: roundCoordinate(y1), lineWidth: roundCoordinate(lineWidth) });
          }
        }
        if (fillMode !== 0 && !curved) {
          const box = axisAlignedRectangle(points);
          if (box) fills.push(box);
        }
      }
      subpath = [];
      curved = false;
    };
    for (let i = 0; i < segments; i += 1) {
      const segment = x.FPDFPath_GetPathSegment!(obj, i);
      x.FPDFPathSegment_GetPoint!(segment, scratch, scratch + 4);
      const point = apply(toPage, f32(scratch), f32(scratch + 4));
      const kind = x.FPDFPathSegment_GetType!(segment);
      if (kind === SEG_MOVETO) { endSubpath(false); subpath.push(point); }
      else { if (kind === SEG_BEZIERTO) curved = true; else if (kind !== SEG_LINETO) continue; subpath.push(point); }
      if (x.FPDFPathSegment_GetClose!(segment)) endSubpath(true);
    }
    endSubpath(false);
  };
  const count = x.FPDFPage_CountObjects!(page);
  for (let i = 0; i < count; i += 1) visit(x.FPDFPage_GetObject!(page, i), [1, 0, 0, 1, 0, 0]);
  return { strokes, fills };
}

/** The box of a closed four-cornered axis-aligned polygon, or undefined. */
function axisAlignedRectangle(points: readonly [number, number][]): Box | undefined {
  const xs = [...new Set(points.map(([px]) => roundCoordinate(px)))];
  const ys = [...new Set(points.map(([, py]) => roundCoordinate(py)))];
  if (xs.length > 2 || ys.length > 2 || points.length < 4) return undefined;
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

async function main() {
  const [file, pagesArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx bench/dump-page-input.ts FILE.pdf [PAGES]');
  const pageNumbers = pagesArg?.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b ? Array.from({ length: b - a! + 1 }, (_, i) => a! + i) : [a!];
  });
  const pages = await dumpPages(file, pageNumbers);
  process.stdout.write(`${JSON.stringify(pages)}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
