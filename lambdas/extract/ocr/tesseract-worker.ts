/**
 * The OCR worker thread: tesseract.js's own worker script, given an adapter that keeps it
 * offline and read-only. The core (one WebAssembly build) and the traineddata come from local
 * paths the engine passes in; any attempt to fetch or to write a cache file is refused loudly
 * instead of reaching for a CDN or the (read-only on Lambda) working directory.
 *
 * Besides tesseract.js's actions it answers `usage`, reporting the size of the core's
 * WebAssembly memory, which grows with the largest page seen and is never given back: the
 * engine recycles the worker when it passes its budget.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import * as workerScript from 'tesseract.js/src/worker-script/index.js';

type CoreFactory = (options: object) => Promise<unknown>;

// The few WebAssembly types used here (the project's `lib` leaves out the DOM's WebAssembly).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
type ReceiveInstance = (instance: WasmInstance, module: unknown) => void;
const wasm = (globalThis as unknown as {
  WebAssembly: {
    Memory: abstract new (...args: never[]) => WasmMemory;
    instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: WasmInstance; module: unknown }>;
  };
}).WebAssembly;

const port = parentPort ?? failOutsideWorker();
const requireCore = createRequire(import.meta.url);
/** The core's memory, captured when it is instantiated (the core does not export its heap). */
let memory: WasmMemory | undefined;

workerScript.setAdapter({
  // `corePath` names one core build's loader; its .wasm sits beside it and is read from there.
  getCore: async (_lstmOnly, corePath) => {
    const factory = requireCore(corePath) as CoreFactory;
    const wasmPath = corePath.replace(/\.js$/, '.wasm');
    return (options) =>
      factory({
        ...options,
        // Emscripten's hook for instantiating the module ourselves: the same .wasm the core would
        // read, with its memory kept for `usage`.
        instantiateWasm: (imports: object, receive: ReceiveInstance) => {
          readFile(wasmPath)
            .then((bytes) => wasm.instantiate(bytes, imports))
            .then(({ instance, module }) => {
              memory = Object.values(instance.exports).find((value): value is WasmMemory => value instanceof wasm.Memory);
              receive(instance, module);
            })
            .catch((error: unknown) => port.postMessage({ action: 'fatal', status: 'reject', data: String(error) }));
          return {};
        },
      });
  },
  gunzip: (data) => gunzipSync(data),
  fetch: async (url) => {
    throw new Error(`OCR runs offline: refusing to fetch ${url}; give it a local language path`);
  },
  readCache: (path) => readFile(path),
  writeCache: async (path) => {
    throw new Error(`OCR writes no files: refusing to write ${path}`);
  },
  deleteCache: async () => {},
  checkCache: async () => false,
});

port.on('message', (packet: { action?: string; jobId?: string }) => {
  if (packet.action === 'usage') {
    port.postMessage({ jobId: packet.jobId, action: 'usage', status: 'resolve', data: { wasmBytes: memory?.buffer.byteLength ?? 0 } });
    return;
  }
  workerScript.dispatchHandlers(packet, (message) => port.postMessage(message));
});

function failOutsideWorker(): never {
  throw new Error('The OCR worker runs only as a worker thread');
}
