/**
 * Pure decisions before OCR: which pages to recognise, and at what resolution to render them.
 */
import type { PageSize } from './grey-image.js';

const POINTS_PER_INCH = 72;

export interface RenderLimits {
  /** The resolution pages are rendered at when nothing says better. */
  readonly dpi: number;
  /** Lowest resolution picked for a page that fits the pixel cap. */
  readonly minDpi: number;
  /** Highest resolution ever picked. */
  readonly maxDpi: number;
  /** Most pixels in one rendered page; larger pages are rendered smaller, never refused. */
  readonly maxPixels: number;
}

/**
 * 150 DPI reads ordinary scans as well as 300 (word recall 0.988–0.996 on the Linn page at
 * both) in three quarters of the time; 25 MP keeps Tesseract's memory near 600 MB.
 */
export const DEFAULT_RENDER_LIMITS: RenderLimits = { dpi: 150, minDpi: 150, maxDpi: 300, maxPixels: 25_000_000 };

export interface RenderHints {
  /**
   * Resolution of the scan the page shows (its largest image's pixels per inch on the page),
   * where known. Rendering finer than the scan adds pixels, not detail; rendering a fine scan
   * coarser loses small print.
   */
  readonly sourceDpi?: number;
}

export interface RenderPlan {
  /** Pixel size of the rendered page. */
  readonly width: number;
  readonly height: number;
  /** The resolution it is rendered at (below `minDpi` only when the pixel cap forced it). */
  readonly dpi: number;
  /** True when the pixel cap lowered the resolution. */
  readonly scaledDown: boolean;
}

/**
 * The resolution to render a page at for OCR: the scan's own resolution when known, else the
 * configured one, kept within `minDpi`–`maxDpi`, then lowered until the page fits `maxPixels`.
 */
export function planRender(page: PageSize, limits: Partial<RenderLimits> = {}, hints: RenderHints = {}): RenderPlan {
  const { dpi, minDpi, maxDpi, maxPixels } = { ...DEFAULT_RENDER_LIMITS, ...limits };
  if (!(page.width > 0 && page.height > 0 && Number.isFinite(page.width) && Number.isFinite(page.height))) {
    throw new RangeError(`Cannot render a page of ${page.width} × ${page.height} pt`);
  }
  if (!(minDpi > 0 && minDpi <= maxDpi && maxPixels >= 1)) {
    throw new RangeError(`Render limits are inconsistent: ${minDpi}–${maxDpi} DPI, ${maxPixels} px`);
  }
  const wanted = clamp(hints.sourceDpi && hints.sourceDpi > 0 ? hints.sourceDpi : dpi, minDpi, maxDpi);
  const pixelsAt = (resolution: number) => pixelSize(page, resolution);
  let { width, height } = pixelsAt(wanted);
  if (width * height <= maxPixels) return { width, height, dpi: wanted, scaledDown: false };

  // Over the cap: the largest resolution whose rounded pixel size fits.
  let fitted = wanted * Math.sqrt(maxPixels / (width * height));
  ({ width, height } = pixelsAt(fitted));
  while (width * height > maxPixels && width > 1 && height > 1) {
    fitted *= 0.999;
    ({ width, height } = pixelsAt(fitted));
  }
  return { width, height, dpi: fitted, scaledDown: true };
}

function pixelSize(page: PageSize, dpi: number): { width: number; height: number } {
  const scale = dpi / POINTS_PER_INCH;
  return { width: Math.max(1, Math.round(page.width * scale)), height: Math.max(1, Math.round(page.height * scale)) };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
