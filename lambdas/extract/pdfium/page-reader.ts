/**
 * Reads one page through PDFium: its characters into text and layout (text-layout.ts), and,
 * when asked, its drawing as a table finder needs it (page-graphics.ts).
 */
import { LAYOUT_VERSION, roundCoordinate, type Box, type PageGraphics, type PageLayout } from '../../shared/page-layout.js';
import { pageGeometry, type PageGeometry } from '../page-geometry.js';
import { layOutPage, type FontStyle, type PageChars } from '../text-layout.js';
import { REAL_TEXT_CHARS } from '../ocr/ocr-decision.js';
import type { RenderLimits } from '../ocr/render-plan.js';
import { readPageGraphics } from './page-graphics.js';
import { PAGE_OBJECT } from './page-objects.js';
import { renderPageGrey, type RenderedPage } from './page-render.js';
import type { PdfiumDocument } from './pdfium-document.js';
import type { Pdfium } from './pdfium-module.js';

export interface PageContent {
  readonly text: string;
  readonly layout: PageLayout;
  /** The page's drawing, when asked for and the page has text. */
  readonly graphics?: PageGraphics;
  /** Characters other than whitespace drawn visibly (the text of an OCR layer is not). */
  readonly visibleChars: number;
  /** The text drawn invisibly: a scan's OCR layer, when it has one (see decideOcr). */
  readonly invisibleText: string;
  /**
   * Share of the page (0–1) that images cover, measured only on pages with little text, where it
   * tells a scan (worth OCR) from a blank or nearly blank page (nothing to read). 0 elsewhere.
   */
  readonly imageCoverage: number;
  /** PDFium could not load the page (a broken page tree entry): it reads as empty. */
  readonly unreadable?: true;
}

/** Forms nested deeper than this are not looked into (a hostile file may nest them without end). */
const MAX_FORM_DEPTH = 4;

/** FPDFTextObj_GetTextRenderMode's modes that draw nothing: invisible, and clip only. */
const INVISIBLE_RENDER_MODES = new Set([3, 7]);

/** FPDFFont_GetFlags: the font descriptor's Italic and ForceBold flags. */
const FONT_FLAG_ITALIC = 1 << 6;
const FONT_FLAG_FORCE_BOLD = 1 << 18;
const BOLD_WEIGHT = 600;
const NO_STYLE: FontStyle = { bold: false, italic: false };

/** Scratch memory in PDFium's heap for the out-parameters of its calls, allocated once. */
export class PageReader {
  /** 32 bytes: an FS_RECTF, an FS_MATRIX or a few numbers. */
  private readonly scratch: number;
  private readonly fontStyles = new Map<number, FontStyle>();
  private readonly invisibleObjects = new Map<number, boolean>();

  constructor(private readonly pdfium: Pdfium) {
    this.scratch = pdfium.malloc(32);
  }

  close(): void {
    this.pdfium.free(this.scratch);
  }

  /** Reads page `pageNumber` (1-based); a page PDFium cannot load reads as empty. */
  read(document: PdfiumDocument, pageNumber: number, options: { readonly graphics: boolean }): PageContent {
    const { fn } = this.pdfium;
    const page = fn.FPDF_LoadPage!(document.handle, pageNumber - 1);
    if (page === 0) {
      return {
        text: '',
        visibleChars: 0,
        invisibleText: '',
        imageCoverage: 0,
        layout: { version: LAYOUT_VERSION, pageNumber, width: 0, height: 0, source: 'text-layer', lines: [] },
        unreadable: true,
      };
    }
    try {
      const geometry = this.geometry(page);
      const textPage = fn.FPDFText_LoadPage!(page);
      let laidOut: ReturnType<typeof layOutPage> = { text: '', lines: [], invisibleText: '' };
      try {
        if (textPage !== 0) laidOut = layOutPage(this.chars(textPage, geometry));
      } finally {
        if (textPage !== 0) fn.FPDFText_ClosePage!(textPage);
        this.fontStyles.clear();
        this.invisibleObjects.clear();
      }
      const visibleChars = nonSpaceLength(laidOut.text) - nonSpaceLength(laidOut.invisibleText);
      const layout: PageLayout = {
        version: LAYOUT_VERSION,
        pageNumber,
        width: roundCoordinate(geometry.width),
        height: roundCoordinate(geometry.height),
        source: 'text-layer',
        lines: laidOut.lines,
      };
      const graphics = options.graphics && visibleChars > 0 ? readPageGraphics(this.pdfium, page, geometry, this.scratch) : undefined;
      const imageCoverage = visibleChars < REAL_TEXT_CHARS ? this.imageCoverage(page, geometry) : 0;
      return { text: laidOut.text, layout, visibleChars, invisibleText: laidOut.invisibleText, imageCoverage, ...(graphics ? { graphics } : {}) };
    } finally {
      fn.FPDF_ClosePage!(page);
    }
  }

  /**
   * Renders page `pageNumber` (1-based) in grey for OCR; undefined when PDFium cannot load it.
   * `withoutText` leaves the page's text objects out of the picture: when its text layer is kept,
   * OCR is to read only what the layer lacks (the words inside images), and text drawn over an
   * image (corpus 047's annotation across a screenshot's caption) would garble both.
   */
  render(document: PdfiumDocument, pageNumber: number, limits: Partial<RenderLimits>, options: { readonly withoutText?: boolean } = {}): RenderedPage | undefined {
    const { fn } = this.pdfium;
    const page = fn.FPDF_LoadPage!(document.handle, pageNumber - 1);
    if (page === 0) return undefined;
    try {
      if (options.withoutText) this.removeTextObjects(page);
      return renderPageGrey(this.pdfium, page, limits);
    } finally {
      fn.FPDF_ClosePage!(page);
    }
  }

  /** Takes the text objects out of this loaded copy of the page, forms' too (the document is untouched). */
  private removeTextObjects(page: number): void {
    const { fn } = this.pdfium;
    const strip = (count: number, objectAt: (index: number) => number, remove: (object: number) => number, depth: number): void => {
      for (let index = count - 1; index >= 0; index -= 1) {
        const object = objectAt(index);
        const type = object === 0 ? 0 : fn.FPDFPageObj_GetType!(object);
        if (type === PAGE_OBJECT.text && remove(object)) fn.FPDFPageObj_Destroy!(object);
        else if (type === PAGE_OBJECT.form && depth < MAX_FORM_DEPTH) {
          strip(fn.FPDFFormObj_CountObjects!(object), (child) => fn.FPDFFormObj_GetObject!(object, child), (child) => fn.FPDFFormObj_RemoveObject!(object, child), depth + 1);
        }
      }
    };
    strip(fn.FPDFPage_CountObjects!(page), (index) => fn.FPDFPage_GetObject!(page, index), (object) => fn.FPDFPage_RemoveObject!(page, object), 0);
  }

  /** The share of the page its images cover (forms' images by the form's bounds), at most 1. */
  private imageCoverage(page: number, geometry: PageGeometry): number {
    const { fn, float32 } = this.pdfium;
    const pageArea = geometry.width * geometry.height;
    if (!(pageArea > 0)) return 0;
    const holdsImage = (object: number, depth: number): boolean => {
      const type = fn.FPDFPageObj_GetType!(object);
      if (type === PAGE_OBJECT.image) return true;
      if (type !== PAGE_OBJECT.form || depth > MAX_FORM_DEPTH) return false;
      const count = Math.min(fn.FPDFFormObj_CountObjects!(object), 1000);
      for (let index = 0; index < count; index += 1) if (holdsImage(fn.FPDFFormObj_GetObject!(object, index), depth + 1)) return true;
      return false;
    };
    let covered = 0;
    const count = Math.min(fn.FPDFPage_CountObjects!(page), 10_000);
    for (let index = 0; index < count && covered < pageArea; index += 1) {
      const object = fn.FPDFPage_GetObject!(page, index);
      if (object === 0 || !holdsImage(object, 0)) continue;
      const s = this.scratch;
      if (!fn.FPDFPageObj_GetBounds!(object, s, s + 4, s + 8, s + 12)) continue;
      const [left, top, right, bottom] = geometry.box(float32(s), float32(s + 4), float32(s + 8), float32(s + 12));
      const width = Math.min(right, geometry.width) - Math.max(left, 0);
      const height = Math.min(bottom, geometry.height) - Math.max(top, 0);
      if (width > 0 && height > 0) covered += width * height;
    }
    return Math.min(1, covered / pageArea);
  }

  private geometry(page: number): PageGeometry {
    const { fn } = this.pdfium;
    const rect = this.scratch;
    let bounds = { left: 0, bottom: 0, right: fn.FPDF_GetPageWidthF!(page), top: fn.FPDF_GetPageHeightF!(page) };
    if (fn.FPDF_GetPageBoundingBox!(page, rect)) {
      const [left, top, right, bottom] = [0, 4, 8, 12].map((offset) => this.pdfium.float32(rect + offset)) as [number, number, number, number];
      if (right > left && top > bottom) bounds = { left, bottom, right, top };
    }
    return pageGeometry(bounds, fn.FPDFPage_GetRotation!(page));
  }

  private chars(textPage: number, geometry: PageGeometry): PageChars {
    const { fn, float32 } = this.pdfium;
    const rect = this.scratch;
    return {
      count: fn.FPDFText_CountChars!(textPage),
      unicode: (index) => fn.FPDFText_GetUnicode!(textPage, index),
      unmapped: (index) => fn.FPDFText_HasUnicodeMapError!(textPage, index) === 1,
      box: (index): Box => {
        if (!fn.FPDFText_GetLooseCharBox!(textPage, index, rect)) return [0, 0, 0, 0];
        return geometry.box(float32(rect), float32(rect + 12), float32(rect + 8), float32(rect + 4));
      },
      fontSize: (index) => fn.FPDFText_GetFontSize!(textPage, index),
      style: (index) => this.style(textPage, index),
      invisible: (index) => this.invisible(textPage, index),
    };
  }

  /** Whether the character's text object is drawn in an invisible render mode, looked up once per object. */
  private invisible(textPage: number, index: number): boolean {
    const { fn } = this.pdfium;
    const textObject = fn.FPDFText_GetTextObject!(textPage, index);
    if (textObject === 0) return false;
    let invisible = this.invisibleObjects.get(textObject);
    if (invisible === undefined) {
      invisible = INVISIBLE_RENDER_MODES.has(fn.FPDFTextObj_GetTextRenderMode!(textObject));
      this.invisibleObjects.set(textObject, invisible);
    }
    return invisible;
  }

  /** Bold and italic from the character's font, looked up once per font. */
  private style(textPage: number, index: number): FontStyle {
    const { fn } = this.pdfium;
    const textObject = fn.FPDFText_GetTextObject!(textPage, index);
    const font = textObject === 0 ? 0 : fn.FPDFTextObj_GetFont!(textObject);
    if (font === 0) return NO_STYLE;
    const known = this.fontStyles.get(font);
    if (known) return known;
    const flags = fn.FPDFFont_GetFlags!(font);
    const name = this.baseFontName(font);
    const style: FontStyle = {
      bold: fn.FPDFFont_GetWeight!(font) >= BOLD_WEIGHT || (flags > 0 && (flags & FONT_FLAG_FORCE_BOLD) !== 0) || /bold|black|heavy|semibold|demi/i.test(name),
      italic: (flags > 0 && (flags & FONT_FLAG_ITALIC) !== 0) || /italic|oblique/i.test(name),
    };
    this.fontStyles.set(font, style);
    return style;
  }

  private baseFontName(font: number): string {
    const { fn } = this.pdfium;
    const length = fn.FPDFFont_GetBaseFontName!(font, 0, 0);
    if (length <= 1 || length > 1024) return '';
    const buffer = this.pdfium.malloc(length);
    try {
      fn.FPDFFont_GetBaseFontName!(font, buffer, length);
      return Buffer.from(this.pdfium.heap().subarray(buffer, buffer + length - 1)).toString('latin1');
    } finally {
      this.pdfium.free(buffer);
    }
  }
}

function nonSpaceLength(text: string): number {
  return text.replace(/\s/g, '').length;
}
