import { createInflate } from 'node:zlib';
import { PermanentFailure } from '../shared/errors.js';

/**
 * No Flate stream may inflate past this. Real scans in the corpus reach ~100 MB for one page
 * image (mostly-white bilevel pages compress over 200:1, so no ratio rule can tell them from
 * a bomb); a 1 MB bomb reaches 1 GB.
 */
export const MAX_INFLATED_STREAM_BYTES = 256 * 1024 * 1024;

const STREAM = Buffer.from('stream');
const END_STREAM = Buffer.from('endstream');
const DICT_START = Buffer.from('<<');
const FLATE = Buffer.from('/FlateDecode');
/** How far back from `stream` its dictionary may start. */
const DICT_WINDOW = 4096;

/** The compressed bytes of every Flate-encoded stream, found by a plain scan of the file. */
function* flateStreams(bytes: Buffer): Generator<Buffer> {
  let at = bytes.indexOf(STREAM);
  while (at !== -1) {
    const isEnd = at >= 3 && bytes.subarray(at - 3, at).toString('latin1') === 'end';
    if (!isEnd) {
      const dictStart = bytes.lastIndexOf(DICT_START, at);
      const dict = dictStart >= 0 && at - dictStart < DICT_WINDOW ? bytes.subarray(dictStart, at) : undefined;
      let dataStart = at + STREAM.length;
      if (bytes[dataStart] === 0x0d) dataStart += 1;
      if (bytes[dataStart] === 0x0a) dataStart += 1;
      const dataEnd = bytes.indexOf(END_STREAM, dataStart);
      if (dict?.includes(FLATE) && dataEnd > dataStart) {
        yield bytes.subarray(dataStart, dataEnd);
        at = bytes.indexOf(STREAM, dataEnd + END_STREAM.length);
        continue;
      }
    }
    at = bytes.indexOf(STREAM, at + STREAM.length);
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
    // Damaged or encrypted data simply ends the count: parsing decides what it means.
    inflate.on('error', finish);
    inflate.on('end', finish);
    inflate.end(compressed);
  });
}

/**
 * Refuses a decompression bomb before pdf.js touches it: the inflated buffers of a bomb live
 * outside the V8 heap, where a worker's heap limit cannot stop them, and they can grow faster
 * than memory sampling notices. Counting inflated bytes costs a little CPU and no memory.
 */
export async function refuseDecompressionBombs(bytes: Uint8Array, limit = MAX_INFLATED_STREAM_BYTES): Promise<void> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const compressed of flateStreams(buffer)) {
    const inflated = await inflatedSizeUpTo(compressed, limit);
    if (inflated > limit) {
      throw new PermanentFailure(
        'RESOURCE_LIMIT',
        `A ${compressed.length}-byte compressed stream expands past ${Math.round(limit / 1024 / 1024)} MB: the file looks like a decompression bomb.`,
      );
    }
  }
}
