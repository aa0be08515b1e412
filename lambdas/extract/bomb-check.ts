import { createInflate, inflateSync } from 'node:zlib';
import { PermanentFailure } from '../shared/errors.js';

/**
 * No stream may decode past this. Real scans in the corpus reach ~100 MB for one page image
 * (mostly-white bilevel pages compress over 200:1, so no ratio rule can tell them from a
 * bomb); a 1 MB Flate bomb reaches 1 GB, a layered one several GB.
 */
export const MAX_DECODED_STREAM_BYTES = 256 * 1024 * 1024;

const STREAM = Buffer.from('stream');
const END_STREAM = Buffer.from('endstream');
const DICT_START = Buffer.from('<<');
/** How far back from `stream` its dictionary may start. */
const DICT_WINDOW = 4096;

type Filter = 'flate' | 'hex' | 'a85' | 'other';

const FILTER_NAMES: Record<string, Filter> = {
  FlateDecode: 'flate',
  Fl: 'flate',
  ASCIIHexDecode: 'hex',
  AHx: 'hex',
  ASCII85Decode: 'a85',
  A85: 'a85',
};

interface RawStream {
  readonly filters: readonly Filter[];
  readonly data: Buffer;
}

function filtersOf(dictionary: string): Filter[] {
  const match = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dictionary);
  if (!match) return [];
  return [...match[1]!.matchAll(/\/([A-Za-z0-9]+)/g)].map((name) => FILTER_NAMES[name[1]!] ?? 'other');
}

/** Every stream with at least one Flate filter, found by a plain scan of the file. */
function* compressedStreams(bytes: Buffer): Generator<RawStream> {
  let at = bytes.indexOf(STREAM);
  while (at !== -1) {
    const isEnd = at >= 3 && bytes.toString('latin1', at - 3, at) === 'end';
    const dictStart = isEnd ? -1 : bytes.lastIndexOf(DICT_START, at);
    if (dictStart >= 0 && at - dictStart < DICT_WINDOW) {
      const dictionary = bytes.toString('latin1', dictStart, at);
      let dataStart = at + STREAM.length;
      if (bytes[dataStart] === 0x0d) dataStart += 1;
      if (bytes[dataStart] === 0x0a) dataStart += 1;
      // Trust a direct /Length when it lands on `endstream`; otherwise search for it.
      const declared = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dictionary);
      const byLength = declared ? dataStart + Number(declared[1]) : -1;
      const endByLength = byLength > dataStart ? bytes.indexOf(END_STREAM, byLength) : -1;
      const endAt = endByLength !== -1 && endByLength - byLength <= 2 ? byLength : bytes.indexOf(END_STREAM, dataStart);
      const filters = filtersOf(dictionary);
      if (endAt > dataStart && filters.includes('flate')) {
        yield { filters, data: bytes.subarray(dataStart, endAt) };
        at = bytes.indexOf(STREAM, endAt + END_STREAM.length);
        continue;
      }
    }
    at = bytes.indexOf(STREAM, at + STREAM.length);
  }
}

function decodeHex(data: Buffer): Buffer {
  const text = data.toString('latin1');
  const end = text.indexOf('>');
  const digits = (end === -1 ? text : text.slice(0, end)).replace(/[^0-9a-fA-F]/g, '');
  return Buffer.from(digits.length % 2 ? `${digits}0` : digits, 'hex');
}

function decodeAscii85(data: Buffer): Buffer {
  const text = data.toString('latin1').replace(/\s/g, '');
  const body = text.slice(text.startsWith('<~') ? 2 : 0, text.includes('~>') ? text.indexOf('~>') : undefined);
  const out: number[] = [];
  let group: number[] = [];
  const flush = (count: number) => {
    while (group.length < 5) group.push(84);
    const value = group.reduce((sum, digit) => sum * 85 + digit, 0);
    for (let index = 0; index < count - 1; index += 1) out.push((value >>> (24 - 8 * index)) & 0xff);
    group = [];
  };
  for (const char of body) {
    if (char === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    group.push(char.charCodeAt(0) - 33);
    if (group.length === 5) flush(5);
  }
  if (group.length > 0) flush(group.length);
  return Buffer.from(out);
}

/** Applies one filter in full, refusing to produce more than `limit` bytes. */
function decodeBounded(filter: Filter, data: Buffer, limit: number): Buffer {
  switch (filter) {
    case 'hex':
      return decodeHex(data);
    case 'a85':
      return decodeAscii85(data);
    case 'flate':
      return inflateSync(data, { maxOutputLength: limit, finishFlush: 2 /* Z_SYNC_FLUSH: tolerate truncation */ });
    case 'other':
      throw new Error('unsupported filter');
  }
}

/** Inflates `compressed` only to count its output, stopping as soon as `limit` is passed. */
function inflatedSizeUpTo(compressed: Buffer, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = createInflate();
    let total = 0;
    const finish = () => {
      inflate.removeAllListeners('data');
      inflate.destroy();
      resolve(total);
    };
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) finish();
    });
    // Damaged data simply ends the count: parsing decides what it means.
    inflate.on('error', finish);
    inflate.on('end', finish);
    inflate.end(compressed);
  });
}

/** How many bytes a stream decodes to, or more than `limit` once it is clear it passes it. */
async function decodedSizeUpTo(stream: RawStream, limit: number): Promise<number> {
  const lastFlate = stream.filters.lastIndexOf('flate');
  let data = stream.data;
  // Filters before the last Flate are decoded in memory (each bounded); the last Flate is only counted.
  for (const filter of stream.filters.slice(0, lastFlate)) {
    try {
      data = decodeBounded(filter, data, limit);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return limit + 1;
      return 0; // Undecodable here (or encrypted): parsing will judge the stream.
    }
  }
  // ASCII filters after the last Flate only shrink data, so the count stands for the whole chain.
  return inflatedSizeUpTo(data, limit);
}

/**
 * Refuses a decompression bomb before pdf.js touches it: the decoded buffers of a bomb live
 * outside the V8 heap, where a worker's heap limit cannot stop them, and they can grow faster
 * than memory sampling notices. Counting decoded bytes costs a little CPU and little memory.
 *
 * Streams of an encrypted file are checked as stored (still encrypted), so they pass here; the
 * memory watchdog remains the guard for those.
 */
export async function refuseDecompressionBombs(bytes: Uint8Array, limit = MAX_DECODED_STREAM_BYTES): Promise<void> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const stream of compressedStreams(buffer)) {
    const decoded = await decodedSizeUpTo(stream, limit);
    if (decoded > limit) {
      throw new PermanentFailure(
        'RESOURCE_LIMIT',
        `A ${stream.data.length}-byte compressed stream decodes past ${Math.round(limit / 1024 / 1024)} MB: the file looks like a decompression bomb.`,
      );
    }
  }
}
