/**
 * A one-page "scan": a grey picture over the whole page (or part of it), with text laid over it
 * as a scanner or ocrmypdf does (render mode 3, invisible) or as an annotation tool does
 * (visible). For the tests of which pages are OCRed and what of their text layer stays.
 */
import { deflateSync } from 'node:zlib';
import { assemblePdf } from './hostile-pdfs.js';

export interface ScanWithLayer {
  /** Text drawn over the picture, one line each. */
  readonly lines: readonly string[];
  readonly invisible: boolean;
  /** Share of the page's height the picture covers, from the top. @default 1 */
  readonly pictureShare?: number;
}

export function scanWithLayerPdf(page: ScanWithLayer): Uint8Array {
  const [width, height] = [612, 792];
  const pictureHeight = Math.round(height * (page.pictureShare ?? 1));
  // A light grey picture with a dark band: something to render, nothing to read.
  const [pixelsWide, pixelsHigh] = [64, 64];
  const pixels = Buffer.alloc(pixelsWide * pixelsHigh, 0xe0);
  pixels.fill(0x40, 30 * pixelsWide, 34 * pixelsWide);
  const packed = deflateSync(pixels);
  const text = page.lines.map((line, index) => `BT ${page.invisible ? 3 : 0} Tr /F1 12 Tf 72 ${height - 100 - index * 16} Td (${line}) Tj ET`).join('\n');
  const content = `q ${width} 0 0 ${pictureHeight} 0 ${height - pictureHeight} cm /Scan Do Q\n${text}`;
  return new Uint8Array(
    assemblePdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Resources << /XObject << /Scan 5 0 R >> /Font << /F1 6 0 R >> >> /Contents 4 0 R >>`,
      `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
      Buffer.concat([
        Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${pixelsWide} /Height ${pixelsHigh} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`, 'latin1'),
        packed,
        Buffer.from('\nendstream', 'latin1'),
      ]),
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    ]),
  );
}
