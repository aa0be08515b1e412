/** The layout parsePdf reads through PDFium, on PDFs made for the purpose and from the corpus. */
import { describe, expect, it } from 'vitest';
import { parsePdf, type ParsedPage } from '../../lambdas/extract/pdf-document.js';
import type { PageLayout } from '../../lambdas/shared/page-layout.js';
import { readCorpusFile } from '../support/corpus.js';
import { makePlacedTextPdf, type PlacedText } from '../support/pdf-factory.js';

async function pagesOf(bytes: Uint8Array): Promise<ParsedPage[]> {
  const pages: ParsedPage[] = [];
  await parsePdf(bytes, { maxPages: 100 }, { document: () => undefined, page: (page) => pages.push(page) });
  return pages;
}

const words = (layout: PageLayout) => layout.lines.flatMap((line) => line.words);

/** Two columns of three lines each, written column by column, as a two-column article is. */
function twoColumnPage(): PlacedText[] {
  const column = (x: number, prefix: string) =>
    [0, 1, 2].map((line) => ({ text: `${prefix} line ${line + 1}`, x, y: 700 - line * 14 }));
  return [{ text: 'A Two Column Title', x: 72, y: 740, size: 18, bold: true }, ...column(72, 'left'), ...column(320, 'right')];
}

describe('parsePdf layout', () => {
  it('reads a two-column page in reading order: the title, the left column, then the right', async () => {
    const [page] = await pagesOf(makePlacedTextPdf([twoColumnPage()]));

    expect(page!.layout.lines.map((line) => line.words.map((word) => word.text).join(' '))).toEqual([
      'A Two Column Title',
      'left line 1',
      'left line 2',
      'left line 3',
      'right line 1',
      'right line 2',
      'right line 3',
    ]);
  });

  it('puts every box inside the page, top-left origin, lines going down the page', async () => {
    const [page] = await pagesOf(makePlacedTextPdf([twoColumnPage()]));
    const { width, height } = page!.layout;
    const left = page!.layout.lines.filter((line) => line.words[0]!.text === 'left');

    expect([width, height]).toEqual([612, 792]);
    for (const word of words(page!.layout)) {
      const [x0, y0, x1, y1] = word.box;
      expect(0 <= x0 && x0 < x1 && x1 <= width && 0 <= y0 && y0 < y1 && y1 <= height).toBe(true);
    }
    expect(left.map((line) => line.box[1])).toEqual([...left.map((line) => line.box[1])].sort((a, b) => a - b));
    // A baseline 700 pt above the bottom of a 792 pt page sits about 92 pt from the top.
    expect(left[0]!.box[3]).toBeGreaterThan(88);
    expect(left[0]!.box[3]).toBeLessThan(100);
  });

  it('carries font size and weight: the title is bold and larger than the body', async () => {
    const [page] = await pagesOf(makePlacedTextPdf([twoColumnPage()]));
    const [title, body] = [page!.layout.lines[0]!.words[0]!, page!.layout.lines[1]!.words[0]!];

    expect(title).toMatchObject({ text: 'A', size: 18, bold: true });
    expect(body).toMatchObject({ text: 'left', size: 10 });
    expect(body.bold).toBeUndefined();
  });

  it('lays out a page shown with /Rotate 90 in its displayed orientation', async () => {
    const [page] = await pagesOf(makePlacedTextPdf([[{ text: 'Rotated', x: 72, y: 700 }]], { rotate: 90 }));
    const [x0, y0, x1, y1] = words(page!.layout)[0]!.box;

    expect([page!.layout.width, page!.layout.height]).toEqual([792, 612]);
    expect(page!.text).toBe('Rotated');
    // Displayed a quarter turn clockwise, the run reads downwards near the page's right edge.
    expect(y1 - y0).toBeGreaterThan(x1 - x0);
    expect(x0).toBeGreaterThan(600);
  });

  it('reads Japanese from CID fonts without embedded Unicode maps, and Arabic, with boxes', async () => {
    const [japanese] = await pagesOf(readCorpusFile('052-nonlatin-kampo.pdf'));
    const [arabic] = await pagesOf(readCorpusFile('048-nonlatin-habibi.pdf'));

    // Vertical writing: PDFium breaks the line after each character, as pdftotext does.
    expect(japanese!.text.replace(/\s/g, '')).toContain('第二条第一項の表の青色の灯火');
    expect(arabic!.text).toMatch(/[\u0600-\u06ff]{3}/);
    expect(words(japanese!.layout).length).toBeGreaterThan(0);
    expect(words(arabic!.layout).length).toBeGreaterThan(0);
  });

  it('gives an image-only page an empty layout of the right size', async () => {
    const [page] = await pagesOf(readCorpusFile('044-scanned-image.pdf'));

    expect(page!.layout.lines).toEqual([]);
    expect(page!.layout.width).toBeGreaterThan(0);
    expect(page!.needsOcr).toBe(true);
  });
});
