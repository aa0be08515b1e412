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

/**
 * Emscripten's typed views of the heap, which it replaces whenever the heap grows: reading them
 * from the module costs a property lookup, where asking the memory for its buffer costs a call.
 */
interface HeapViews {
  readonly HEAPU8: Uint8Array;
  readonly HEAP32: Int32Array;
  readonly HEAPF32: Float32Array;
  readonly HEAPF64: Float64Array;
}

function wrap(exports: ModuleExports, views: HeapViews): Pdfium {
  const fn = exports as unknown as PdfiumFunctions;
  const memory = exports.memory;
  const malloc = (bytes: number) => {
    const pointer = fn.malloc!(bytes);
    if (pointer === 0) throw new RangeError(`PDFium could not allocate ${bytes} bytes`);
    return pointer;
  };
  const pdfium: Pdfium = {
    fn,
    malloc,
    free: (pointer) => void fn.free!(pointer),
    // Pointers to floats and ints from PDFium are aligned, as C requires.
    heap: () => views.HEAPU8,
    float32: (pointer) => views.HEAPF32[pointer >> 2]!,
    int32: (pointer) => views.HEAP32[pointer >> 2]!,
    float64: (pointer) => views.HEAPF64[pointer >> 3]!,
    copyIn(bytes) {
      const pointer = malloc(Math.max(1, bytes.byteLength));
      views.HEAPU8.set(bytes, pointer);
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
        return utf16.decode(views.HEAPU8.subarray(buffer, buffer + Math.max(0, written - 2)));
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
    return wrap(module.pdfium.wasmExports as unknown as ModuleExports, module.pdfium as unknown as HeapViews);
  })();
  return loading;
}
