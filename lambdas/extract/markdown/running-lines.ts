/**
 * Running headers, footers and page numbers: lines a reader skips. A line is one when it sits
 * among the first or last lines of its page and either repeats (digits aside) at the same height
 * on other pages, or is a bare page number.
 */
import type { TextLine } from './text-lines.js';

/** How many lines from the top and from the bottom of a page can be running lines. */
const EDGE_LINES = 3;
/** Heights within this many points are the same position. */
const SAME_POSITION_POINTS = 4;

const PAGE_NUMBER = /^(?:(?:page|p\.|seite|página|pagina)\s*)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)\]]?(?:\s*(?:of|\/|de|von)\s*\d{1,4})?$/i;

export function isPageNumber(text: string): boolean {
  return PAGE_NUMBER.test(text.trim());
}

/** Lines at a page's edges, by height: the candidates for running lines. */
function edgeLines(lines: readonly TextLine[]): Set<TextLine> {
  const byTop = [...lines].sort((a, b) => a.box[1] - b.box[1]);
  return new Set([...byTop.slice(0, EDGE_LINES), ...byTop.slice(-EDGE_LINES)]);
}

const signature = (text: string) => text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();

/** The running lines of a document, given each page's lines. */
export function findRunningLines(pages: readonly (readonly TextLine[])[]): Set<TextLine> {
  const candidates = pages.map(edgeLines);
  const signatures = new Map<TextLine, string>();
  const seen = new Map<string, { pageNumber: number; top: number; bottom: number }[]>();
  for (const edge of candidates) {
    for (const line of edge) {
      const key = signature(line.text);
      signatures.set(line, key);
      const entries = seen.get(key) ?? [];
      entries.push({ pageNumber: line.pageNumber, top: line.box[1], bottom: line.box[3] });
      seen.set(key, entries);
    }
  }
  const running = new Set<TextLine>();
  for (const edge of candidates) {
    for (const line of edge) {
      // One repeat is enough: a running header has one on every page, and looking at them all,
      // page after page, would cost the square of the page count.
      const repeats = seen.get(signatures.get(line)!)!.some(
        (other) =>
          other.pageNumber !== line.pageNumber &&
          (Math.abs(other.top - line.box[1]) <= SAME_POSITION_POINTS || Math.abs(other.bottom - line.box[3]) <= SAME_POSITION_POINTS),
      );
      if (repeats || isPageNumber(line.text)) running.add(line);
    }
  }
  // A page that would be left with nothing is all body (a form letter's pages, a numbered list of
  // one-line pages): its repeating lines stay, only bare page numbers go.
  pages.forEach((lines) => {
    if (lines.length > 0 && lines.every((line) => running.has(line))) {
      for (const line of lines) if (!isPageNumber(line.text)) running.delete(line);
    }
  });
  return running;
}
