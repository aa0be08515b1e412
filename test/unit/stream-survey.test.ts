import { describe, expect, it } from 'vitest';
import { surveyStreams } from '../../lambdas/extract/stream-survey.js';
import { readCorpusFile } from '../support/corpus.js';
import { assemblePdf, flateBomb } from '../support/hostile-pdfs.js';
import { makePdf } from '../support/pdf-factory.js';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

/** One page whose (uncompressed) content stream is `contents`. */
function pageDrawing(contents: string): Uint8Array {
  return new Uint8Array(
    assemblePdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
      `<< /Length ${contents.length} >>\nstream\n${contents}\nendstream`,
    ]),
  );
}

describe('surveyStreams', () => {
  describe('decompression bombs', () => {
    it('lets ordinary compressed documents through', async () => {
      await expect(surveyStreams(readCorpusFile('004-long-GeoTopo-komprimiert.pdf'))).resolves.toBeDefined();
      await expect(surveyStreams(readCorpusFile('043-scanned-enormous.pdf'))).resolves.toBeDefined();
    });

    it('refuses a stream exactly when it inflates past the limit', async () => {
      const bomb = new Uint8Array(await flateBomb(64 * MB, 'hex+flate'));

      await expect(surveyStreams(bomb, 63 * MB)).rejects.toMatchObject({ code: 'RESOURCE_LIMIT' });
      await expect(surveyStreams(bomb, 65 * MB)).resolves.toBeDefined();
    });

    it('finds the filter of a form XObject whose dictionary nests another after it', async () => {
      const bomb = new Uint8Array(await flateBomb(GB, 'flate', 'form'));

      await expect(surveyStreams(bomb)).rejects.toMatchObject({ code: 'RESOURCE_LIMIT', message: expect.stringMatching(/decompression bomb/) });
    });

    it.each([
      { placement: 'padded', dictionary: 'opens with 100 KB of padding' },
      { placement: 'quoted', dictionary: 'holds the string (a >> stream) after it' },
    ] as const)('finds the filter of a stream whose dictionary $dictionary', async ({ placement }) => {
      const bomb = new Uint8Array(await flateBomb(64 * MB, 'flate', placement));

      await expect(surveyStreams(bomb, 63 * MB)).rejects.toMatchObject({ code: 'RESOURCE_LIMIT' });
    });

    it('leaves image data alone, which pdf.js is never asked to decode', async () => {
      const imageBomb = new Uint8Array(await flateBomb(GB, 'flate', 'image'));

      await expect(surveyStreams(imageBomb)).resolves.toBeDefined();
    });
  });

  describe('ruled lines', () => {
    it('reports none for prose', async () => {
      expect(await surveyStreams(makePdf(['Just words.', 'More words on a second page.']))).toEqual({ mayHaveRuledLines: false });
    });

    it('reports them when a page strokes a path', async () => {
      expect(await surveyStreams(pageDrawing('72 700 m 540 700 l S'))).toEqual({ mayHaveRuledLines: true });
    });

    it('does not take a filled shape or a stroke-colour operator for a stroke', async () => {
      expect(await surveyStreams(pageDrawing('0 0 1 RG 0 0 1 SC 72 600 468 100 re f'))).toEqual({ mayHaveRuledLines: false });
    });

    it('finds the stroke of a table drawn inside a compressed form XObject', async () => {
      expect(await surveyStreams(readCorpusFile('021-table-twotables.pdf'))).toEqual({ mayHaveRuledLines: true });
    });

    it('assumes them in an encrypted file, whose streams it cannot read', async () => {
      expect(await surveyStreams(readCorpusFile('062-encrypted-owner-r6-owner-password.pdf'))).toEqual({ mayHaveRuledLines: true });
    });

    it('assumes them when a content stream uses a filter it does not decode', async () => {
      const pdf = assemblePdf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
        '<< /Filter /LZWDecode /Length 4 >>\nstream\n\x80\x0b\x60\x50\nendstream',
      ]);

      expect(await surveyStreams(new Uint8Array(pdf))).toEqual({ mayHaveRuledLines: true });
    });
  });
});
