/**
 * PDFium, compiled to WebAssembly (`@embedpdf/pdfium`), loaded once per worker thread.
 *
 * The `.wasm` is read from disk, never fetched: beside the bundle (`pdfium/pdfium.wasm`) when
 * deployed, from `node_modules` when run from source. Calls go straight to the module's exports:
 * the package's JavaScript wrappers are built with emscripten's assertions, which cost more
 * than the calls themselves on the per-character hot path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from '@embedpdf/pdfium';

/** PDFium's C functions as the module exports them: numbers in, a number out. */
export type PdfiumFunctions = Readonly<Record<string, (...args: number[]) => number>>;

/** The loaded engine: its functions and its linear memory, with the few helpers every reader needs. */
export interface Pdfium {
  readonly fn: PdfiumFunctions;
  malloc(bytes: number): number;
  free(pointer: number): void;
  /** A view of the whole heap; take a fresh one after any call, since the heap may have grown. */
  heap(): Uint8Array;
  float32(pointer: number): number;
  int32(pointer: number): number;
  float64(pointer: number): number;
  /** Copies `bytes` into a fresh allocation; the caller frees it. */
  copyIn(bytes: Uint8Array): number;
  /** A NUL-terminated UTF-8 string in a fresh allocation; the caller frees it. */
  cString(text: string): number;
  /**
   * Reads a UTF-16LE string from one of PDFium's two-call getters: `get(0, 0)` says how many
   * bytes it needs (terminator included), `get(buffer, length)` fills them.
   */
  utf16String(get: (buffer: number, length: number) => number, maxBytes?: number): string;
  /** Size of the WebAssembly heap, which grows and never shrinks. */
  heapBytes(): number;
}

/** Strings longer than this are not read at all (a hostile title can be any size). */
const MAX_STRING_BYTES = 32 * 1024 * 1024;
const utf16 = new TextDecoder('utf-16le');

/** Where the `.wasm` is: beside the bundle when deployed, in the package when run from source. */
export function pdfiumWasmPath(): string {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), 'pdfium', 'pdfium.wasm');
  return existsSync(bundled) ? bundled : createRequire(import.meta.url).resolve('@embedpdf/pdfium/pdfium.wasm');
}

/** The module's exports: its functions and its linear memory. */
type ModuleExports = Record<string, unknown> & { readonly memory: { readonly buffer: ArrayBuffer } };

function wrap(exports: ModuleExports): Pdfium {
  const fn = exports as unknown as PdfiumFunctions;
  const memory = exports.memory;
  let view = new DataView(memory.buffer);
  const data = () => (view.buffer === memory.buffer ? view : (view = new DataView(memory.buffer)));
  const malloc = (bytes: number) => {
    const pointer = fn.malloc!(bytes);
    if (pointer === 0) throw new RangeError(`PDFium could not allocate ${bytes} bytes`);
    return pointer;
  };
  const pdfium: Pdfium = {
    fn,
    malloc,
    free: (pointer) => void fn.free!(pointer),
    heap: () => new Uint8Array(memory.buffer),
    float32: (pointer) => data().getFloat32(pointer, true),
    int32: (pointer) => data().getInt32(pointer, true),
    float64: (pointer) => data().getFloat64(pointer, true),
    copyIn(bytes) {
      const pointer = malloc(Math.max(1, bytes.byteLength));
      new Uint8Array(memory.buffer).set(bytes, pointer);
      return pointer;
    },
    cString(text) {
      const encoded = new TextEncoder().encode(`${text}\0`);
      return pdfium.copyIn(encoded);
    },
    utf16String(get, maxBytes = MAX_STRING_BYTES) {
      const needed = get(0, 0);
      if (needed <= 2 || needed > maxBytes) return '';
      const buffer = malloc(needed);
      try {
        const written = Math.min(get(buffer, needed), needed);
        return utf16.decode(new Uint8Array(memory.buffer, buffer, Math.max(0, written - 2)));
      } finally {
        fn.free!(buffer);
      }
    },
    heapBytes: () => memory.buffer.byteLength,
  };
  return pdfium;
}

let loading: Promise<Pdfium> | undefined;

/** The engine of this thread, instantiated on first use. */
export function loadPdfium(): Promise<Pdfium> {
  loading ??= (async () => {
    const module = await init({ wasmBinary: readFileSync(pdfiumWasmPath()) as unknown as ArrayBuffer });
    module.PDFiumExt_Init();
    return wrap(module.pdfium.wasmExports as unknown as ModuleExports);
  })();
  return loading;
}
