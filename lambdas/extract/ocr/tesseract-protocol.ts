/**
 * A client for tesseract.js's worker protocol (`load`, `loadLanguage`, `initialize`, `recognize`)
 * over a worker thread we start ourselves, so that the thread gets tsx's loader from source and
 * the offline adapter of `tesseract-worker.ts` everywhere.
 */
import { Worker } from 'node:worker_threads';
import type { OcrAssets } from './tesseract-assets.js';

interface Reply {
  readonly jobId?: string;
  readonly status: 'resolve' | 'reject' | 'progress';
  readonly data: unknown;
}

/** A language's traineddata, gzipped. */
export interface Traineddata {
  readonly code: string;
  readonly data: Uint8Array;
}

/** Tesseract's orientation detection: how far the text is turned clockwise, and how sure it is. */
export interface Orientation {
  readonly clockwise: number;
  readonly confidence: number;
}

/** Fully automatic page segmentation, without orientation detection (done beforehand). */
const PSM_AUTO = '3';

/** LSTM only: the engine that reads (the legacy one serves only orientation detection). */
const OEM_LSTM_ONLY = 1;

export class TesseractThread {
  private readonly worker: Worker;
  private readonly pending = new Map<string, { resolve: (data: unknown) => void; reject: (error: Error) => void }>();
  private nextJob = 0;
  private failure: Error | undefined;

  private constructor(assets: OcrAssets) {
    this.worker = new Worker(assets.workerUrl, { execArgv: assets.execArgv, stdout: true, stderr: true });
    this.worker.unref();
    this.worker.stdout.resume();
    forwardStderr(this.worker);
    this.worker.on('message', (reply: Reply) => this.onReply(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`The OCR worker stopped (exit code ${code})`)));
  }

  /**
   * A worker with the core loaded, `languages` initialised for reading and `orientation`
   * (osd) loaded for orientation detection, all from traineddata bytes.
   */
  static async start(assets: OcrAssets, languages: readonly Traineddata[], orientation: Traineddata): Promise<TesseractThread> {
    const thread = new TesseractThread(assets);
    try {
      await thread.call('load', { options: { lstmOnly: true, corePath: assets.corePath, logging: false } });
      const langs = [...languages, orientation];
      await thread.call('loadLanguage', { langs, options: { cacheMethod: 'none', gzip: true, lstmOnly: true } });
      await thread.call('initialize', { langs: languages.map((language) => language.code).join('+'), oem: OEM_LSTM_ONLY });
    } catch (error) {
      await thread.terminate();
      throw error;
    }
    return thread;
  }

  /** Recognises one encoded image (PGM) of `dpi`, returning Tesseract's TSV and mean confidence. */
  async recognise(image: Uint8Array, dpi: number): Promise<{ tsv: string; confidence: number }> {
    // Automatic page segmentation, as the tesseract command runs (the API's default is one
    // uniform block, which runs lines across columns and reads mixed layouts worse).
    const options = { user_defined_dpi: String(Math.round(dpi)), tessedit_pageseg_mode: PSM_AUTO };
    const result = (await this.call('recognize', { image, options, output: { text: false, tsv: true } })) as {
      tsv: string;
      confidence: number;
    };
    return { tsv: result.tsv, confidence: result.confidence };
  }

  /**
   * How far the text of one encoded image (PGM) of `dpi` is turned clockwise, by Tesseract's
   * orientation detection; null when it finds too little text to say.
   */
  async orientation(image: Uint8Array, dpi: number): Promise<Orientation | null> {
    return (await this.call('orientation', { image, dpi })) as Orientation | null;
  }

  /** Bytes of WebAssembly memory the core holds (it grows with the largest page, never shrinks). */
  async wasmBytes(): Promise<number> {
    return ((await this.call('usage', {})) as { wasmBytes: number }).wasmBytes;
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error('The OCR worker was stopped');
    await this.worker.terminate();
  }

  private call(action: string, payload: object): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const jobId = `job-${(this.nextJob += 1)}`;
    return new Promise((resolve, reject) => {
      this.pending.set(jobId, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ workerId: 'ocr', jobId, action, payload });
    });
  }

  private onReply(reply: Reply): void {
    if (reply.status === 'progress') return;
    const jobId = reply.jobId ?? '';
    const job = this.pending.get(jobId);
    if (!job) {
      // A reply for no job is the worker reporting a fault of its own (the core failed to start).
      if (reply.status === 'reject') this.fail(new Error(`OCR worker: ${String(reply.data)}`));
      return;
    }
    this.pending.delete(jobId);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.status === 'resolve') job.resolve(reply.data);
    else job.reject(new Error(`OCR worker: ${String(reply.data)}`));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.pending.values()) job.reject(this.failure);
    this.pending.clear();
  }
}

/**
 * Tesseract's notes about each page (no resolution in a PGM, a speck too small to read) would
 * fill the logs; anything else the worker prints goes to stderr.
 */
const ROUTINE_NOTES = /^(Warning\. Invalid resolution|Estimated internal resolution|Warning: User defined image dpi|Image too small to scale|Line cannot be recognized)/;

function forwardStderr(worker: Worker): void {
  let pending = '';
  worker.stderr.setEncoding('utf8');
  worker.stderr.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line && !ROUTINE_NOTES.test(line)) process.stderr.write(`${line}\n`);
  });
}
