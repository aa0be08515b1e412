/**
 * Renders PDF pages to 8-bit grey images with PDFium, as the extractor does before OCR, for the
 * OCR tests and bench (which need real scans as pixels without waiting for the extractor).
 */
import { init, type WrappedPdfiumModule } from '@embedpdf/pdfium';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { GreyImage, PageSize } from '../../lambdas/extract/ocr/grey-image.js';
import { planRender, type RenderLimits } from '../../lambdas/extract/ocr/render-plan.js';

/** FPDFBitmap_Gray: one byte per pixel. */
const BITMAP_GREY = 1;
/** FPDF_ANNOT: render annotations too, as a reader shows the page. */
const RENDER_FLAGS = 0x01;

export interface RenderedPage {
  readonly image: GreyImage;
  /** The page's size in points, as displayed. */
  readonly page: PageSize;
  readonly dpi: number;
}

export class PdfiumRenderer {
  private constructor(private readonly pdfium: WrappedPdfiumModule) {}

  static async open(): Promise<PdfiumRenderer> {
    const wasmPath = createRequire(import.meta.url).resolve('@embedpdf/pdfium/pdfium.wasm');
    const pdfium = await init({ wasmBinary: readFileSync(wasmPath) } as never);
    pdfium.PDFiumExt_Init();
    return new PdfiumRenderer(pdfium);
  }

  /** Every page of `bytes`, rendered at the DPI the render plan picks within `limits`. */
  renderDocument(bytes: Uint8Array, limits?: Partial<RenderLimits>, maxPages = Infinity): RenderedPage[] {
    return this.withDocument(bytes, (document) => {
      const count = Math.min(this.pdfium.FPDF_GetPageCount(document), maxPages);
      return Array.from({ length: count }, (_, index) => this.renderPage(document, index, limits));
    });
  }

  /** The text layer of each page (up to `maxPages`), as PDFium reads it: ground truth for OCR. */
  documentText(bytes: Uint8Array, maxPages = Infinity): string[] {
    const { pdfium } = this;
    return this.withDocument(bytes, (document) => {
      const count = Math.min(pdfium.FPDF_GetPageCount(document), maxPages);
      return Array.from({ length: count }, (_, index) => {
        const page = pdfium.FPDF_LoadPage(document, index);
        const textPage = pdfium.FPDFText_LoadPage(page);
        try {
          const chars = pdfium.FPDFText_CountChars(textPage);
          const buffer = pdfium.pdfium.wasmExports.malloc((chars + 1) * 2);
          try {
            pdfium.FPDFText_GetText(textPage, 0, chars, buffer);
            return pdfium.pdfium.UTF16ToString(buffer);
          } finally {
            pdfium.pdfium.wasmExports.free(buffer);
          }
        } finally {
          pdfium.FPDFText_ClosePage(textPage);
          pdfium.FPDF_ClosePage(page);
        }
      });
    });
  }

  private renderPage(document: number, index: number, limits?: Partial<RenderLimits>): RenderedPage {
    const { pdfium } = this;
    const page = pdfium.FPDF_LoadPage(document, index);
    if (!page) throw new Error(`PDFium could not load page ${index + 1}`);
    try {
      const size = { width: pdfium.FPDF_GetPageWidthF(page), height: pdfium.FPDF_GetPageHeightF(page) };
      const plan = planRender(size, limits);
      const bitmap = pdfium.FPDFBitmap_CreateEx(plan.width, plan.height, BITMAP_GREY, 0, 0);
      if (!bitmap) throw new Error(`PDFium could not allocate a ${plan.width}×${plan.height} bitmap`);
      try {
        pdfium.FPDFBitmap_FillRect(bitmap, 0, 0, plan.width, plan.height, 0xffffffff);
        pdfium.FPDF_RenderPageBitmap(bitmap, page, 0, 0, plan.width, plan.height, 0, RENDER_FLAGS);
        const pointer = pdfium.FPDFBitmap_GetBuffer(bitmap);
        const stride = pdfium.FPDFBitmap_GetStride(bitmap);
        const heap = (pdfium.pdfium as unknown as { HEAPU8: Uint8Array }).HEAPU8;
        const data = new Uint8Array(plan.width * plan.height);
        for (let row = 0; row < plan.height; row += 1) {
          data.set(heap.subarray(pointer + row * stride, pointer + row * stride + plan.width), row * plan.width);
        }
        return { image: { width: plan.width, height: plan.height, data }, page: size, dpi: plan.dpi };
      } finally {
        pdfium.FPDFBitmap_Destroy(bitmap);
      }
    } finally {
      pdfium.FPDF_ClosePage(page);
    }
  }

  private withDocument<T>(bytes: Uint8Array, use: (document: number) => T): T {
    const { pdfium } = this;
    const pointer = pdfium.pdfium.wasmExports.malloc(bytes.length);
    (pdfium.pdfium as unknown as { HEAPU8: Uint8Array }).HEAPU8.set(bytes, pointer);
    try {
      const document = pdfium.FPDF_LoadMemDocument(pointer, bytes.length, '');
      if (!document) throw new Error('PDFium could not open the document');
      try {
        return use(document);
      } finally {
        pdfium.FPDF_CloseDocument(document);
      }
    } finally {
      pdfium.pdfium.wasmExports.free(pointer);
    }
  }
}
