/**
 * A text PDF some of whose page tree entries point at an object that does not exist: PDFium
 * counts those pages but cannot load them, as in a damaged file whose other pages are fine.
 */
import { assemblePdf } from './hostile-pdfs.js';

/** One Helvetica text page per string; the 1-based pages in `broken` cannot be loaded. */
export function pdfWithBrokenPages(pageTexts: readonly string[], broken: ReadonlySet<number>): Uint8Array {
  const bodies: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', '', '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'];
  const kids: string[] = [];
  const missingObject = 2 + 2 * pageTexts.length + 100;
  pageTexts.forEach((text, index) => {
    if (broken.has(index + 1)) {
      kids.push(`${missingObject} 0 R`);
      return;
    }
    const pageObject = bodies.length + 1;
    const content = `BT /F1 12 Tf 72 720 Td (${text.replace(/[\\()]/g, (char) => `\\${char}`)}) Tj ET`;
    bodies.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageObject + 1} 0 R >>`);
    bodies.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    kids.push(`${pageObject} 0 R`);
  });
  bodies[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pageTexts.length} >>`;
  return new Uint8Array(assemblePdf(bodies));
}
