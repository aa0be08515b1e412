/**
 * Writes small, valid PDFs for tests: one Helvetica text page per string given. Lets tests
 * make exactly the documents they need (a huge page, many pages, distinct content) without
 * committing binaries.
 */
export function makePdf(pageTexts: readonly string[], options: { title?: string; paddingBytes?: number } = {}): Uint8Array {
  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length;
  };

  const catalogId = add('');
  const pagesId = add('');
  const fontId = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const infoId = add(`<< /Title (${escape(options.title ?? 'Test document')}) /Producer (pdf-pipeline tests) /CreationDate (D:20261123100000Z) >>`);

  const pageIds = pageTexts.map((text) => {
    // Lines past the bottom of the page are dropped by text extraction, and overlapping ones
    // merged, so a long page is set small on a page tall enough for all of it (at most the
    // 14,400 units a page may measure).
    const lines = wrap(text, 90);
    const long = lines.length > 60;
    const [size, leading] = long ? [2, 2.4] : [10, 12];
    const height = long ? Math.max(842, Math.ceil(lines.length * leading) + 80) : 842;
    const content = `BT /F1 ${size} Tf ${leading} TL 40 ${height - 42} Td ${lines.map((line) => `(${escape(line)}) '`).join(' ')} ET`;
    const contentId = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    return add(`<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 595 ${height}] /Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${contentId} 0 R >>`);
  });

  // Padding: a stream nothing refers to, so the file is as large as a test needs (upload size
  // limits) while its content stays what the pages say.
  if (options.paddingBytes) add(`<< /Length ${options.paddingBytes} >>\nstream\n${' '.repeat(options.paddingBytes)}\nendstream`);

  objects[catalogId - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R >>`;
  objects[pagesId - 1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;

  return assembleObjects(objects, `/Root ${catalogId} 0 R /Info ${infoId} 0 R`);
}

/**
 * The texts of `count` numbered pages, each long enough to be read as a text page (a page of a few
 * characters would count as needing OCR): for documents long enough to be read in shards.
 */
export const numberedPages = (count: number, label: string): string[] =>
  Array.from({ length: count }, (_, index) => `${label} page ${index + 1} holds a sentence long enough to be read as text.`);

/** WinAnsi codes of the few characters beyond ASCII that tests write (a bullet, dashes). */
const WIN_ANSI: Readonly<Record<string, string>> = { '•': '\\225', '–': '\\226', '—': '\\227' };

function escape(text: string): string {
  return text.replace(/[\\()]/g, (char) => `\\${char}`).replace(/[^\x20-\x7e]/g, (char) => WIN_ANSI[char] ?? '?');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    for (let start = 0; start < paragraph.length || start === 0; start += width) {
      lines.push(paragraph.slice(start, start + width));
      if (paragraph.length === 0) break;
    }
  }
  return lines;
}

/** A run of text placed on a page: PDF user space, baseline at `y`. */
export interface PlacedText {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  /** @default 10 */
  readonly size?: number;
  /** @default false */
  readonly bold?: boolean;
}

/**
 * Writes a PDF whose pages hold text runs exactly where a test puts them, in the order given
 * (the content stream's order): for layout, reading-order and rotation tests.
 */
export function makePlacedTextPdf(
  pages: readonly (readonly PlacedText[])[],
  options: { readonly rotate?: 0 | 90 | 180 | 270; readonly width?: number; readonly height?: number } = {},
): Uint8Array {
  const [width, height] = [options.width ?? 612, options.height ?? 792];
  const objects: string[] = [];
  const add = (body: string) => objects.push(body);
  add(''); // catalog, 1
  add(''); // pages, 2
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'); // 3
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>'); // 4
  const pageIds = pages.map((runs) => {
    const content = runs
      .map((run) => `BT /${run.bold ? 'F2' : 'F1'} ${run.size ?? 10} Tf ${run.x} ${run.y} Td (${escape(run.text)}) Tj ET`)
      .join('\n');
    add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    const contentId = objects.length;
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Rotate ${options.rotate ?? 0} ` +
        `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${contentId} 0 R >>`,
    );
    return objects.length;
  });
  objects[0] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  return assembleObjects(objects, '/Root 1 0 R');
}

/** Objects numbered from 1 in order, with their cross-reference table and a trailer holding `trailerEntries`. */
function assembleObjects(objects: readonly string[], trailerEntries: string): Uint8Array {
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets = objects.map((body, index) => {
    const offset = Buffer.byteLength(pdf, 'latin1');
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xrefOffset = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} ${trailerEntries} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(pdf, 'latin1'));
}
