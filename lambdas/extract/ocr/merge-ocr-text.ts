/**
 * A page's text layer and its OCR, together. The page is rendered for OCR without its text
 * objects (page-reader.ts), so OCR reads only what the text layer lacks, the words inside its
 * pictures: the two sets of lines are joined in reading order, top to bottom.
 */
import type { LayoutLine } from '../../shared/page-layout.js';

export function mergeOcrLines(textLayer: readonly LayoutLine[], ocr: readonly LayoutLine[]): LayoutLine[] {
  return [...textLayer, ...ocr].sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
}

/** The text of lines: words joined by spaces, lines by newlines. */
export function textOfLines(lines: readonly LayoutLine[]): string {
  return lines.map((line) => line.words.map((word) => word.text).join(' ')).join('\n');
}
