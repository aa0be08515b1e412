/**
 * Which pages are OCRed, from what the text layer says of them. Pages with real text never are;
 * a page's text layer is kept wherever it is worth keeping (a good OCR layer, a caption beside a
 * picture), and OCR adds what it alone can read.
 */

/** What the extractor knows of a page's text layer when deciding whether to OCR it. */
export interface TextLayerSummary {
  /** Non-whitespace characters drawn visibly (any text render mode but 3, invisible, and 7, clip). */
  readonly visibleChars: number;
  /** The text drawn invisibly (render mode 3): the mark of an OCR layer laid over a scan. */
  readonly invisibleText: string;
  /**
   * Share (0–1) of the page's area under images, overlaps counted once or more. Measured on pages
   * with fewer than `REAL_TEXT_CHARS` visible characters only (0 elsewhere).
   */
  readonly imageCoverage: number;
}

/**
 * - `no-text`: next to no text, over a picture: a scan.
 * - `image-with-little-text`: a picture covering a fifth of the page or more, with no more text
 *   than a caption, a stamp or a watermark beside it (corpus 047: a screenshot whose words are
 *   in the image, under a one-line annotation). Its text layer is kept, and OCR adds the rest.
 * - `junk-ocr-layer`: a scan whose invisible OCR layer is mostly not words (corpus 045).
 */
export type OcrReason = 'no-text' | 'image-with-little-text' | 'junk-ocr-layer';

export interface OcrDecision {
  readonly ocr: boolean;
  /** Why the page is OCRed; absent when it is not. */
  readonly reason?: OcrReason;
}

/** Fewer visible characters than this is no usable text. */
export const MIN_TEXT_CHARS = 20;
/** This many visible characters or more is real text: the page is never OCRed. */
export const REAL_TEXT_CHARS = 200;
/** A page with next to no text is a scan when images cover this much of it; less is a blank page with a logo. */
const SCAN_COVERAGE = 0.1;
/** A picture this large beside a few words may hold the page's text. */
const PICTURE_COVERAGE = 0.2;
/** An OCR layer with less of its text in plausible words than this is junk. */
export const MIN_PLAUSIBLE_RATIO = 0.6;

/**
 * Whether to OCR a page, and why:
 *
 * 1. `REAL_TEXT_CHARS` visible characters or more: never.
 * 2. An invisible OCR layer of `MIN_TEXT_CHARS` or more: kept as the page's text when at least
 *    `MIN_PLAUSIBLE_RATIO` of it is plausible words; otherwise re-recognised (`junk-ocr-layer`).
 * 3. Fewer than `MIN_TEXT_CHARS` visible characters with images over a tenth of the page: `no-text`.
 *    A blank page, or a word or two with no picture, has nothing more to read.
 * 4. Images over a fifth of the page beside a few words: `image-with-little-text`.
 *
 * "Plausible words" are judged by shape, so the rule holds for any script: the share of the text's
 * characters in tokens made of letters (optionally with inner hyphens or apostrophes and edge
 * punctuation) or plain numbers. The corpus's text layers score 0.89–1 (tables and CJK included),
 * 045's OCR layer 0.53.
 */
export function decideOcr(layer: TextLayerSummary): OcrDecision {
  if (layer.visibleChars >= REAL_TEXT_CHARS) return { ocr: false };
  if (countNonSpace(layer.invisibleText) >= MIN_TEXT_CHARS) {
    return plausibleWordRatio(layer.invisibleText) >= MIN_PLAUSIBLE_RATIO ? { ocr: false } : { ocr: true, reason: 'junk-ocr-layer' };
  }
  if (layer.visibleChars < MIN_TEXT_CHARS && layer.imageCoverage >= SCAN_COVERAGE) return { ocr: true, reason: 'no-text' };
  if (layer.imageCoverage >= PICTURE_COVERAGE) return { ocr: true, reason: 'image-with-little-text' };
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
