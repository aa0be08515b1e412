import { describe, expect, it } from 'vitest';
import { observeOcrPages, type OcrPageFigures } from '../../lambdas/extract/ocr/ocr-metrics.js';
import type { Extract } from '../../lambdas/extract/pdf-extractor.js';
import type { ParsedPage } from '../../lambdas/extract/pdf-document.js';

const LAYOUT = { version: 1, pageNumber: 1, width: 612, height: 792, source: 'text-layer', lines: [] } as const;
const page = (pageNumber: number, ocr?: { seconds: number; confidence: number }): ParsedPage => ({
  pageNumber,
  text: 'text',
  tables: [],
  layout: { ...LAYOUT, pageNumber },
  hasText: true,
  needsOcr: false,
  textSource: ocr ? 'ocr' : 'text-layer',
  ...(ocr ? { ocrSeconds: ocr.seconds, ocrConfidence: ocr.confidence } : {}),
});

describe('observeOcrPages', () => {
  it('reports each OCR page as it passes, and passes every page and the scope on unchanged', async () => {
    // Arrange: an extraction of a text page and two OCR pages
    const pages = [page(1), page(2, { seconds: 2.5, confidence: 91 }), page(3, { seconds: 3.1, confidence: 77.5 })];
    let scopeSeen: unknown;
    const extract: Extract = async (_bytes, _bounds, sink, scope) => {
      scopeSeen = scope;
      sink.document({ pageCount: 3, metadata: {} });
      for (const each of pages) sink.page(each);
    };
    const figures: OcrPageFigures[] = [];
    const received: ParsedPage[] = [];

    // Act
    await observeOcrPages(extract, (figure) => figures.push(figure))(
      new Uint8Array(),
      { maxPages: 10, deadline: 0, fullBudget: true, rssLimitMb: 100 },
      { document: () => undefined, page: (each) => received.push(each) },
      { pages: { first: 1, last: 3 }, shard: { index: 0, count: 2 } },
    );

    // Assert
    expect(figures).toEqual([
      { pageNumber: 2, seconds: 2.5, confidence: 91 },
      { pageNumber: 3, seconds: 3.1, confidence: 77.5 },
    ]);
    expect(received).toEqual(pages);
    expect(scopeSeen).toEqual({ pages: { first: 1, last: 3 }, shard: { index: 0, count: 2 } });
  });
});
