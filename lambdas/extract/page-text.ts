import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api.js';

/** A point in pdf.js's viewport space (origin top left, y downwards). */
type ToViewport = (x: number, y: number) => readonly number[];

/** Items further apart vertically than this are on different lines (viewport units). */
const LINE_THRESHOLD = 4.6;
/** Items on one line further apart than this are separate cells, joined by a tab. */
const CELL_THRESHOLD = 7;
const CELL_SEPARATOR = '\t';

export function isTextItem(item: TextItem | TextMarkedContent): item is TextItem {
  return 'str' in item;
}

/**
 * Lays a page's text items out as plain text: a line break where pdf.js marks one or where the
 * next item sits lower by more than the line's height, a tab between items on one line that
 * stand apart. These are pdf-parse's `getText` rules with its defaults, applied to text content
 * the caller already has, so the page is read once for text and tables alike.
 */
export function layOutPageText(items: readonly (TextItem | TextMarkedContent)[], toViewport: ToViewport): string {
  const parts: string[] = [];
  let lastX: number | undefined;
  let lastY: number | undefined;
  let lineHeight = 0;
  for (const item of items) {
    if (!isTextItem(item)) continue;
    const [x = 0, y = 0] = toViewport(item.transform[4], item.transform[5]);
    let text = item.str;
    if (lastY !== undefined && Math.abs(lastY - y) > LINE_THRESHOLD) {
      const startsLine = text.startsWith('\n') || (text.trim() === '' && item.hasEOL);
      if (parts.length > 0 && !parts[parts.length - 1]!.endsWith('\n') && !startsLine && Math.abs(lastY - y) - 1 > lineHeight) {
        parts.push('\n');
        lineHeight = 0;
      }
    }
    if (lastY !== undefined && Math.abs(lastY - y) < LINE_THRESHOLD && lastX !== undefined && Math.abs(lastX - x) > CELL_THRESHOLD) {
      text = `${CELL_SEPARATOR}${text}`;
    }
    parts.push(text);
    lastX = x + item.width;
    lastY = y;
    lineHeight = Math.max(lineHeight, item.height);
    if (item.hasEOL) parts.push('\n');
    if (item.hasEOL || text.endsWith('\n')) lineHeight = 0;
  }
  return parts.join('');
}
