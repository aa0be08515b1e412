import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { surveyStreams } from '../../lambdas/extract/stream-survey.js';
import { readCorpusFile } from '../support/corpus.js';
import { assemblePdf, flateBomb } from '../support/hostile-pdfs.js';
import { makePdf } from '../support/pdf-factory.js';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

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

    it('leaves image data alone, which text extraction never decodes', async () => {
      const imageBomb = new Uint8Array(await flateBomb(GB, 'flate', 'image'));

      await expect(surveyStreams(imageBomb)).resolves.toBeDefined();
    });
  });

  describe('XMP', () => {
    it("reads the document's XMP packet, which PDFium has no API for", async () => {
      const survey = await surveyStreams(readCorpusFile('080-metadata-output_with_metadata_pymupdf.pdf'));

      expect(survey.xmp).toContain('rdf:RDF');
      expect(survey.xmp).toContain('Sample PDF with XMP Metadata');
    });

    it('reads a compressed packet, and the last one when an update appended a newer one', async () => {
      const packet = (title: string) => `<x:xmpmeta><rdf:RDF><rdf:Description><dc:title>${title}</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`;
      const compressed = deflateSync(packet('Newer'));
      const pdf = assemblePdf([
        '<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
        `<< /Type /Metadata /Subtype /XML /Length ${packet('Older').length} >>\nstream\n${packet('Older')}\nendstream`,
      ]);
      const updated = Buffer.concat([
        pdf,
        Buffer.from(`5 0 obj\n<< /Subtype /XML /Type /Metadata /Filter /FlateDecode /Length ${compressed.length} >>\nstream\n`, 'latin1'),
        compressed,
        Buffer.from('\nendstream\nendobj\n', 'latin1'),
      ]);

      expect((await surveyStreams(new Uint8Array(updated))).xmp).toContain('Newer');
    });

    it('reports none for a document without one', async () => {
      expect(await surveyStreams(makePdf(['Just words.']))).toEqual({});
    });
  });
});
