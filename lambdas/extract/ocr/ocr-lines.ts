/**
 * What the OCR engines' lines make: a page's text and mean confidence (one rule for Tesseract
 * and Textract), and a page's text layer and OCR together. For the latter the page is rendered
 * without its text objects (page-reader.ts), so OCR reads only what the text layer lacks, the
 * words inside its pictures: the two sets of lines are joined in reading order, top to bottom.
 */
import type { LayoutLine } from '../../shared/page-layout.js';

/** A page as OCR read it: its lines, their text, and the mean of its words' confidences (0–100). */
export interface OcrReading {
  readonly text: string;
  readonly lines: readonly LayoutLine[];
  readonly confidence: number;
}

export function readingOf(lines: readonly LayoutLine[]): OcrReading {
  const words = lines.flatMap((line) => line.words);
  const confidence = words.length ? words.reduce((sum, word) => sum + (word.confidence ?? 0), 0) / words.length : 0;
  return { text: textOfLines(lines), lines, confidence: Math.round(confidence * 10) / 10 };
}

export function mergeOcrLines(textLayer: readonly LayoutLine[], ocr: readonly LayoutLine[]): LayoutLine[] {
  return [...textLayer, ...ocr].sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
}

/** The text of lines: words joined by spaces, lines by newlines. */
export function textOfLines(lines: readonly LayoutLine[]): string {
  return lines.map((line) => line.words.map((word) => word.text).join(' ')).join('\n');
}
