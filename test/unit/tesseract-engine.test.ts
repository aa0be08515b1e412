/**
 * The tesseract.js engine on real scans from the shared corpus, rendered by PDFium as the
 * extractor renders them. Each page takes seconds of OCR: the set is kept small.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateGrey } from '../../lambdas/extract/ocr/grey-image.js';
import { resolveOcrAssets } from '../../lambdas/extract/ocr/tesseract-assets.js';
import { TesseractEngine } from '../../lambdas/extract/ocr/tesseract-engine.js';
import { readCorpusFile } from '../support/corpus.js';
import { PdfiumRenderer, type RenderedPage } from '../support/pdfium-render.js';

const OCR_TIMEOUT = 120_000;

describe('TesseractEngine', () => {
  let renderer: PdfiumRenderer;
  const engine = new TesseractEngine({ languages: ['eng'] });
  const firstPage = (file: string, limits?: { dpi?: number; maxPixels?: number }): RenderedPage =>
    renderer.renderDocument(readCorpusFile(file), limits, 1)[0]!;

  beforeAll(async () => {
    renderer = await PdfiumRenderer.open();
    await engine.warm();
  }, OCR_TIMEOUT);

  afterAll(() => engine.close());

  // Every corpus scan, read through the parser as the function reads it: test/unit/ocr-corpus.test.ts.
  describe('on the corpus scans', () => {
    it('reads the Linn page (038) with high confidence, its words boxed on the page', async () => {
      // Arrange
      const { image, page } = firstPage('038-scanned-linn.pdf', { dpi: 150 });

      // Act
      const result = await engine.recognise(image, page);

      // Assert: words checked by eye on the rendered page
      expect(result.text).toContain('The LinnSequencer is a state-of-the-art composition and performance tool');
      expect(result.text).toContain('professional musician');
      expect(result.confidence).toBeGreaterThan(85);
      expect(result.rotation).toBe(0);
      const title = result.lines[0]!.words[0]!;
      expect(title.text).toBe('The');
      // The title sits about a third of the way across the top of the page
      expect(title.box[0]).toBeGreaterThan(150);
      expect(title.box[2]).toBeLessThan(300);
      expect(title.box[1]).toBeLessThan(60);
      expect(title.confidence).toBeGreaterThan(80);
    }, OCR_TIMEOUT);

    it('reads the French pangram of 042 with the English model, accents partly lost', async () => {
      const { image, page } = firstPage('042-scanned-francais.pdf');

      const result = await engine.recognise(image, page);

      expect(result.text).toContain('Portez ce vieux whisky au juge');
      expect(result.text).toMatch(/blond qui fume/);
    }, OCR_TIMEOUT);
  });

  describe('orientation', () => {
    it.each([90, 180, 270] as const)('reads a page scanned turned %i° clockwise upright', async (turn) => {
      // Arrange: 042's page as if scanned turned; its displayed size turns with it
      const { image, page } = firstPage('042-scanned-francais.pdf');
      const turned = rotateGrey(image, turn);
      const turnedPage = turn === 180 ? page : { width: page.height, height: page.width };

      // Act
      const result = await engine.recognise(turned, turnedPage);

      // Assert: Tesseract reads a page lying on its left side (text running top to bottom) by
      // itself, as vertical text; the other turns are found by orientation detection
      expect(result.text).toContain('Portez ce vieux whisky au juge');
      expect(result.confidence).toBeGreaterThan(80);
      if (turn === 90) expect([0, 270]).toContain(result.rotation);
      else expect(result.rotation).toBe((360 - turn) % 360);
    }, OCR_TIMEOUT);
  });

  describe('a page scanned sideways', () => {
    it.each([90, 270] as const)('turned %i° clockwise: its lines say sideways, so it is read once, turned the way orientation detection says', async (turn) => {
      // Arrange
      const { image, page } = firstPage('042-scanned-francais.pdf');
      const turned = rotateGrey(image, turn);
      const readingsBefore = engine.readingsMade;

      // Act
      const result = await engine.recognise(turned, { width: page.height, height: page.width });

      // Assert
      expect(result.text).toContain('Portez ce vieux whisky au juge');
      expect(result.rotation).toBe(360 - turn);
      expect(engine.readingsMade - readingsBefore).toBe(1);
    }, OCR_TIMEOUT);
  });

  describe('large pages', () => {
    it('reads a 2160-pt page (043) rendered under a pixel cap, scaled down rather than refused', async () => {
      // Arrange: a cap of 4 MP puts the page well under the 150-DPI floor
      const { image, page, dpi } = firstPage('043-scanned-enormous.pdf', { maxPixels: 4_000_000 });

      // Act
      const result = await engine.recognise(image, page);

      // Assert
      expect(image.width * image.height).toBeLessThanOrEqual(4_000_000);
      expect(dpi).toBeLessThan(150);
      expect(result.text).toMatch(/9000 ?x ?9000 pixels/);
      // Boxes are in the page's points, however small the image
      expect(Math.max(...result.lines.map((line) => line.box[2]))).toBeGreaterThan(1000);
    }, OCR_TIMEOUT);
  });

  describe('isolation', () => {
    it('neither fetches, connects nor writes a file: its worker runs with every way out trapped', async () => {
      // Arrange: the worker loaded behind traps that fail the page on any attempt
      const trapped = new TesseractEngine({
        assets: { ...resolveOcrAssets(), workerUrl: new URL('../support/trapped-ocr-worker.ts', import.meta.url) },
      });
      const { image, page } = firstPage('042-scanned-francais.pdf');

      try {
        // Act
        const result = await trapped.recognise(image, page);

        // Assert
        expect(result.text).toContain('whisky');
      } finally {
        await trapped.close();
      }
    }, OCR_TIMEOUT);

    it('refuses, in the worker, a language asked for by URL instead of fetching it', async () => {
      // Arrange: the bare worker, sent what tesseract.js sends for a CDN language path
      const assets = resolveOcrAssets();
      const worker = new Worker(assets.workerUrl, { execArgv: assets.execArgv });
      const packet = { workerId: 'w', jobId: 'j', action: 'loadLanguage', payload: { langs: 'eng', options: { langPath: 'https://cdn.example/eng', cacheMethod: 'none' } } };

      try {
        // Act
        const reply = await new Promise<{ status: string; data: unknown }>((resolve) => {
          worker.on('message', (message: { status: string; data: unknown }) => {
            if (message.status !== 'progress') resolve(message);
          });
          worker.postMessage(packet);
        });

        // Assert
        expect(reply.status).toBe('reject');
        expect(String(reply.data)).toMatch(/runs offline: refusing to fetch https:\/\/cdn.example\/eng/);
      } finally {
        await worker.terminate();
      }
    }, OCR_TIMEOUT);

    it('recycles its worker once the worker passes its memory budget', async () => {
      // Arrange: a budget any page passes
      const small = new TesseractEngine({ memoryBudgetBytes: 1 });
      const { image, page } = firstPage('042-scanned-francais.pdf');

      try {
        // Act
        await small.recognise(image, page);
        const second = await small.recognise(image, page);

        // Assert
        expect(small.workersStarted).toBe(2);
        expect(second.text).toContain('whisky');
      } finally {
        await small.close();
      }
    }, OCR_TIMEOUT);

    it("fails the page in progress with the deadline's reason, and reads the next page afresh", async () => {
      // Arrange
      const interrupted = new TesseractEngine();
      const { image, page } = firstPage('042-scanned-francais.pdf');
      const deadline = new AbortController();
      await interrupted.warm();

      try {
        // Act: the document's deadline passes once the page is being read
        const reading = interrupted.recognise(image, page, deadline.signal);
        await new Promise((resolve) => setImmediate(resolve));
        deadline.abort(new Error('document deadline passed'));

        // Assert
        await expect(reading).rejects.toThrow('document deadline passed');
        expect((await interrupted.recognise(image, page)).text).toContain('whisky');
      } finally {
        await interrupted.close();
      }
    }, OCR_TIMEOUT);

    it('refuses an image whose bytes do not match its size', async () => {
      await expect(engine.recognise({ width: 10, height: 10, data: new Uint8Array(5) }, { width: 10, height: 10 })).rejects.toThrow(
        /Not an 8-bit grey image/,
      );
    });
  });
});
