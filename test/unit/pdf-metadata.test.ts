import { describe, expect, it } from 'vitest';
import { boundMetadata, parsePdf, type ParsedDocument } from '../../lambdas/extract/pdf-document.js';
import { surveyStreams } from '../../lambdas/extract/stream-survey.js';
import type { DocumentMetadata } from '../../lambdas/shared/document-model.js';
import { readCorpusFile } from '../support/corpus.js';
import { hugeInfoPdf, hugeXmpPdf } from '../support/hostile-pdfs.js';

const KB = 1024;
const field = (index: number) => ({ name: `field-${index}`, type: 'text', value: 'v'.repeat(2000) });

describe('boundMetadata', () => {
  it('keeps metadata within the budget as it is', () => {
    const metadata: DocumentMetadata = { title: 'Report', formFields: [field(1)], outline: [{ title: 'One' }], xmp: { 'dc:title': 'Report' } };

    expect(boundMetadata(metadata, 64 * KB)).toEqual(metadata);
  });

  it('leaves out form fields first, then the outline, then XMP, until it fits', () => {
    const metadata: DocumentMetadata = {
      title: 'Report',
      formFields: Array.from({ length: 100 }, (_, index) => field(index)),
      outline: Array.from({ length: 100 }, (_, index) => ({ title: `Chapter ${index} ${'o'.repeat(500)}` })),
      xmp: { 'dc:description': 'x'.repeat(40 * KB) },
    };

    const withoutFields = boundMetadata(metadata, 100 * KB);
    const withoutOutline = boundMetadata(metadata, 45 * KB);
    const infoOnly = boundMetadata(metadata, 1 * KB);

    expect(Object.keys(withoutFields).sort()).toEqual(['outline', 'title', 'xmp']);
    expect(Object.keys(withoutOutline).sort()).toEqual(['title', 'xmp']);
    expect(infoOnly).toEqual({ title: 'Report' });
  });
});

async function metadataOf(bytes: Uint8Array): Promise<DocumentMetadata | undefined> {
  let document: ParsedDocument | undefined;
  const { xmp } = await surveyStreams(bytes);
  await parsePdf(bytes, { maxPages: 10, xmp }, { document: (parsed) => (document = parsed), page: () => undefined });
  return document?.metadata;
}

describe('parsePdf metadata', () => {
  it('reads the XMP properties of a document', async () => {
    const metadata = await metadataOf(readCorpusFile('080-metadata-output_with_metadata_pymupdf.pdf'));

    expect(metadata?.xmp).toMatchObject({ 'dc:title': 'Sample PDF with XMP Metadata', 'dc:description': 'This is a text' });
  });

  it('keeps 2,000 characters of an 8 MB title, so the record stays readable', async () => {
    const metadata = await metadataOf(new Uint8Array(hugeInfoPdf(8 * 1024 * KB)));

    expect(metadata?.title).toBe('T'.repeat(2000));
    expect(metadata?.author).toBe('Hostile');
  });

  it('keeps 2,000 characters of an 8 MB XMP description', async () => {
    const metadata = await metadataOf(new Uint8Array(hugeXmpPdf(8 * 1024 * KB)));

    expect(metadata?.xmp).toEqual({ 'dc:title': 'Huge XMP', 'dc:description': 'D'.repeat(2000) });
  });
});
