/**
 * Every scanned file of the shared corpus (036–047) read the way the function reads it: the
 * parser decides which pages need OCR (a scan, a junk OCR layer, a picture beside a one-line
 * annotation) and the tesseract.js engine reads them at the deployed resolution. Each page
 * yields words a person reads on it (checked by eye against the rendered pages).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TesseractEngine } from '../../lambdas/extract/ocr/tesseract-engine.js';
import { parsePdf, type ParsedPage } from '../../lambdas/extract/pdf-document.js';
import { CONFIGS } from '../../lib/config.js';
import { readCorpusFile } from '../support/corpus.js';

const OCR_TIMEOUT = 240_000;
const engine = new TesseractEngine({ languages: ['eng'] });

afterAll(() => engine.close());

async function readScan(file: string): Promise<ParsedPage[]> {
  const pages: ParsedPage[] = [];
  const ocr = { recognise: engine.recognise.bind(engine), maxPages: 20, render: { dpi: CONFIGS.prod.ocr.dpi } };
  await parsePdf(readCorpusFile(file), { maxPages: 20, ocr }, { document: () => undefined, page: (page) => pages.push(page) });
  return pages;
}

/** Words on each page, in page order. */
const SCANS: Record<string, readonly (readonly string[])[]> = {
  '036-scanned-multipage.pdf': [['We went tip-toeing along a path amongst'], ['megapixels'], ['Support', 'Percentage'], ['Oppose', 'Percentage'], ['throne of England'], ['throne of France']],
  '037-scanned-c02-22.pdf': [['stooping down', 'kitchen']],
  '038-scanned-linn.pdf': [['LinnSequencer', 'MIDI Sequence Recorder']],
  '039-scanned-skew.pdf': [['The LinnSequencer\n32 Track MIDI Sequence Recorder']],
  '040-scanned-ccitt.pdf': [['The LinnSequencer\n32 Track MIDI Sequence Recorder']],
  '041-scanned-jbig2.pdf': [['The LinnSequencer\n32 Track MIDI Sequence Recorder']],
  '042-scanned-francais.pdf': [['Portez ce vieux whisky']],
  '043-scanned-enormous.pdf': [['megapixels']],
  '044-scanned-image.pdf': [['Integrative Health and Sports Performance', 'Miamisburg, OH 45342']],
  // Its invisible OCR layer is junk (`sw | \ + 400 —esupport`): read again.
  '045-scanned-graph_ocred.pdf': [['Support', 'Oppose', 'Percentage']],
  // A screenshot whose caption is in the image, under a one-line annotation drawn as text.
  '047-scanned-base64image.pdf': [['When you open a ticket', 'assign it to yourself', 'PDF Annotator']],
};

describe('the corpus scans, through the parser and the OCR engine', () => {
  it.each(Object.entries(SCANS))('%s: every page yields the words a person reads on it', async (file, expectedPages) => {
    // Act
    const pages = await readScan(file);

    // Assert
    expect(pages).toHaveLength(expectedPages.length);
    pages.forEach((page, index) => {
      expect(page.needsOcr, `page ${page.pageNumber}`).toBe(false);
      for (const words of expectedPages[index]!) expect(page.text, `page ${page.pageNumber}`).toContain(words);
    });
  }, OCR_TIMEOUT);
});
