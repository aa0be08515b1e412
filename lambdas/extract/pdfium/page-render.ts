/**
 * Renders a page to an 8-bit grey image for OCR, as displayed (its /Rotate applied), at the
 * resolution the render plan picks: never more pixels than the plan allows, whatever the page's
 * size, so a huge page is scaled down rather than refused.
 */
import type { GreyImage, PageSize } from '../ocr/grey-image.js';
import { planRender, type RenderLimits } from '../ocr/render-plan.js';
import type { Pdfium } from './pdfium-module.js';

/** FPDFBitmap_Gray: one byte per pixel. */
const BITMAP_GREY = 1;
/** FPDF_ANNOT: annotations too (stamps, signatures), as a reader shows the page. */
const RENDER_ANNOTATIONS = 0x01;
const WHITE = 0xffffffff;

export interface RenderedPage {
  readonly image: GreyImage;
  /** The page's size in points, as displayed. */
  readonly page: PageSize;
  readonly dpi: number;
}

/** Renders a loaded page (an FPDF_PAGE handle). */
export function renderPageGrey(pdfium: Pdfium, page: number, limits: Partial<RenderLimits>): RenderedPage {
  const { fn } = pdfium;
  const size = { width: fn.FPDF_GetPageWidthF!(page), height: fn.FPDF_GetPageHeightF!(page) };
  const plan = planRender(size, limits);
  const bitmap = fn.FPDFBitmap_CreateEx!(plan.width, plan.height, BITMAP_GREY, 0, 0);
  if (bitmap === 0) throw new RangeError(`PDFium could not allocate a ${plan.width}×${plan.height} bitmap`);
  try {
    fn.FPDFBitmap_FillRect!(bitmap, 0, 0, plan.width, plan.height, WHITE);
    fn.FPDF_RenderPageBitmap!(bitmap, page, 0, 0, plan.width, plan.height, 0, RENDER_ANNOTATIONS);
    const pointer = fn.FPDFBitmap_GetBuffer!(bitmap);
    const stride = fn.FPDFBitmap_GetStride!(bitmap);
    const heap = pdfium.heap();
    const data = new Uint8Array(plan.width * plan.height);
    for (let row = 0; row < plan.height; row += 1) {
      data.set(heap.subarray(pointer + row * stride, pointer + row * stride + plan.width), row * plan.width);
    }
    return { image: { width: plan.width, height: plan.height, data }, page: size, dpi: plan.dpi };
  } finally {
    fn.FPDFBitmap_Destroy!(bitmap);
  }
}
