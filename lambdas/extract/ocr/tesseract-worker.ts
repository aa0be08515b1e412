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
/** The core module, once loaded; its own orientation detector is kept beside tesseract.js's API. */
let core: CoreModule | undefined;
let orientationApi: TessBaseApi | undefined;

interface TessBaseApi {
  Init(dataPath: null, language: string, engineMode: number): number;
  SetImageFile(exifOrientation: number, angle: number): number;
  SetVariable(name: string, value: string): boolean;
  DetectOS(results: OsResults): boolean;
}
interface OsResults {
  readonly best_result: { readonly orientation_id: number; readonly oconfidence: number; readonly sconfidence: number };
}
interface CoreModule {
  readonly FS: { writeFile(path: string, data: Uint8Array): void };
  readonly TessBaseAPI: new () => TessBaseApi;
  readonly OSResults: new () => OsResults;
}
/** The legacy engine, the only one that can run orientation detection (with osd.traineddata). */
const OEM_LEGACY_ONLY = 0;
/** Tesseract's orientation ids: how far the page's text is turned clockwise. */
const ORIENTATION_DEGREES = [0, 90, 180, 270] as const;

workerScript.setAdapter({
  // `corePath` names one core build's loader; its .wasm sits beside it and is read from there.
  getCore: async (_lstmOnly, corePath) => {
    const factory = requireCore(corePath) as CoreFactory;
    const wasmPath = corePath.replace(/\.js$/, '.wasm');
    return async (options) => {
      core = (await factory({
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
      })) as CoreModule;
      return core;
    };
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
  if (packet.action === 'orientation') {
    const reply = (status: string, data: unknown) => port.postMessage({ jobId: packet.jobId, action: 'orientation', status, data });
    try {
      const { image, dpi } = (packet as { payload: { image: Uint8Array; dpi: number } }).payload;
      reply('resolve', detectOrientation(image, dpi));
    } catch (error) {
      reply('reject', String(error));
    }
    return;
  }
  workerScript.dispatchHandlers(packet, (message) => port.postMessage(message));
});

/**
 * Tesseract's orientation and script detection on one image (PGM), with a second API of the
 * same core initialised with `osd` (loaded with the languages). Null when it finds too little
 * text to say.
 */
function detectOrientation(image: Uint8Array, dpi: number): { clockwise: number; confidence: number } | null {
  if (!core) throw new Error('The OCR core is not loaded');
  if (!orientationApi) {
    const api = new core.TessBaseAPI();
    if (api.Init(null, 'osd', OEM_LEGACY_ONLY) === -1) throw new Error('Orientation detection needs osd.traineddata');
    orientationApi = api;
  }
  orientationApi.SetVariable('user_defined_dpi', String(Math.round(dpi)));
  // SetImageFile reads /input, where tesseract.js's own recognize writes its image too.
  core.FS.writeFile('/input', image);
  if (orientationApi.SetImageFile(1, 0) === 1) throw new Error('Orientation detection could not read the image');
  const results = new core.OSResults();
  if (!orientationApi.DetectOS(results)) return null;
  const best = results.best_result;
  return { clockwise: ORIENTATION_DEGREES[best.orientation_id] ?? 0, confidence: best.oconfidence };
}

function failOutsideWorker(): never {
  throw new Error('The OCR worker runs only as a worker thread');
}
