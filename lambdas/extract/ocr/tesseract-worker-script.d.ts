/** The part of tesseract.js's worker script (CommonJS, untyped) that the OCR worker uses. */
declare module 'tesseract.js/src/worker-script/index.js' {
  /** Where the worker script gets its core, its gzip, its fetch and its cache. */
  export interface WorkerAdapter {
    getCore(lstmOnly: boolean, corePath: string, res: unknown): Promise<(options: object) => Promise<unknown>>;
    gunzip(data: Uint8Array): Uint8Array;
    fetch(url: string): Promise<never>;
    readCache(path: string): Promise<Uint8Array>;
    writeCache(path: string, data: Uint8Array): Promise<void>;
    deleteCache(path: string): Promise<void>;
    checkCache(path: string): Promise<boolean>;
  }
  export function setAdapter(adapter: WorkerAdapter): void;
  export function dispatchHandlers(packet: unknown, send: (message: unknown) => void): void;
}
