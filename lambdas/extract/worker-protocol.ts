import type { ParsedDocument, ParsedPage } from './pdf-document.js';
import type { FailureCode } from '../shared/contract.js';
import type { PageRange, ShardSettings } from './shard-plan.js';

/** A job for the extraction worker. */
export interface ExtractJob {
  readonly type: 'extract';
  readonly bytes: Uint8Array;
  readonly maxPages: number;
  /** One shard: these pages only; the document's planning invocation ran the checks. */
  readonly pages?: PageRange;
  /** Which shard `pages` is, of how many: it OCRs its share of the document's OCR page budget. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Plan shards for a long document and read the first one only. */
  readonly sharding?: ShardSettings;
  /** OCR pages without a usable text layer, with tesseract.js in this worker. */
  readonly ocr?: OcrSettings;
}

export interface OcrSettings {
  /** tesseract.js in OCR threads of this worker, or Amazon Textract. @default 'tesseract' */
  readonly engine?: 'tesseract' | 'textract';
  readonly languages: readonly string[];
  /** Pages OCRed per document at most (a shard OCRs its share). */
  readonly maxPagesPerDocument: number;
  readonly dpi: number;
  /** Pages of one document recognised at once: OCR threads (or Textract requests) per worker. @default 1 */
  readonly parallelPages?: number;
  /** Textract: least time between the starts of this worker's requests, keeping within the account's quota. */
  readonly textractIntervalMs?: number;
}

/**
 * Messages from the extraction worker for the current job, in order: document, pages, then done
 * or failed, which say how large PDFium's heap has grown (it never shrinks).
 */
export type WorkerMessage =
  | ({ readonly type: 'document' } & ParsedDocument)
  | ({ readonly type: 'page' } & ParsedPage)
  | { readonly type: 'done'; readonly heapBytes: number }
  | { readonly type: 'failed'; readonly code: FailureCode; readonly message: string; readonly heapBytes: number }
  /** The worker cannot work (its engine did not load): not the document's fault. */
  | { readonly type: 'broken'; readonly message: string };
