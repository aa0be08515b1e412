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

/** What the extractor knows of a page's text layer when deciding whether to OCR it. */
export interface TextLayerSummary {
  /** Non-whitespace characters drawn visibly (any text render mode but 3, invisible, and 7). */
  readonly visibleChars: number;
  /** The text drawn invisibly (render mode 3): the mark of an OCR layer laid over a scan. */
  readonly invisibleText: string;
  /** Share (0–1) of the page's area under images, overlaps counted once or more. */
  readonly imageCoverage: number;
}

export type OcrReason = 'no-text' | 'scan-with-little-text' | 'junk-ocr-layer';

export interface OcrDecision {
  readonly ocr: boolean;
  /** Why the page is OCRed; absent when it is not. */
  readonly reason?: OcrReason;
}

/** Fewer visible characters than this is no usable text (the extractor's `LOW_TEXT_CHARS`). */
export const MIN_TEXT_CHARS = 20;
/** An image covering this much of the page makes it a scan... */
const SCAN_COVERAGE = 0.5;
/** ...and with fewer visible characters than this, its text is a stamp, a header or a watermark. */
const SCAN_MAX_VISIBLE_CHARS = 200;
/** An OCR layer with less of its text in plausible words than this is junk. */
export const MIN_PLAUSIBLE_RATIO = 0.6;

/**
 * Whether to OCR a page, from its text layer. Pages with real text are never OCRed:
 *
 * - `no-text`: fewer than 20 visible characters and no good OCR layer (today's `needsOcr`).
 * - `scan-with-little-text`: an image covers half the page or more and the visible text is a
 *   few words (a watermark, a stamp: corpus 047), with no good OCR layer under them.
 * - `junk-ocr-layer`: the page's text is an invisible OCR layer (render mode 3, as ocrmypdf and
 *   scanners write) whose text is mostly not words (corpus 045: `sw | \ + 400 —esupport
 *   vote{note 1] t=`). A good OCR layer is kept as the page's text.
 *
 * "Plausible words" are judged by shape, so it holds for any script: the share of the text's
 * characters that are in tokens made of letters (optionally with inner hyphens or apostrophes
 * and edge punctuation) or plain numbers. Text layers of the corpus score 0.89–1 (tables and CJK included); the 045 layer 0.53.
 */
export function decideOcr(layer: TextLayerSummary): OcrDecision {
  const invisibleChars = countNonSpace(layer.invisibleText);
  const goodOcrLayer = invisibleChars >= MIN_TEXT_CHARS && plausibleWordRatio(layer.invisibleText) >= MIN_PLAUSIBLE_RATIO;
  if (layer.visibleChars >= SCAN_MAX_VISIBLE_CHARS) return { ocr: false };
  if (goodOcrLayer) return { ocr: false };
  if (invisibleChars >= MIN_TEXT_CHARS) return { ocr: true, reason: 'junk-ocr-layer' };
  if (layer.visibleChars < MIN_TEXT_CHARS) return { ocr: true, reason: 'no-text' };
  if (layer.imageCoverage >= SCAN_COVERAGE) return { ocr: true, reason: 'scan-with-little-text' };
  return { ocr: false };
}

const PLAUSIBLE_TOKEN = /^[\p{P}\p{S}]{0,2}(?:\p{L}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*|\p{N}+(?:[.,:/-]\p{N}+)*%?)[\p{P}]{0,2}$/u;

/** Share (0–1) of the text's non-space characters in word- or number-shaped tokens. */
export function plausibleWordRatio(text: string): number {
  let total = 0;
  let plausible = 0;
  // Format characters (bidi marks around Arabic or Hebrew, soft hyphens) are not text.
  for (const token of text.replace(/\p{Cf}/gu, '').split(/\s+/)) {
    if (!token) continue;
    total += token.length;
    if (PLAUSIBLE_TOKEN.test(token) && !/[{}[\]|\\<>=]/.test(token)) plausible += token.length;
  }
  return total === 0 ? 0 : plausible / total;
}

function countNonSpace(text: string): number {
  return text.replace(/\s/g, '').length;
}
