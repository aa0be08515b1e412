/**
 * One PDF opened in PDFium: the bytes copied into its heap (PDFium reads them in place for as
 * long as the document is open), and what failing to open them means for the document.
 */
import { PermanentFailure } from '../../shared/errors.js';
import type { Pdfium } from './pdfium-module.js';

/** FPDF_GetLastError's codes. */
const FPDF_ERR = { UNKNOWN: 1, FILE: 2, FORMAT: 3, PASSWORD: 4, SECURITY: 5, PAGE: 6 } as const;

/** Says what is wrong with a document PDFium would not open, from its last error code. */
export function openFailure(errorCode: number): PermanentFailure {
  switch (errorCode) {
    case FPDF_ERR.PASSWORD:
      return new PermanentFailure('ENCRYPTED', 'The PDF is encrypted with a user password; uploads cannot carry one.');
    case FPDF_ERR.SECURITY:
      return new PermanentFailure('ENCRYPTED', 'The PDF uses an encryption scheme that cannot be opened.');
    case FPDF_ERR.FORMAT:
      return new PermanentFailure('CORRUPT', 'The PDF structure is invalid: it could not be parsed.');
    case FPDF_ERR.PAGE:
      return new PermanentFailure('CORRUPT', 'The PDF structure is invalid: its pages could not be found.');
    default:
      return new PermanentFailure('CORRUPT', `The PDF could not be read (PDFium error ${errorCode}).`);
  }
}

export class PdfiumDocument {
  private closed = false;
  private knownPageCount: number | undefined;

  private constructor(
    readonly pdfium: Pdfium,
    /** FPDF_DOCUMENT handle. */
    readonly handle: number,
    private readonly bytesPointer: number,
  ) {}

  /** Opens a PDF without a password; throws a PermanentFailure that says why it cannot be. */
  static open(pdfium: Pdfium, bytes: Uint8Array): PdfiumDocument {
    const pointer = pdfium.copyIn(bytes);
    const handle = pdfium.fn.FPDF_LoadMemDocument!(pointer, bytes.byteLength, 0);
    if (handle === 0) {
      const errorCode = pdfium.fn.FPDF_GetLastError!();
      pdfium.free(pointer);
      throw openFailure(errorCode);
    }
    return new PdfiumDocument(pdfium, handle, pointer);
  }

  /**
   * The pages the document really has. PDFium takes the page tree's `/Count` on trust, and a
   * hostile file can claim a million pages over one: when the last claimed page does not
   * exist, the real count is searched for (pages are probed by size, without parsing them).
   */
  get pageCount(): number {
    this.knownPageCount ??= this.countPages();
    return this.knownPageCount;
  }

  private countPages(): number {
    const declared = this.pdfium.fn.FPDF_GetPageCount!(this.handle);
    if (declared <= 0 || this.hasPage(declared - 1)) return Math.max(0, declared);
    let [low, high] = [0, declared - 1]; // page `low - 1` exists (or low is 0); page `high` does not
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (this.hasPage(middle)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private hasPage(index: number): boolean {
    const size = this.pdfium.malloc(8);
    try {
      return this.pdfium.fn.FPDF_GetPageSizeByIndexF!(this.handle, index, size) !== 0;
    } finally {
      this.pdfium.free(size);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pdfium.fn.FPDF_CloseDocument!(this.handle);
    this.pdfium.free(this.bytesPointer);
  }
}
