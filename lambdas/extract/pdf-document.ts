/**
 * Reads a PDF with PDFium and streams what it holds: first the document (page count and
 * metadata), then each page's text, layout and tables, in page order, so pages never pile up in
 * memory. Content is read, never executed: PDFium runs no JavaScript here and renders nothing.
 */
import type { DocumentMetadata, PageTable } from '../shared/document-model.js';
import { PermanentFailure } from '../shared/errors.js';
import { LAYOUT_VERSION, roundCoordinate, type LayoutLine, type PageGraphics, type PageLayout, type TextSource } from '../shared/page-layout.js';
import type { GreyImage, PageSize } from './ocr/grey-image.js';
import { mergeOcrLines, textOfLines } from './ocr/ocr-lines.js';
import { decideOcr, type OcrReason } from './ocr/ocr-decision.js';
import { OcrUnavailable, PageOcrRefused } from './ocr/ocr-errors.js';
import type { RenderLimits } from './ocr/render-plan.js';
import { readDocumentMetadata } from './pdfium/document-metadata.js';
import { PageReader } from './pdfium/page-reader.js';
import { PdfiumDocument } from './pdfium/pdfium-document.js';
import { loadPdfium } from './pdfium/pdfium-module.js';
import { detectScripts } from './scripts.js';
import { ocrBudgetOfShard, planShards, type PageRange, type ShardSettings } from './shard-plan.js';
import { parseXmp } from './xmp.js';
import { linkTablesAcrossPages, type ExtractedTable } from './tables/index.js';

/** What the parser learns about a document before reading its pages. */
export interface ParsedDocument {
  readonly pageCount: number;
  /** Empty when only a page range was read (a shard): the planning invocation has it. */
  readonly metadata: DocumentMetadata;
  /**
   * When the document is split into page-range shards: every shard's range. Only the first is
   * read here; the rest are for other invocations.
   */
  readonly shards?: readonly PageRange[];
}

export interface ParsedPage {
  readonly pageNumber: number;
  readonly text: string;
  /** Tables found on the page, each a rectangular grid of cell texts. */
  readonly tables: readonly PageTable[];
  /** Lines and words with their boxes (see page-layout.ts). */
  readonly layout: PageLayout;
  readonly hasText: boolean;
  /**
   * The page's text is not all there: its text layer calls for OCR (see decideOcr) and it was not
   * OCRed (OCR off, past the document's OCR page budget, or an image the engine refused).
   */
  readonly needsOcr: boolean;
  /** Where the text comes from: the PDF's text layer, or OCR of the rendered page. */
  readonly textSource: TextSource;
  /** Mean OCR word confidence, 0–100 (OCR pages only). */
  readonly ocrConfidence?: number;
  /**
   * The page could not be loaded and reads as empty: the document still completes, with this
   * page marked, rather than failing for one broken page.
   */
  readonly unreadable?: true;
  /** Seconds the OCR engine took over the page (OCR pages only; for metrics, not recorded). */
  readonly ocrSeconds?: number;
}

/** Reads a rendered page's text: the OCR engine the function is configured with. */
export interface PageOcr {
  recognise(image: GreyImage, page: PageSize): Promise<{ readonly text: string; readonly lines: readonly LayoutLine[]; readonly confidence: number }>;
  /** Pages OCRed per document at most; the rest keep `needsOcr`. */
  readonly maxPages: number;
  readonly render: Partial<RenderLimits>;
  /**
   * Pages recognised at once (the engine spreads them over its OCR threads, or its requests);
   * pages are still reported in order. @default 1
   */
  readonly parallelPages?: number;
}

/** Receives results as they are produced. */
export interface ParseSink {
  document(document: ParsedDocument): void;
  page(page: ParsedPage): void;
}

/** Finds a page's tables from its layout and drawing. */
export type TableFinder = (layout: PageLayout, graphics: PageGraphics) => PageTable[];

export interface ParseOptions {
  readonly maxPages: number;
  /** Reads these pages only, and no metadata: one shard of a document planned elsewhere. */
  readonly pages?: PageRange;
  /**
   * Which shard `pages` is (0-based) of how many: it OCRs its share of the document's OCR page
   * budget, so that all shards together keep within `ocr.maxPages`. Unset: the whole budget.
   */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Plans shards once the page count and the first pages are known (see shard-plan.ts). */
  readonly sharding?: ShardSettings;
  /** Looks for tables on pages with text; none are looked for without one. */
  readonly findTables?: TableFinder;
  /** The document's XMP packet, which the stream survey reads (PDFium has no XMP API). */
  readonly xmp?: string;
  /** OCRs pages without a usable text layer; without it they keep `needsOcr`. */
  readonly ocr?: PageOcr;
}

/**
 * The whole metadata, as JSON. A document's record is returned with its metadata in one API
 * answer, which Lambda caps at 6 MB; past this, the bulkiest optional parts are left out.
 */
export const METADATA_MAX_BYTES = 1024 * 1024;
/** Pages whose text is sampled for script hints: cheap and enough for a hint. */
const SCRIPT_SAMPLE_PAGES = 5;

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

/** Maps a failure while reading to what it means for the document. */
export function classifyParseError(error: unknown): PermanentFailure {
  if (error instanceof PermanentFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PermanentFailure('CORRUPT', `The PDF could not be read: ${message}`);
}

/** Pads every row to the widest row and trims cells, so a table is a true grid; empty tables drop out. */
export function normaliseTable(rows: readonly (readonly string[])[]): PageTable | undefined {
  const cleaned = rows.map((row) => row.map((cell) => cell.replace(/\s+/g, ' ').trim()));
  const width = Math.max(0, ...cleaned.map((row) => row.length));
  if (width === 0 || cleaned.every((row) => row.every((cell) => cell === ''))) return undefined;
  return { rows: cleaned.map((row) => [...row, ...Array<string>(width - row.length).fill('')]) };
}

/** Info-dictionary dates first; XMP's when the Info dictionary has none. */
function withXmp(metadata: DocumentMetadata, xmp: Record<string, string> | undefined): DocumentMetadata {
  const xmpDate = (name: string) => {
    const value = xmp?.[name];
    const time = value === undefined ? Number.NaN : Date.parse(value);
    return Number.isNaN(time) ? undefined : new Date(time).toISOString();
  };
  return {
    ...metadata,
    creationDate: metadata.creationDate ?? xmpDate('xmp:createdate'),
    modificationDate: metadata.modificationDate ?? xmpDate('xmp:modifydate'),
    ...(xmp ? { xmp } : {}),
  };
}

/**
 * Opens a PDF and streams its document, then each page, to `sink`. Throws a PermanentFailure
 * that says what is wrong with a document that cannot be read.
 */
export async function parsePdf(bytes: Uint8Array, options: ParseOptions, sink: ParseSink): Promise<void> {
  const pdfium = await loadPdfium();
  const document = PdfiumDocument.open(pdfium, bytes);
  const reader = new PageReader(pdfium);
  try {
    const pageCount = document.pageCount;
    if (pageCount > options.maxPages) {
      throw new PermanentFailure('TOO_MANY_PAGES', `The PDF has ${pageCount} pages; the limit is ${options.maxPages}.`);
    }
    if (pageCount === 0) throw new PermanentFailure('CORRUPT', 'The PDF has no pages.');

    let ocrPages = 0;
    // The document's OCR budget, or this shard's share of it (see ocrBudgetOfShard).
    let ocrBudget = options.ocr?.maxPages ?? 0;
    if (options.pages && options.shard && options.ocr) ocrBudget = ocrBudgetOfShard(ocrBudget, options.shard.index, options.shard.count);
    /** Why each page waiting for OCR needs it: it decides what of the text layer stays. */
    const ocrReasons = new Map<number, OcrReason>();
    const readTextLayer = (pageNumber: number): ParsedPage => {
      const content = reader.read(document, pageNumber, { graphics: options.findTables !== undefined });
      const tables = content.graphics && options.findTables ? findTablesSafely(options.findTables, content.layout, content.graphics) : [];
      const decision = decideOcr(content);
      if (decision.reason) ocrReasons.set(pageNumber, decision.reason);
      return {
        pageNumber,
        text: content.text,
        tables,
        layout: content.layout,
        hasText: content.visibleChars > 0 || content.invisibleText.length > 0,
        needsOcr: decision.ocr,
        textSource: 'text-layer',
        ...(content.unreadable ? { unreadable: true as const } : {}),
      };
    };
    /** A page whose text layer calls for OCR, OCRed while the document's OCR budget lasts. */
    const withOcr = async (textLayer: ParsedPage): Promise<ParsedPage> => {
      const { pageNumber } = textLayer;
      const reason = ocrReasons.get(pageNumber);
      ocrReasons.delete(pageNumber);
      if (!textLayer.needsOcr || !options.ocr || ocrPages >= ocrBudget) return textLayer;
      // Rendered now, in page order; recognised while the next pages are read.
      // A text layer that stays is left out of the picture: OCR reads what it lacks.
      const keepsTextLayer = reason !== 'junk-ocr-layer' && textLayer.layout.lines.length > 0;
      const rendered = reader.render(document, pageNumber, options.ocr.render, { withoutText: keepsTextLayer });
      if (!rendered) return textLayer;
      ocrPages += 1;
      const startedAt = performance.now();
      let recognised: Awaited<ReturnType<PageOcr['recognise']>>;
      try {
        recognised = await options.ocr.recognise(rendered.image, rendered.page);
      } catch (error) {
        // An image the engine refuses is the page's problem, not the document's: it keeps needsOcr.
        if (error instanceof PageOcrRefused) return textLayer;
        throw error;
      }
      const ocrSeconds = Math.round(performance.now() - startedAt) / 1000;
      // A junk OCR layer is replaced; any other text layer stays, and OCR adds the lines it lacks.
      const lines = keepsTextLayer ? mergeOcrLines(textLayer.layout.lines, recognised.lines) : recognised.lines;
      const text = keepsTextLayer ? textOfLines(lines) : recognised.text;
      const visible = text.replace(/\s/g, '').length;
      return {
        ...textLayer,
        text,
        layout: {
          version: LAYOUT_VERSION,
          pageNumber,
          width: roundCoordinate(rendered.page.width),
          height: roundCoordinate(rendered.page.height),
          source: 'ocr',
          lines,
        },
        hasText: visible > 0,
        needsOcr: false,
        textSource: 'ocr',
        ocrConfidence: Math.round(recognised.confidence * 10) / 10,
        ocrSeconds,
      };
    };
    /**
     * Pages go through OCR up to `parallelPages` at a time and come out in page order: a
     * 5-page scan on two OCR threads takes three pages' time, not five.
     */
    const emit = tableLinker(sink);
    const inFlight: Promise<ParsedPage>[] = [];
    const parallel = Math.max(1, options.ocr?.parallelPages ?? 1);
    const enqueue = async (page: ParsedPage) => {
      const reading = withOcr(page);
      reading.catch(() => undefined); // awaited in turn below; a failure is seen there
      inFlight.push(reading);
      while (inFlight.length >= parallel) emit.page(await inFlight.shift()!);
    };
    const drain = async () => {
      while (inFlight.length > 0) emit.page(await inFlight.shift()!);
      emit.end();
    };

    if (options.pages) {
      const { first, last } = options.pages;
      if (last > pageCount) throw new PermanentFailure('CORRUPT', `The shard asks for pages ${first}–${last}; the PDF has ${pageCount}.`);
      sink.document({ pageCount, metadata: {} });
      for (let pageNumber = first; pageNumber <= last; pageNumber += 1) await enqueue(readTextLayer(pageNumber));
      await drain();
      return;
    }

    // The first pages are read before the document is reported: they hint at its scripts and
    // at how many of its pages need OCR, which weighs in the shard plan.
    const metadata = withXmp(readDocumentMetadata(document), options.xmp ? parseXmp(options.xmp) : undefined);
    const head: ParsedPage[] = [];
    // The sample is the text layer: OCR waits until the plan says which shard reads these pages.
    for (let pageNumber = 1; pageNumber <= Math.min(SCRIPT_SAMPLE_PAGES, pageCount); pageNumber += 1) head.push(readTextLayer(pageNumber));
    const scripts = detectScripts(head.map((page) => page.text).join('\n'));
    const ocrShare = head.filter((page) => page.needsOcr).length / head.length;
    const shards = options.sharding ? planShards(pageCount, ocrShare, options.sharding) : [{ first: 1, last: pageCount }];
    const own = shards[0]!;
    if (shards.length > 1) ocrBudget = ocrBudgetOfShard(ocrBudget, 0, shards.length);
    sink.document({ pageCount, metadata: boundMetadata({ ...metadata, scripts }), ...(shards.length > 1 ? { shards } : {}) });
    for (const page of head.filter((candidate) => candidate.pageNumber <= own.last)) await enqueue(page);
    for (let pageNumber = head.length + 1; pageNumber <= own.last; pageNumber += 1) await enqueue(readTextLayer(pageNumber));
    await drain();
  } catch (error) {
    // An OCR service out of reach says nothing about the document: it is retried, not failed.
    if (error instanceof OcrUnavailable) throw error;
    throw classifyParseError(error);
  } finally {
    reader.close();
    document.close();
  }
}

/**
 * Holds each page until the next is read, to link a table a page break cut (the last table of
 * one page and the first of the next, with the same columns). Within one shard only.
 */
function tableLinker(sink: ParseSink): { page: (page: ParsedPage) => void; end: () => void } {
  let held: ParsedPage | undefined;
  return {
    page(page) {
      if (held && held.tables.length > 0 && page.tables.length > 0) {
        const linked = linkTablesAcrossPages(held.tables as ExtractedTable[], page.tables as ExtractedTable[]);
        held = { ...held, tables: linked.previous };
        page = { ...page, tables: linked.next };
      }
      if (held) sink.page(held);
      held = page;
    },
    end() {
      if (held) sink.page(held);
      held = undefined;
    },
  };
}

/** Table detection is best effort: a page whose drawing defeats it must not fail the document. */
function findTablesSafely(findTables: TableFinder, layout: PageLayout, graphics: PageGraphics): PageTable[] {
  try {
    return findTables(layout, graphics);
  } catch {
    return [];
  }
}
