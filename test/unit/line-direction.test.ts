/**
 * Whether a rendered page's lines run down it (scanned sideways), from its pixels alone: real
 * pages rendered by PDFium, as the extractor renders them for OCR.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { rotateGrey, type GreyImage } from '../../lambdas/extract/ocr/grey-image.js';
import { looksSideways } from '../../lambdas/extract/ocr/line-direction.js';
import { readCorpusFile } from '../support/corpus.js';
import { PdfiumRenderer } from '../support/pdfium-render.js';

let renderer: PdfiumRenderer;
const firstPage = (file: string): GreyImage => renderer.renderDocument(readCorpusFile(file), { dpi: 150 }, 1)[0]!.image;

beforeAll(async () => {
  renderer = await PdfiumRenderer.open();
});

describe('looksSideways', () => {
  // 010 is dense small print in three ruled columns: some ink between its lines every row.
  it.each(['010-report-federal-register-2020-17221.pdf', '012-report-naacl06-shinyama.pdf', '016-report-multicolumn.pdf', '042-scanned-francais.pdf'])('says sideways for %s turned a quarter either way, and not upright or upside down', (file) => {
    // Arrange
    const page = firstPage(file);

    // Act
    const [upright, right, upsideDown, left] = ([0, 90, 180, 270] as const).map((turn) => looksSideways(rotateGrey(page, turn)));

    // Assert
    expect({ upright, right, upsideDown, left }).toEqual({ upright: false, right: true, upsideDown: false, left: true });
  });

  it("does not take one line of words for a page's worth of lines (048)", () => {
    expect(looksSideways(firstPage('048-nonlatin-habibi.pdf'))).toBe(false);
  });

  it('does not take a blank page, or a table of ruled cells, for a sideways one', () => {
    const blank: GreyImage = { width: 600, height: 800, data: new Uint8Array(600 * 800).fill(255) };

    expect(looksSideways(blank)).toBe(false);
    expect(looksSideways(firstPage('020-table-senate-expenditures.pdf'))).toBe(false);
  });
});
