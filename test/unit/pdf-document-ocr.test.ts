/**
 * How parsePdf hands pages to OCR: within the document's OCR page budget (a shard within its
 * share), several pages at once yet reported in order, and what an engine's failure on a page
 * means. The engine here is a stand-in: the real ones are tested in their own files.
 */
import { describe, expect, it } from 'vitest';
import { OcrUnavailable, PageOcrRefused } from '../../lambdas/extract/ocr/ocr-errors.js';
import { parsePdf, type PageOcr, type ParsedPage } from '../../lambdas/extract/pdf-document.js';
import { readCorpusFile } from '../support/corpus.js';

/** Six scanned pages, none with a text layer. */
const SIX_SCANNED_PAGES = readCorpusFile('036-scanned-multipage.pdf');

/**
 * An engine that reads every page as "page read N", recording what it was given. The first
 * `parallelPages` calls are held until all of them have arrived, then answered last first, so
 * that how many run at once and the order pages come out in can only come from parsePdf.
 */
function stubOcr(options: { maxPages: number; parallelPages?: number; fail?: (call: number) => Error | undefined }) {
  const calls: { width: number; height: number }[] = [];
  const held: (() => void)[] = [];
  const batch = options.parallelPages ?? 1;
  let inFlight = 0;
  let mostInFlight = 0;
  const ocr: PageOcr = {
    maxPages: options.maxPages,
    parallelPages: options.parallelPages,
    render: { dpi: 150 },
    recognise: async (image) => {
      calls.push({ width: image.width, height: image.height });
      const call = calls.length;
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      if (call <= batch) {
        await new Promise<void>((release) => {
          held.push(release);
          if (held.length === batch) for (const next of held.reverse()) next();
        });
      }
      inFlight -= 1;
      const failure = options.fail?.(call);
      if (failure) throw failure;
      return { text: `page read ${call}`, lines: [], confidence: 90 };
    },
  };
  return { ocr, calls, mostInFlight: () => mostInFlight };
}

async function parseWith(ocr: PageOcr, extra: Partial<Parameters<typeof parsePdf>[1]> = {}): Promise<ParsedPage[]> {
  const pages: ParsedPage[] = [];
  await parsePdf(SIX_SCANNED_PAGES, { maxPages: 100, ocr, ...extra }, { document: () => undefined, page: (page) => pages.push(page) });
  return pages;
}

describe('parsePdf with OCR', () => {
  it('OCRs pages up to maxPagesPerDocument; the rest keep needsOcr and the document still completes', async () => {
    // Arrange
    const { ocr, calls } = stubOcr({ maxPages: 4 });

    // Act
    const pages = await parseWith(ocr);

    // Assert
    expect(calls).toHaveLength(4);
    expect(pages.map((page) => page.pageNumber)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pages.map((page) => page.textSource)).toEqual(['ocr', 'ocr', 'ocr', 'ocr', 'text-layer', 'text-layer']);
    expect(pages.slice(0, 4).every((page) => !page.needsOcr && page.hasText && page.ocrConfidence === 90)).toBe(true);
    expect(pages.slice(4).every((page) => page.needsOcr && !page.hasText)).toBe(true);
  });

  it('recognises several pages at once and still reports them in page order', async () => {
    // Arrange
    const { ocr, mostInFlight } = stubOcr({ maxPages: 10, parallelPages: 3 });

    // Act
    const pages = await parseWith(ocr);

    // Assert
    expect(mostInFlight()).toBe(3);
    expect(pages.map((page) => page.pageNumber)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pages.map((page) => page.text)).toEqual([1, 2, 3, 4, 5, 6].map((call) => `page read ${call}`));
    expect(pages.every((page) => page.ocrSeconds !== undefined && page.ocrSeconds >= 0)).toBe(true);
  });

  it('OCRs only its share of the budget in a shard, so the shards together keep within it', async () => {
    // Arrange: a budget of 5 over 3 shards is 1 + 2 + 2 pages
    const shares = [];
    for (const [index, pages] of [{ first: 1, last: 2 }, { first: 3, last: 4 }, { first: 5, last: 6 }].entries()) {
      const { ocr, calls } = stubOcr({ maxPages: 5 });

      // Act
      await parseWith(ocr, { pages, shard: { index, count: 3 } });
      shares.push(calls.length);
    }

    // Assert
    expect(shares).toEqual([1, 2, 2]);
  });

  it('keeps needsOcr on a page the engine refuses, and reads the others', async () => {
    // Arrange
    const { ocr } = stubOcr({ maxPages: 10, fail: (call) => (call === 2 ? new PageOcrRefused('image too large for the engine') : undefined) });

    // Act
    const pages = await parseWith(ocr);

    // Assert
    expect(pages[1]).toMatchObject({ pageNumber: 2, needsOcr: true, textSource: 'text-layer' });
    expect(pages.filter((page) => page.textSource === 'ocr')).toHaveLength(5);
  });

  it('passes an engine out of reach through as it is, for the document to be retried, not failed', async () => {
    // Arrange
    const { ocr } = stubOcr({ maxPages: 10, fail: (call) => (call === 1 ? new OcrUnavailable('throttled in 6 attempts') : undefined) });

    // Act & Assert
    await expect(parseWith(ocr)).rejects.toBeInstanceOf(OcrUnavailable);
  });

  it('renders a page over the pixel cap smaller rather than refusing it', async () => {
    // Arrange: a cap of half a megapixel, under what the page takes at 150 DPI
    const cap = 500_000;
    const { ocr, calls } = stubOcr({ maxPages: 1 });

    // Act
    const [first] = await parseWith({ ...ocr, render: { dpi: 150, maxPixels: cap } });

    // Assert
    const at150Dpi = ((first!.layout.width * 150) / 72) * ((first!.layout.height * 150) / 72);
    expect(at150Dpi).toBeGreaterThan(cap);
    expect(first).toMatchObject({ textSource: 'ocr', needsOcr: false });
    expect(calls[0]!.width * calls[0]!.height).toBeLessThanOrEqual(cap);
    expect(calls[0]!.width * calls[0]!.height).toBeGreaterThan(cap * 0.95);
  });
});
