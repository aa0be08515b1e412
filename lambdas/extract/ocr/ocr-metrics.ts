/**
 * Measures OCR as pages are extracted: wraps an extraction so that each page read by OCR is
 * reported (its seconds and confidence) before it reaches the sink. Whole documents and shards
 * alike pass through it, so every OCR page is counted once, where it was read.
 */
import type { Extract } from '../pdf-extractor.js';

export interface OcrPageFigures {
  readonly pageNumber: number;
  readonly seconds: number;
  readonly confidence: number;
}

export function observeOcrPages(extract: Extract, record: (page: OcrPageFigures) => void): Extract {
  return (bytes, bounds, sink, scope) =>
    extract(
      bytes,
      bounds,
      {
        document: (document) => sink.document(document),
        page: (page) => {
          if (page.textSource === 'ocr') {
            record({ pageNumber: page.pageNumber, seconds: page.ocrSeconds ?? 0, confidence: page.ocrConfidence ?? 0 });
          }
          sink.page(page);
        },
      },
      scope,
    );
}
