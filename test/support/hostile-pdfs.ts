/**
 * Generates hostile PDFs for the tests and the benchmark: Flate bombs (plain, layered, hex
 * wrapped) and huge page trees. All are small, valid PDFs; making them never holds the inflated data.
 */
import { once } from 'node:events';
import { createDeflate, deflateSync } from 'node:zlib';

/**
 * Assembles a PDF from object bodies (object n is `bodies[n - 1]`; object 1 is the catalog),
 * writing the cross-reference table with each object's byte offset.
 */
export function assemblePdf(bodies: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  const push = (part: Buffer) => {
    parts.push(part);
    offset += part.length;
  };
  bodies.forEach((body, index) => {
    offsets.push(offset);
    push(Buffer.from(`${index + 1} 0 obj\n`, 'latin1'));
    push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    push(Buffer.from('\nendobj\n', 'latin1'));
  });
  const xrefOffset = offset;
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, CR LF.
  const entries = offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n\r\n`).join('');
  push(Buffer.from(`xref\n0 ${bodies.length + 1}\n0000000000 65535 f\r\n${entries}`, 'latin1'));
  push(Buffer.from(`trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

function streamObject(dictionary: string, data: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`<< ${dictionary} /Length ${data.length} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

const ZERO_CHUNK_BYTES = 1024 * 1024;

/** Deflates `totalBytes` of zeros, fed a megabyte at a time so only the compressed output is held. */
async function deflateZeros(totalBytes: number, level: number): Promise<Buffer> {
  const deflate = createDeflate({ level });
  const output: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => output.push(chunk));
  const finished = once(deflate, 'end');
  const zeros = Buffer.alloc(ZERO_CHUNK_BYTES);
  for (let written = 0; written < totalBytes; written += ZERO_CHUNK_BYTES) {
    const chunk = totalBytes - written >= ZERO_CHUNK_BYTES ? zeros : zeros.subarray(0, totalBytes - written);
    if (!deflate.write(chunk)) await once(deflate, 'drain');
  }
  deflate.end();
  await finished;
  return Buffer.concat(output);
}

/**
 * How a bomb's zeros are encoded, in the order the filters are applied:
 * - `flate`: one Flate layer, the classic bomb. One layer cannot exceed about 1,030:1, so 1 MB
 *   holds about 1 GB.
 * - `flate+flate`: `/Filter [/FlateDecode /FlateDecode]`. The deflated zeros are themselves
 *   highly repetitive, so deflating them again reaches several GB from a few tens of KB.
 * - `hex+flate`: `/Filter [/ASCIIHexDecode /FlateDecode]`, the classic bomb spelled in hex, so a
 *   check that inflates the raw stream bytes sees no valid Flate data.
 */
export type BombEncoding = 'flate' | 'flate+flate' | 'hex+flate';

const BOMB_FILTERS: Record<BombEncoding, string> = {
  flate: '/FlateDecode',
  'flate+flate': '[/FlateDecode /FlateDecode]',
  'hex+flate': '[/ASCIIHexDecode /FlateDecode]',
};

async function encodeZeros(inflatedBytes: number, encoding: BombEncoding): Promise<Buffer> {
  switch (encoding) {
    case 'flate':
      return deflateZeros(inflatedBytes, 9);
    case 'flate+flate':
      // Level 1 for the inner layer is several times faster to generate; the outer layer
      // squeezes its repetitive output just the same.
      return deflateSync(await deflateZeros(inflatedBytes, 1), { level: 9 });
    case 'hex+flate':
      return Buffer.from(`${(await deflateZeros(inflatedBytes, 9)).toString('hex')}>`, 'latin1');
  }
}

/**
 * One page whose content stream decodes to `inflatedBytes` of zeros: whitespace to a PDF lexer,
 * so the stream is valid and must be read to its end.
 */
export async function flateBomb(inflatedBytes: number, encoding: BombEncoding): Promise<Buffer> {
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
    streamObject(`/Filter ${BOMB_FILTERS[encoding]}`, await encodeZeros(inflatedBytes, encoding)),
  ]);
}

/**
 * A page tree declaring `/Count pageCount` with that many real leaf pages, all sharing one tiny
 * content stream and the font the root node passes down.
 */
export function manyPagesPdf(pageCount: number): Buffer {
  const firstPageObject = 5;
  const kids = Array.from({ length: pageCount }, (_, index) => `${firstPageObject + index} 0 R`).join(' ');
  const content = Buffer.from('BT /F1 12 Tf 72 720 Td (Page) Tj ET', 'latin1');
  const bodies: (string | Buffer)[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Count ${pageCount} /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Kids [${kids}] >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    streamObject('', content),
  ];
  for (let page = 0; page < pageCount; page += 1) bodies.push('<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>');
  return assemblePdf(bodies);
}

/** A page tree that declares `declaredCount` pages but holds one. */
export function lyingPageCountPdf(declaredCount: number): Buffer {
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [3 0 R] /Count ${declaredCount} >>`,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
  ]);
}
