import { PermanentFailure } from '../shared/errors.js';

const PDF_MAGIC = Buffer.from('%PDF-');
/** Readers accept junk before the header within the first kilobyte, as the PDF spec allows. */
const PDF_HEADER_WINDOW = 1024;

/** Cheap checks before parsing: refuse what is empty, too large or not a PDF at all. */
export function checkPdfBytes(bytes: Uint8Array, maxBytes: number): void {
  if (bytes.byteLength === 0) throw new PermanentFailure('NOT_A_PDF', 'The file is empty.');
  if (bytes.byteLength > maxBytes) {
    throw new PermanentFailure('TOO_LARGE', `The file is ${bytes.byteLength} bytes; the limit is ${maxBytes}.`);
  }
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PDF_HEADER_WINDOW));
  if (!head.includes(PDF_MAGIC)) throw new PermanentFailure('NOT_A_PDF', 'The file is not a PDF (no %PDF- header).');
}
