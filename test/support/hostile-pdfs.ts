/**
 * Generates hostile PDFs for the tests and the benchmark: Flate bombs (plain, layered, hex
 * wrapped), huge and lying page trees, deep nesting, looping cross-references, active content,
 * fonts crafted against pdf.js, huge metadata, truncations and polyglots. Making them never
 * holds a bomb's inflated data.
 */
import { once } from 'node:events';
import { createDeflate, crc32, deflateSync } from 'node:zlib';

export interface AssembleOptions {
  /**
   * Entries added to the trailer dictionary, given the cross-reference table's own offset
   * (so a trailer can point `/Prev` at its own table).
   */
  readonly trailer?: (xrefOffset: number) => string;
}

/**
 * Assembles a PDF from object bodies (object n is `bodies[n - 1]`; object 1 is the catalog),
 * writing the cross-reference table with each object's byte offset.
 */
export function assemblePdf(bodies: readonly (string | Buffer)[], options: AssembleOptions = {}): Buffer {
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
  const extra = options.trailer ? ` ${options.trailer(xrefOffset)}` : '';
  push(Buffer.from(`trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R${extra} >>\nstartxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
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
 * Where a bomb sits, and how its stream's dictionary tries to hide its /Filter from a scan:
 * - `contents`: the page's content stream, plainly.
 * - `padded`: the content stream, its dictionary opening with 100 KB of padding (missed by a scan
 *   that looks only so far back from `stream` for the dictionary's start).
 * - `quoted`: the content stream, its dictionary holding the string `(a >> stream)` after /Filter
 *   (missed by a scan that takes any `stream` for the keyword).
 * - `form`: a form XObject the page draws, its dictionary nesting /Resources after /Filter
 *   (missed by a scan that takes the nearest `<<` for the dictionary's start).
 * - `image`: an image XObject the page paints, a gray image exactly as large as the zeros.
 */
export type BombPlacement = 'contents' | 'padded' | 'quoted' | 'form' | 'image';

/**
 * One page drawing a stream that decodes to `inflatedBytes` of zeros: whitespace to a PDF lexer,
 * so a content stream is valid and must be read to its end.
 */
export async function flateBomb(inflatedBytes: number, encoding: BombEncoding, placement: BombPlacement = 'contents'): Promise<Buffer> {
  const data = await encodeZeros(inflatedBytes, encoding);
  const filter = `/Filter ${BOMB_FILTERS[encoding]}`;
  const tree = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'];
  if (placement === 'contents' || placement === 'padded' || placement === 'quoted') {
    const dictionary = {
      contents: filter,
      padded: `/Padding [${' 0'.repeat(50 * 1024)} ] ${filter}`,
      quoted: `${filter} /Note (a >> stream)`,
    }[placement];
    return assemblePdf([...tree, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>', streamObject(dictionary, data)]);
  }
  const side = Math.floor(Math.sqrt(inflatedBytes));
  const xobject =
    placement === 'form'
      ? `/Type /XObject /Subtype /Form ${filter} /Resources << /ProcSet [/PDF] >> /BBox [0 0 612 792]`
      : `/Type /XObject /Subtype /Image /Width ${side} /Height ${Math.floor(inflatedBytes / side)} /ColorSpace /DeviceGray /BitsPerComponent 8 ${filter}`;
  return assemblePdf([
    ...tree,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /X 5 0 R >> >> >>',
    streamObject('', Buffer.from(placement === 'image' ? 'q 612 0 0 792 0 0 cm /X Do Q' : '/X Do', 'latin1')),
    streamObject(xobject, data),
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

/** A PDF literal string: backslashes and parentheses escaped, so any text survives the lexer. */
function literal(text: string): string {
  return `(${text.replace(/[\\()]/g, (char) => `\\${char}`)})`;
}

const HELVETICA = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';

/** A content stream showing `text` in the font resource `/F1`. */
function textContent(text: string): Buffer {
  return streamObject('', Buffer.from(`BT /F1 12 Tf 72 720 Td ${literal(text)} Tj ET`, 'latin1'));
}

/**
 * One page of Helvetica text, with room for extra catalog entries, page entries and objects
 * (numbered from 5 on), which the hostile variants below fill in.
 */
function onePagePdf(
  text: string,
  extra: { catalog?: string; page?: string; objects?: readonly (string | Buffer)[] } = {},
  options: AssembleOptions = {},
): Buffer {
  return assemblePdf(
    [
      `<< /Type /Catalog /Pages 2 0 R ${extra.catalog ?? ''} >>`,
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R ${extra.page ?? ''} >>`,
      HELVETICA,
      textContent(text),
      ...(extra.objects ?? []),
    ],
    options,
  );
}

/** `count` pages with no content stream at all. */
export function emptyPagesPdf(count: number): Buffer {
  const kids = Array.from({ length: count }, (_, index) => `${3 + index} 0 R`).join(' ');
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${count} /MediaBox [0 0 612 792] >>`,
    ...Array.from({ length: count }, () => '<< /Type /Page /Parent 2 0 R >>'),
  ]);
}

/**
 * A page whose catalog carries one value nested `depth` deep: arrays (`[[[…]]]`) or
 * dictionaries (`<< /A << /A … >> >>`). A recursive-descent parser needs a stack frame per level.
 */
export function deeplyNestedPdf(depth: number, kind: 'array' | 'dictionary'): Buffer {
  const [open, close] = kind === 'array' ? ['[', ']'] : ['<< /A ', ' >>'];
  const value = `${open.repeat(depth)}0${close.repeat(depth)}`;
  return onePagePdf('Nested page', { catalog: `/Nested ${value}` });
}

/** A cross-reference table whose trailer's `/Prev` points back at the table itself. */
export function selfReferencingXrefPdf(): Buffer {
  return onePagePdf('Looping xref', {}, { trailer: (xrefOffset) => `/Prev ${xrefOffset}` });
}

/**
 * A cross-reference stream that says the page, and the object stream holding it, are both
 * stored inside that same object stream: finding either means first finding itself.
 */
export function selfContainedObjectStreamPdf(): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets = new Map<number, number>();
  let offset = parts[0]!.length;
  const add = (objectNumber: number, body: string | Buffer) => {
    offsets.set(objectNumber, offset);
    const bytes = Buffer.concat([
      Buffer.from(`${objectNumber} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(bytes);
    offset += bytes.length;
  };
  add(1, '<< /Type /Catalog /Pages 2 0 R >>');
  add(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  add(4, HELVETICA);
  add(5, textContent('Inside a looping object stream'));
  const page = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>';
  const header = '3 0 ';
  add(6, streamObject(`/Type /ObjStm /N 1 /First ${header.length}`, Buffer.from(`${header}${page}`, 'latin1')));
  // Cross-reference stream, /W [1 4 2]: type, offset or object stream number, generation or index.
  const entry = (type: number, field2: number, field3: number) => {
    const bytes = Buffer.alloc(7);
    bytes.writeUInt8(type, 0);
    bytes.writeUInt32BE(field2, 1);
    bytes.writeUInt16BE(field3, 5);
    return bytes;
  };
  const xrefOffset = offset;
  const table = Buffer.concat([
    entry(0, 0, 65535),
    entry(1, offsets.get(1)!, 0),
    entry(1, offsets.get(2)!, 0),
    entry(2, 6, 0), // the page: in object stream 6
    entry(1, offsets.get(4)!, 0),
    entry(1, offsets.get(5)!, 0),
    entry(2, 6, 0), // object stream 6: in object stream 6
    entry(1, xrefOffset, 0),
  ]);
  add(7, streamObject('/Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R', table));
  parts.push(Buffer.from(`startxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** A page tree whose only kid is the tree itself. */
export function selfParentPageTreePdf(): Buffer {
  return assemblePdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [2 0 R] /Count 1 >>']);
}

/**
 * JavaScript that writes `markerPath` if anything ever runs it, in Node or a worker thread alike
 * (no `require` needed). Tests check the file never appears.
 */
export function evalBait(markerPath: string): string {
  return `process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(markerPath)}, 'executed')`;
}

/**
 * Active content a viewer might run: a document-level JavaScript OpenAction, page and document
 * additional actions (/AA) with JavaScript, a /Launch action and a Names-tree script, each
 * writing `markerPath` if executed.
 */
export function activeContentPdf(markerPath: string): Buffer {
  const script = literal(evalBait(markerPath));
  return onePagePdf('Active content', {
    catalog: `/OpenAction 6 0 R /AA << /WC 6 0 R /WS 7 0 R >> /Names << /JavaScript << /Names [(init) 6 0 R] >> >>`,
    page: '/AA << /O 7 0 R /C 6 0 R >>',
    objects: [
      `<< /Type /Action /S /JavaScript /JS ${script} /Next 7 0 R >>`,
      `<< /Type /Action /S /Launch /F << /Type /Filespec /F (/bin/sh) >> /Win << /F (cmd.exe) /P ${literal(`/c echo executed > "${markerPath}"`)} >> /NewWindow true >>`,
    ],
  });
}

/**
 * Fonts crafted against pdf.js, with the CVE-2024-4367 payload in their font matrices (a string
 * that closes the matrix in generated code and runs `evalBait`): a Type1 font whose embedded
 * program is bogus, a Type3 font, and a TrueType program whose table directory claims 65,535
 * tables at absurd offsets. Text must still come out, and nothing may run.
 */
export function craftedFontsPdf(markerPath: string): Buffer {
  const bait = `[1 0 0 1 0 ${literal(`0); ${evalBait(markerPath)}; //`)}]`;
  const type1Program = Buffer.from(
    `%!PS-AdobeFont-1.0: Bait 001\n/FontMatrix ${bait} readonly def\n/FontName /Bait def\ncurrentfile eexec\n${'f'.repeat(64)}\n`,
    'latin1',
  );
  const sfnt = Buffer.alloc(12 + 16 * 64, 0xff);
  sfnt.writeUInt32BE(0x00010000, 0);
  sfnt.writeUInt16BE(0xffff, 4);
  for (const [index, tag] of ['head', 'hhea', 'maxp', 'loca', 'glyf', 'cmap', 'hmtx', 'post'].entries()) {
    sfnt.write(tag, 12 + 16 * index, 'latin1');
  }
  const glyph = streamObject('', Buffer.from('1000 0 0 0 750 750 d1 0 0 750 750 re f', 'latin1'));
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R /F2 6 0 R /F3 8 0 R >> >> /Contents 10 0 R >>',
    `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FontMatrix ${bait} /FontDescriptor 5 0 R >>`,
    `<< /Type /FontDescriptor /FontName /Helvetica /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 750 /Descent -250 /CapHeight 700 /StemV 80 /FontFile 11 0 R >>`,
    `<< /Type /Font /Subtype /Type3 /FontMatrix ${bait} /FontBBox [0 0 750 750] /CharProcs << /A 7 0 R /B 7 0 R >> /Encoding << /Type /Encoding /Differences [65 /A /B] >> /FirstChar 65 /LastChar 66 /Widths [1000 1000] /Resources << >> >>`,
    glyph,
    '<< /Type /Font /Subtype /TrueType /BaseFont /Arial /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /FontDescriptor 9 0 R >>',
    `<< /Type /FontDescriptor /FontName /Arial /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 750 /Descent -250 /CapHeight 700 /StemV 80 /FontFile2 12 0 R >>`,
    streamObject(
      '',
      Buffer.from('BT /F1 12 Tf 72 720 Td (Type1 bait) Tj ET BT /F2 12 Tf 72 680 Td (AB) Tj ET BT /F3 12 Tf 72 640 Td (TrueType bait) Tj ET', 'latin1'),
    ),
    streamObject(`/Length1 ${type1Program.length} /Length2 0 /Length3 0`, type1Program),
    streamObject(`/Length1 ${sfnt.length}`, sfnt),
  ]);
}

/** A page of text with an Info dictionary whose title is `bytes` long. */
export function hugeInfoPdf(bytes: number): Buffer {
  return assemblePdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
      HELVETICA,
      textContent('Huge Info dictionary'),
      `<< /Title (${'T'.repeat(bytes)}) /Author (Hostile) >>`,
    ],
    { trailer: () => '/Info 6 0 R' },
  );
}

/** A page of text with an XMP metadata stream of about `bytes`, most of it one description. */
export function hugeXmpPdf(bytes: number): Buffer {
  const xmp = Buffer.from(
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
      '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Huge XMP</rdf:li></rdf:Alt></dc:title>' +
      `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${'D'.repeat(bytes)}</rdf:li></rdf:Alt></dc:description>` +
      '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>',
    'utf8',
  );
  return onePagePdf('Huge XMP metadata', { catalog: '/Metadata 6 0 R', objects: [streamObject('/Type /Metadata /Subtype /XML', xmp)] });
}

/** The first `fraction` of a file, cut mid-stream or mid-object as a failed transfer leaves it. */
export function truncated(bytes: Uint8Array, fraction: number): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.byteLength * fraction)));
}

/**
 * A ZIP archive holding one stored (uncompressed) file. Appended to a PDF it makes a file that
 * both readers open: PDF readers look from the start, ZIP readers from the end.
 */
export function zipWithOneFile(name: string, content: Buffer): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const checksum = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(checksum, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(checksum, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const localSize = local.length + nameBytes.length + content.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(localSize, 16);
  return Buffer.concat([local, nameBytes, content, central, nameBytes, end]);
}

/** An HTML page with a script, behind a `%PDF-` header that gets it past a magic-number check. */
export function htmlWithPdfHeader(markerPath: string): Buffer {
  return Buffer.from(`%PDF-1.7\n<!doctype html><html><body><h1>Not a PDF</h1><script>${evalBait(markerPath)}</script></body></html>\n`, 'latin1');
}
