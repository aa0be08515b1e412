/**
 * A scanned document for the shards bench: text pages rendered to grey images by PDFium, each
 * image the only content of its page (no text layer), as a scanner writes them. Deterministic.
 */
import { deflateSync } from 'node:zlib';
import { assemblePdf } from '../test/support/hostile-pdfs.js';
import { makePdf } from '../test/support/pdf-factory.js';
import { PdfiumRenderer } from '../test/support/pdfium-render.js';

const SENTENCES = [
  'The committee reviewed the quarterly figures and agreed to publish the report in full.',
  'Every invoice received after the closing date is carried forward to the next period.',
  'Maintenance of the northern pumping station is scheduled for the second week of March.',
  'Questions about this notice should be sent in writing to the records office.',
];

/** `pageCount` pages of scanned prose, rendered at `dpi`. */
export async function scannedPdf(pageCount: number, dpi = 150): Promise<Uint8Array> {
  const texts = Array.from({ length: pageCount }, (_, index) =>
    Array.from({ length: 24 }, (_, line) => `${index + 1}.${line + 1} ${SENTENCES[(index + line) % SENTENCES.length]}`).join('\n'),
  );
  const renderer = await PdfiumRenderer.open();
  const rendered = renderer.renderDocument(makePdf(texts), { dpi });
  const bodies: (string | Buffer)[] = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
  const kids: string[] = [];
  for (const { image, page } of rendered) {
    const pageObject = bodies.length + 1;
    const draw = `q ${page.width} 0 0 ${page.height} 0 0 cm /Scan Do Q`;
    const pixels = deflateSync(image.data);
    bodies.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${page.width} ${page.height}] /Resources << /XObject << /Scan ${pageObject + 2} 0 R >> >> /Contents ${pageObject + 1} 0 R >>`,
      `<< /Length ${draw.length} >>\nstream\n${draw}\nendstream`,
      Buffer.concat([
        Buffer.from(
          `<< /Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${pixels.length} >>\nstream\n`,
          'latin1',
        ),
        pixels,
        Buffer.from('\nendstream', 'latin1'),
      ]),
    );
    kids.push(`${pageObject} 0 R`);
  }
  bodies[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${kids.length} >>`;
  return new Uint8Array(assemblePdf(bodies));
}
