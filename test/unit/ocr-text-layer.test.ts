/**
 * What parsePdf keeps of a page's text layer when it OCRs (the rule is decideOcr's): a good OCR
 * layer is the page's text, a junk one is recognised again, a picture beside a few words is read
 * for the words inside it. The OCR engine here is a recording stand-in: what the real one reads of
 * real scans is in test/unit/ocr-corpus.test.ts; budgets and parallel pages in pdf-document-ocr.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parsePdf, type PageOcr, type ParsedPage } from '../../lambdas/extract/pdf-document.js';
import { PdfiumRenderer } from '../support/pdfium-render.js';
import { scanWithLayerPdf } from '../support/scan-with-layer-pdf.js';

/** Answers every page with one line of its own at the top of the picture, and remembers the images it was given. */
function recordingOcr(): PageOcr & { readonly seen: { width: number; height: number; darkPixels: number }[] } {
  const seen: { width: number; height: number; darkPixels: number }[] = [];
  return {
    seen,
    maxPages: 10,
    render: { dpi: 72 },
    recognise: async (image) => {
      seen.push({ width: image.width, height: image.height, darkPixels: image.data.filter((value) => value < 0x80).length });
      return { text: 'read by ocr', lines: [{ box: [72, 50, 200, 62], words: [{ text: 'read', box: [72, 50, 100, 62], confidence: 90 }, { text: 'by', box: [104, 50, 116, 62], confidence: 90 }, { text: 'ocr', box: [120, 50, 140, 62], confidence: 90 }] }], confidence: 90 };
    },
  };
}

async function parseWith(bytes: Uint8Array, ocr: PageOcr): Promise<ParsedPage> {
  const pages: ParsedPage[] = [];
  await parsePdf(bytes, { maxPages: 10, ocr }, { document: () => undefined, page: (page) => pages.push(page) });
  return pages[0]!;
}

describe('parsePdf: the text layer of a page that needs OCR', () => {
  it('keeps a good invisible OCR layer as the page text, without OCRing the page again', async () => {
    // Arrange
    const ocr = recordingOcr();
    const pdf = scanWithLayerPdf({ invisible: true, lines: ['The quarterly report of the records office', 'was approved by the committee in March'] });

    // Act
    const page = await parseWith(pdf, ocr);

    // Assert
    expect(ocr.seen).toHaveLength(0);
    expect(page).toMatchObject({ textSource: 'text-layer', needsOcr: false, hasText: true });
    expect(page.text).toBe('The quarterly report of the records office\nwas approved by the committee in March');
  });

  it('recognises a scan under a junk OCR layer again, and drops the junk', async () => {
    const ocr = recordingOcr();
    const pdf = scanWithLayerPdf({ invisible: true, lines: ['sw | \\\\ + 400 + 300 {note 1] t= ==', '|| ~~ }{ <> =: ;; \\\\ // ++ 0o0'] });

    const page = await parseWith(pdf, ocr);

    expect(ocr.seen).toHaveLength(1);
    expect(page).toMatchObject({ textSource: 'ocr', text: 'read by ocr', needsOcr: false });
  });

  it('reads the words inside a picture beside a one-line annotation, and keeps the annotation', async () => {
    // Arrange: a visible annotation over a picture covering the top third of the page
    const ocr = recordingOcr();
    const pdf = scanWithLayerPdf({ invisible: false, pictureShare: 0.33, lines: ['Produced with a trial version'] });

    // Act
    const page = await parseWith(pdf, ocr);

    // Assert: OCR was given the picture without the annotation's glyphs, and both are in the text, in reading order.
    expect(ocr.seen).toHaveLength(1);
    expect(page.text).toBe('read by ocr\nProduced with a trial version');
    expect(page.layout.lines.map((line) => line.words[0]!.confidence)).toEqual([90, undefined]);
  });

  it("renders the picture alone for OCR: the annotation's glyphs are left out", async () => {
    // Arrange: the same page with and without its annotation
    const withText = recordingOcr();
    const without = recordingOcr();

    const annotated = scanWithLayerPdf({ invisible: false, pictureShare: 0.33, lines: ['Produced with a trial version'] });
    const asShown = (await PdfiumRenderer.open()).renderDocument(annotated, { dpi: 72 }, 1)[0]!.image;

    // Act
    await parseWith(annotated, withText);
    await parseWith(scanWithLayerPdf({ invisible: false, pictureShare: 0.33, lines: [] }), without);

    // Assert: what OCR saw is the page without its annotation, which a reader sees drawn in ink.
    expect(withText.seen[0]).toEqual(without.seen[0]);
    expect(asShown.data.filter((value) => value < 0x80).length).toBeGreaterThan(withText.seen[0]!.darkPixels);
  });
});
