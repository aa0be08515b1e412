import { createInflate, inflateSync } from 'node:zlib';
import { PermanentFailure } from '../shared/errors.js';

/**
 * No stream the engine decodes may decode past this: generous for the largest content, font or
 * object streams real files have, far below a bomb (a 1 MB Flate bomb reaches 1 GB, a layered
 * one several GB). Compression ratios cannot tell the two apart: mostly-blank pages and
 * repetitive content compress over 200:1 too.
 */
export const MAX_DECODED_STREAM_BYTES = 256 * 1024 * 1024;

const END_STREAM = 'endstream';
/** An indirect object's header, `12 0 obj`. */
const OBJECT_HEADER = /(?<![0-9])\d+\s+\d+\s+obj\b/g;
const LINE_END = /[\r\n]/g;
/** After a stream's dictionary: the keyword and its end of line. */
const STREAM_KEYWORD = /^\s*stream\r?\n?/;

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
  /** Image data, which text extraction never decodes: it stays as stored. */
  readonly image: boolean;
  /** An XMP metadata packet (`/Type /Metadata /Subtype /XML`). */
  readonly xmp: boolean;
  readonly filters: readonly Filter[];
  readonly data: Buffer;
}

function filtersOf(dictionary: string): Filter[] {
  const match = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dictionary);
  if (!match) return [];
  return [...match[1]!.matchAll(/\/([A-Za-z0-9]+)/g)].map((name) => FILTER_NAMES[name[1]!] ?? 'other');
}

function isImage(dictionary: string): boolean {
  return /\/Subtype\s*\/Image\b/.test(dictionary);
}

/** Index just past the literal string that opens at `start` (`(`), or -1 if it never closes. */
function literalStringEnd(text: string, start: number): number {
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\\') index += 1;
    else if (char === '(') depth += 1;
    else if (char === ')' && --depth === 0) return index + 1;
  }
  return -1;
}

/**
 * Index just past the dictionary that opens at `start` (`<<`), or -1 if it never closes.
 * Strings and comments are skipped, so no `>>` or `stream` written inside one can end it early.
 */
function dictionaryEnd(text: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < text.length) {
    const char = text[index];
    if (char === '(') {
      index = literalStringEnd(text, index);
      if (index === -1) return -1;
    } else if (char === '%') {
      LINE_END.lastIndex = index;
      if (!LINE_END.exec(text)) return -1;
      index = LINE_END.lastIndex;
    } else if (char === '<' && text[index + 1] === '<') {
      depth += 1;
      index += 2;
    } else if (char === '<') {
      index = text.indexOf('>', index) + 1; // a hex string
      if (index === 0) return -1;
    } else if (char === '>' && text[index + 1] === '>') {
      depth -= 1;
      index += 2;
      if (depth === 0) return index;
    } else {
      index += 1;
    }
  }
  return -1;
}

/**
 * Every stream of the file, found by a plain scan (no xref needed, so damaged files are covered
 * too): each object header whose dictionary, read as PDF tokens, is followed by `stream`.
 * Reading the dictionary whole means neither nesting (a form's /Resources), padding nor a
 * `stream` written inside a string can hide a stream's own /Filter from the bomb check. (A file
 * built to make this scan slow, say with thousands of unterminated strings, runs into the
 * document's deadline and ends TIMEOUT like any other.)
 */
function* streamsOf(bytes: Buffer): Generator<RawStream> {
  const text = bytes.toString('latin1');
  const headers = new RegExp(OBJECT_HEADER);
  for (let header = headers.exec(text); header !== null; header = headers.exec(text)) {
    const dictionaryStart = text.indexOf('<<', header.index + header[0].length);
    if (dictionaryStart === -1 || text.slice(header.index + header[0].length, dictionaryStart).trim() !== '') continue;
    const dictionaryStop = dictionaryEnd(text, dictionaryStart);
    if (dictionaryStop === -1) continue;
    const keyword = STREAM_KEYWORD.exec(text.slice(dictionaryStop, dictionaryStop + 16));
    if (!keyword) continue;
    const dictionary = text.slice(dictionaryStart, dictionaryStop);
    const dataStart = dictionaryStop + keyword[0].length;
    // Trust a direct /Length when it lands on `endstream`; otherwise search for it.
    const declared = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dictionary);
    const byLength = declared ? dataStart + Number(declared[1]) : -1;
    const endByLength = byLength > dataStart ? text.indexOf(END_STREAM, byLength) : -1;
    const endAt = endByLength !== -1 && endByLength - byLength <= 2 ? byLength : text.indexOf(END_STREAM, dataStart);
    if (endAt === -1) continue;
    yield {
      image: isImage(dictionary),
      xmp: XMP_DICTIONARY.test(dictionary),
      filters: filtersOf(dictionary),
      data: bytes.subarray(dataStart, endAt),
    };
    // Stream data is not searched for headers: it is binary, or another object's business.
    headers.lastIndex = endAt + END_STREAM.length;
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

/** One Flate layer expands at most about 1,032:1. */
const MAX_FLATE_RATIO = 1032;
/** Streams that cannot decode past this are inflated in one call: cheaper than a stream for the many small ones. */
const INFLATE_AT_ONCE_MAX_BYTES = 16 * 1024 * 1024;

/**
 * How many bytes `compressed` inflates to, stopping as soon as `limit` is passed, so a bomb is
 * never held. Damaged data simply ends the count: parsing decides what it means.
 */
async function inflatedSize(compressed: Buffer, limit: number): Promise<number> {
  if (compressed.length * MAX_FLATE_RATIO <= Math.min(limit, INFLATE_AT_ONCE_MAX_BYTES)) {
    try {
      return inflateSync(compressed).length;
    } catch {
      // Damaged or truncated: the stream below counts what can be read of it.
    }
  }
  return new Promise((resolve) => {
    const inflate = createInflate();
    let bytes = 0;
    const finish = () => {
      inflate.removeAllListeners('data');
      inflate.destroy();
      resolve(bytes);
    };
    inflate.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) finish();
    });
    inflate.on('error', finish);
    inflate.on('end', finish);
    inflate.end(compressed);
  });
}

/**
 * How far a stream decodes, up to just past `limit`: filters before the last Flate are decoded
 * in memory (each bounded); the last Flate is counted as it streams, never held. ASCII filters
 * after it only shrink data, so the count stands for the whole chain.
 */
async function decodedSize(stream: RawStream, limit: number): Promise<number> {
  const lastFlate = stream.filters.lastIndexOf('flate');
  if (lastFlate === -1) return 0;
  let data = stream.data;
  for (const filter of stream.filters.slice(0, lastFlate)) {
    try {
      data = decodeBounded(filter, data, limit);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return limit + 1;
      return 0; // Undecodable here (or encrypted): parsing will judge the stream.
    }
  }
  return inflatedSize(data, limit);
}

const XMP_DICTIONARY = /\/Type\s*\/Metadata\b[^]*\/Subtype\s*\/XML\b|\/Subtype\s*\/XML\b[^]*\/Type\s*\/Metadata\b/;
/** XMP read past this is left out: real packets are a few KB, padding included. */
export const MAX_XMP_BYTES = 16 * 1024 * 1024;

/** A stream's data with every filter applied, or undefined when it cannot be decoded within `limit`. */
function decodeWhole(stream: RawStream, limit: number): Buffer | undefined {
  let data = stream.data;
  try {
    for (const filter of stream.filters) data = decodeBounded(filter, data, limit);
  } catch {
    return undefined;
  }
  return data.length <= limit ? data : undefined;
}

/** What a look over a file's streams learned before the engine reads it. */
export interface StreamSurvey {
  /**
   * The document's XMP packet, as text: the last XMP stream of the file holding an RDF body
   * (an incremental update appends its newer packet after the old one). PDFium has no XMP API.
   */
  readonly xmp?: string;
}

/**
 * Looks over every stream of a PDF before PDFium touches it:
 *
 * - Refuses a decompression bomb: the decoded buffers of a bomb live outside the V8 heap, where
 *   a worker's heap limit cannot stop them, and they can grow faster than memory sampling
 *   notices. Counting decoded bytes costs a little CPU and little memory. Images are left
 *   alone unless pages will be rendered for OCR: text extraction never decodes them.
 * - Reads the XMP packet, which PDFium has no API for.
 *
 * Streams of an encrypted file are stored encrypted: they pass the bomb check (the memory
 * watchdog remains the guard for those), and their XMP, unless left unencrypted, is not read.
 */
export async function surveyStreams(
  bytes: Uint8Array,
  limit = MAX_DECODED_STREAM_BYTES,
  options: { /** Pages will be rendered (OCR), so images are decoded too and measured like the rest. */ readonly images?: boolean } = {},
): Promise<StreamSurvey> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let xmp: string | undefined;
  for (const stream of streamsOf(buffer)) {
    if (stream.xmp) {
      const packet = decodeWhole(stream, Math.min(limit, MAX_XMP_BYTES))?.toString('utf8');
      if (packet?.includes('rdf:RDF')) xmp = packet;
    }
    if (stream.image && !options.images) continue;
    if ((await decodedSize(stream, limit)) > limit) {
      throw new PermanentFailure(
        'RESOURCE_LIMIT',
        `A ${stream.data.length}-byte compressed stream decodes past ${Math.round(limit / 1024 / 1024)} MB: the file looks like a decompression bomb.`,
      );
    }
  }
  return xmp !== undefined ? { xmp } : {};
}
