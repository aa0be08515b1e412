import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnnotationMode, getDocument, PDFDateString, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFPageProxy, TextItem } from 'pdfjs-dist/types/src/display/api.js';
import type { DocumentMetadata, FormField, OutlineEntry, PageTable } from '../shared/document-repository.js';
import { PermanentFailure } from '../shared/errors.js';
import { isTextItem, layOutPageText } from './page-text.js';
import { findRuledTables } from './ruled-tables.js';
import { detectScripts } from './scripts.js';

/** What the parser learns about a document before reading its pages. */
export interface ParsedDocument {
  readonly pageCount: number;
  readonly metadata: DocumentMetadata;
}

export interface ParsedPage {
  readonly pageNumber: number;
  readonly text: string;
  /** Ruled tables found on the page, each a rectangular grid of cell texts. */
  readonly tables: readonly PageTable[];
  readonly hasText: boolean;
  /** So little text that the page is probably an image: a candidate for OCR. */
  readonly needsOcr: boolean;
}

/** Receives results as they are produced, so pages never pile up in memory. */
export interface ParseSink {
  document(document: ParsedDocument): void;
  page(page: ParsedPage): void;
}

export interface ParseOptions {
  readonly maxPages: number;
  /**
   * Look for ruled tables on pages that have text. False skips the drawing pass, for documents
   * known to draw no lines (see stream-survey.ts). @default true
   */
  readonly tables?: boolean;
}

/** Pages with fewer non-space characters than this are flagged as needing OCR. */
export const LOW_TEXT_CHARS = 20;
/** Hostile outlines can nest or repeat without end; this much is plenty for navigation. */
const OUTLINE_MAX_DEPTH = 6;
const OUTLINE_MAX_ENTRIES = 500;
const FORM_FIELDS_MAX = 1000;
const FIELD_VALUE_MAX_CHARS = 2000;
/** Info-dictionary strings, outline titles and field names: a hostile file can make any of them megabytes. */
const METADATA_TEXT_MAX_CHARS = 2000;
/**
 * The whole metadata, as JSON. A document's record is returned with its metadata in one API
 * answer, which Lambda caps at 6 MB; past this, the bulkiest optional parts are left out.
 */
export const METADATA_MAX_BYTES = 1024 * 1024;
/** Pages whose text is sampled for script hints: cheap and enough for a hint. */
const SCRIPT_SAMPLE_PAGES = 5;

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

/**
 * Joins words hyphenated across a line break (`extrac-⏎tion` → `extraction`), as pdftotext
 * does, so search and word counts see whole words.
 */
export function joinHyphenatedLines(text: string): string {
  return text.replace(/(\p{L})-\n(\p{Ll})/gu, '$1$2');
}

function toIsoDate(value: Date | null | undefined): string | undefined {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.slice(0, METADATA_TEXT_MAX_CHARS) : undefined;
}

/**
 * Leaves out form fields, then the outline, then XMP, until the metadata fits `maxBytes` as JSON.
 * What remains (Info strings, dates, flags) is bounded per field.
 */
export function boundMetadata(metadata: DocumentMetadata, maxBytes = METADATA_MAX_BYTES): DocumentMetadata {
  let bounded = metadata;
  for (const part of ['formFields', 'outline', 'xmp'] as const) {
    if (Buffer.byteLength(JSON.stringify(bounded)) <= maxBytes) break;
    const { [part]: _dropped, ...rest } = bounded;
    bounded = rest;
  }
  return bounded;
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

/** Pads every row to the widest row and trims cells, so a table is a true grid; empty tables drop out. */
export function normaliseTable(rows: readonly (readonly string[])[]): PageTable | undefined {
  const cleaned = rows.map((row) => row.map((cell) => cell.replace(/\s+/g, ' ').trim()));
  const width = Math.max(0, ...cleaned.map((row) => row.length));
  if (width === 0 || cleaned.every((row) => row.every((cell) => cell === ''))) return undefined;
  return { rows: cleaned.map((row) => [...row, ...Array<string>(width - row.length).fill('')]) };
}

interface RawOutlineNode {
  title?: unknown;
  items?: RawOutlineNode[];
}

function toOutline(nodes: readonly RawOutlineNode[] | null | undefined): OutlineEntry[] | undefined {
  let budget = OUTLINE_MAX_ENTRIES;
  const walk = (level: readonly RawOutlineNode[], depth: number): OutlineEntry[] =>
    level.flatMap((node) => {
      if (budget <= 0) return [];
      budget -= 1;
      const children = depth < OUTLINE_MAX_DEPTH && node.items?.length ? walk(node.items, depth + 1) : [];
      return [{ title: String(node.title ?? '').trim().slice(0, METADATA_TEXT_MAX_CHARS), ...(children.length ? { items: children } : {}) }];
    });
  return nodes?.length ? walk(nodes, 1) : undefined;
}

type FieldObjects = Record<string, { value?: unknown; type?: string }[]> | null;

function toFormFields(objects: FieldObjects): FormField[] | undefined {
  if (!objects) return undefined;
  const fields = Object.entries(objects)
    .slice(0, FORM_FIELDS_MAX)
    .map(([name, widgets]): FormField => {
      const first = widgets.find((widget) => widget.value !== undefined && widget.value !== null) ?? widgets[0];
      const raw = first?.value;
      const value = Array.isArray(raw) ? raw.map(String).join(', ') : raw === undefined || raw === null ? '' : String(raw);
      return { name: name.slice(0, METADATA_TEXT_MAX_CHARS), type: first?.type ?? 'unknown', value: value.slice(0, FIELD_VALUE_MAX_CHARS) };
    });
  return fields.length ? fields : undefined;
}

/** pdf.js 5 hands XMP over as an iterable of `[property, value]` (earlier versions had `getAll()`). */
function toXmp(metadata: Iterable<[string, unknown]> | null | undefined): Record<string, string> | undefined {
  if (!metadata || typeof metadata[Symbol.iterator] !== 'function') return undefined;
  const entries = [...metadata]
    .filter(([, value]) => typeof value === 'string' && value.trim() !== '')
    .map(([key, value]) => [key, String(value).slice(0, METADATA_TEXT_MAX_CHARS)]);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** An Info-dictionary date (`D:20240131…`) or, failing that, an XMP one (ISO 8601), as ISO 8601. */
function documentDate(infoValue: unknown, xmp: XmpProperties | null, xmpProperty: string): string | undefined {
  const fromInfo = typeof infoValue === 'string' ? PDFDateString.toDateObject(infoValue) : null;
  const xmpValue = xmp?.get(xmpProperty);
  return toIsoDate(fromInfo ?? (typeof xmpValue === 'string' ? new Date(Date.parse(xmpValue)) : null));
}

interface XmpProperties extends Iterable<[string, unknown]> {
  get(name: string): unknown;
}

/**
 * Loads a PDF once and streams its metadata, then each page's text and tables, to `sink`.
 * Scripting, XFA and font loading stay off: content is read, never executed.
 * Throws a PermanentFailure that says what is wrong with a document that cannot be read.
 */
export async function parsePdf(bytes: Uint8Array, options: ParseOptions, sink: ParseSink): Promise<void> {
  const loading = getDocument({
    data: bytes,
    isEvalSupported: false,
    enableXfa: false,
    disableFontFace: true,
    useSystemFonts: false,
    // Images are never decoded: text and tables do not need them (pages that are only images
    // are flagged for OCR), and they are most of the work and memory of a scanned page.
    maxImageSize: 0,
    cMapPacked: true,
    ...pdfjsAssets(),
    verbosity: VerbosityLevel.ERRORS,
  });
  try {
    const document = await loading.promise;
    const pageCount = document.numPages;
    if (pageCount > options.maxPages) {
      throw new PermanentFailure('TOO_MANY_PAGES', `The PDF has ${pageCount} pages; the limit is ${options.maxPages}.`);
    }

    const info = await document.getMetadata();
    const dict = (info.info ?? {}) as Record<string, unknown>;
    const xmp = info.metadata as XmpProperties | null;
    const formFields = dict.IsAcroFormPresent ? toFormFields((await document.getFieldObjects()) as FieldObjects) : undefined;
    const metadata: DocumentMetadata = {
      title: text(dict.Title),
      author: text(dict.Author),
      subject: text(dict.Subject),
      keywords: text(dict.Keywords),
      creator: text(dict.Creator),
      producer: text(dict.Producer),
      creationDate: documentDate(dict.CreationDate, xmp, 'xmp:createdate'),
      modificationDate: documentDate(dict.ModDate, xmp, 'xmp:modifydate'),
      pdfVersion: text(dict.PDFFormatVersion),
      language: text(dict.Language),
      encrypted: typeof dict.EncryptFilterName === 'string',
      xmp: toXmp(xmp),
      outline: toOutline((await document.getOutline()) as RawOutlineNode[] | null),
      formFields,
    };

    const readPage = async (pageNumber: number): Promise<ParsedPage> => {
      const page = await document.getPage(pageNumber);
      try {
        const viewport = page.getViewport({ scale: 1 });
        const content = await page.getTextContent({ includeMarkedContent: false, disableNormalization: false });
        const pageText = joinHyphenatedLines(layOutPageText(content.items, (x, y) => viewport.convertToViewportPoint(x, y)));
        const visibleChars = pageText.replace(/\s/g, '').length;
        const tables =
          options.tables === false || visibleChars === 0 ? [] : await findTables(page, content.items.filter(isTextItem), viewport.transform);
        return { pageNumber, text: pageText, tables, hasText: visibleChars > 0, needsOcr: visibleChars < LOW_TEXT_CHARS };
      } finally {
        page.cleanup();
      }
    };

    // The first pages are read before the document is reported, to hint at its scripts.
    const head: ParsedPage[] = [];
    for (let pageNumber = 1; pageNumber <= Math.min(SCRIPT_SAMPLE_PAGES, pageCount); pageNumber += 1) {
      head.push(await readPage(pageNumber));
    }
    const scripts = detectScripts(head.map((page) => page.text).join('\n'));
    sink.document({ pageCount, metadata: boundMetadata({ ...metadata, scripts }) });
    head.forEach((page) => sink.page(page));
    for (let pageNumber = head.length + 1; pageNumber <= pageCount; pageNumber += 1) {
      sink.page(await readPage(pageNumber));
    }
  } catch (error) {
    throw classifyParseError(error);
  } finally {
    await loading.destroy().catch(() => undefined);
  }
}

/**
 * Table detection is best effort: pdf-parse's grid finder throws on some pages, which must not
 * fail the document. Annotations (form widgets, stamps) are left out of the drawing.
 */
async function findTables(page: PDFPageProxy, textItems: readonly TextItem[], viewportTransform: number[]): Promise<PageTable[]> {
  try {
    const operations = await page.getOperatorList({ annotationMode: AnnotationMode.DISABLE });
    return findRuledTables(operations, textItems, viewportTransform)
      .map(normaliseTable)
      .filter((table): table is PageTable => table !== undefined);
  } catch {
    return [];
  }
}
