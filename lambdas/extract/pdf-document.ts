import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFParse } from 'pdf-parse';
import type { DocumentMetadata } from '../shared/document-repository.js';
import { PermanentFailure } from '../shared/errors.js';

/** What the parser learns about a document before reading its pages. */
export interface ParsedDocument {
  readonly pageCount: number;
  readonly metadata: DocumentMetadata;
}

export interface ParsedPage {
  readonly pageNumber: number;
  readonly text: string;
}

/** Receives results as they are produced, so pages never pile up in memory. */
export interface ParseSink {
  document(document: ParsedDocument): void;
  page(page: ParsedPage): void;
}

export interface ParseOptions {
  readonly maxPages: number;
}

/**
 * Finds pdf.js's CMaps and standard fonts: beside the bundle when deployed (`pdfjs/`), in
 * `node_modules` when run from source. Without CMaps, CID-keyed CJK text comes out empty.
 */
function pdfjsAssets(): { cMapUrl: string; standardFontDataUrl: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, 'pdfjs');
  const root = existsSync(bundled) ? bundled : dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  return { cMapUrl: `${join(root, 'cmaps')}/`, standardFontDataUrl: `${join(root, 'standard_fonts')}/` };
}

function toIsoDate(value: Date | null | undefined): string | undefined {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Maps pdf.js's failures to what they mean for the document. */
export function classifyParseError(error: unknown): PermanentFailure {
  if (error instanceof PermanentFailure) return error;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') {
    return new PermanentFailure('ENCRYPTED', 'The PDF is encrypted with a user password; uploads cannot carry one.');
  }
  if (name === 'InvalidPDFException' || name === 'FormatError') {
    return new PermanentFailure('CORRUPT', `The PDF structure is invalid: ${message}`);
  }
  return new PermanentFailure('CORRUPT', `The PDF could not be read: ${message}`);
}

/**
 * Loads a PDF once and streams its metadata, then each page's text, to `sink`.
 * Scripting, XFA and font loading stay off: content is read, never executed.
 * Throws a PermanentFailure that says what is wrong with a document that cannot be read.
 */
export async function parsePdf(bytes: Uint8Array, options: ParseOptions, sink: ParseSink): Promise<void> {
  const parser = new PDFParse({
    data: bytes,
    isEvalSupported: false,
    enableXfa: false,
    disableFontFace: true,
    useSystemFonts: false,
    cMapPacked: true,
    ...pdfjsAssets(),
  });
  try {
    const info = await parser.getInfo();
    if (info.total > options.maxPages) {
      throw new PermanentFailure(
        'TOO_MANY_PAGES',
        `The PDF has ${info.total} pages; the limit is ${options.maxPages}.`,
      );
    }
    const dict = (info.info ?? {}) as Record<string, unknown>;
    const dates = info.getDateNode();
    sink.document({
      pageCount: info.total,
      metadata: {
        title: text(dict.Title),
        author: text(dict.Author),
        subject: text(dict.Subject),
        keywords: text(dict.Keywords),
        creator: text(dict.Creator),
        producer: text(dict.Producer),
        creationDate: toIsoDate(dates.CreationDate ?? dates.XmpCreateDate),
        modificationDate: toIsoDate(dates.ModDate ?? dates.XmpModifyDate),
        pdfVersion: text(dict.PDFFormatVersion),
      },
    });
    for (let pageNumber = 1; pageNumber <= info.total; pageNumber += 1) {
      const result = await parser.getText({ first: pageNumber, last: pageNumber });
      sink.page({ pageNumber, text: result.pages[0]?.text ?? '' });
    }
  } catch (error) {
    throw classifyParseError(error);
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}
