import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PermanentFailure, TransientFailure } from '../shared/errors.js';
import type { ParseSink } from './pdf-document.js';
import type { PageRange, ShardSettings } from './shard-plan.js';
import type { ExtractJob, OcrSettings, WorkerMessage } from './worker-protocol.js';

/** Bounds for one extraction. */
export interface ExtractionBounds {
  readonly maxPages: number;
  /** Epoch milliseconds by which the worker must be done. */
  readonly deadline: number;
  /**
   * True when the deadline is the document's own full budget; false when the invocation's
   * remaining time cut it short, in which case running out of time says nothing about the
   * document and is retried instead of recorded.
   */
  readonly fullBudget: boolean;
  /** Resident memory of the whole process above which parsing is stopped, in MB. */
  readonly rssLimitMb: number;
}

export interface ExtractionPoolOptions {
  /** Parses that may run at once; each has a worker thread of its own. */
  readonly size: number;
  /** V8 heap limit of each worker, in MB. */
  readonly heapLimitMb: number;
  /**
   * PDFium's WebAssembly heap grows and never shrinks: a worker whose heap has passed this
   * after a job is replaced, so a long-lived environment never creeps up. In MB.
   */
  readonly engineHeapBudgetMb: number;
  /** OCR of pages without a usable text layer (tesseract.js in each worker); none when unset. */
  readonly ocr?: OcrSettings;
}

/** What to read of a document: all of it (the default), its first shard with a plan, or one shard. */
export interface ExtractionScope {
  readonly pages?: PageRange;
  /** Which shard `pages` is: it OCRs its share of the document's OCR page budget. */
  readonly shard?: { readonly index: number; readonly count: number };
  readonly sharding?: ShardSettings;
}

/** Parses a PDF, streaming results to `sink`; rejects with PermanentFailure or TransientFailure. */
export type Extract = (bytes: Uint8Array, bounds: ExtractionBounds, sink: ParseSink, scope?: ExtractionScope) => Promise<void>;

/** How a job ended: `healthy` when its worker can take another job. */
interface JobOutcome {
  readonly healthy: boolean;
  readonly error?: Error;
}

const WATCHDOG_INTERVAL_MS = 50;
/** Lambda gives one vCPU per 1,769 MB of memory. */
const MB_PER_VCPU = 1769;

/** Pool size for a function of this memory: one worker per vCPU Lambda grants it. */
export function poolSizeForMemory(memoryMb: number): number {
  return Math.max(1, Math.min(Math.floor(memoryMb / MB_PER_VCPU), availableParallelism()));
}

// The worker sits beside this module with the same extension: `.mjs` in the bundle, `.ts` from
// source, where the worker needs tsx's loader too (test runners do not pass theirs on to threads).
const moduleExtension = extname(fileURLToPath(import.meta.url));
const workerUrl = new URL(`./extract-worker${moduleExtension}`, import.meta.url);
const workerExecArgv =
  moduleExtension === '.ts' ? [...process.execArgv, '--import', import.meta.resolve('tsx')] : undefined;

/**
 * A pool of warm worker threads that parse PDFs, each stopped and replaced when it passes its
 * deadline or the process passes its memory budget.
 *
 * Memory is watched here by sampling RSS because inflated streams live off the V8 heap, where
 * a worker's heap limit cannot see them.
 */
export class ExtractionPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private started = 0;

  constructor(private readonly options: ExtractionPoolOptions) {}

  readonly extract: Extract = async (bytes, bounds, sink, scope = {}) => {
    await this.acquireSlot();
    const worker = this.idle.pop() ?? this.spawn();
    worker.ref();
    let outcome: JobOutcome;
    try {
      const job: ExtractJob = { type: 'extract', bytes, maxPages: bounds.maxPages, ...scope, ...(this.options.ocr ? { ocr: this.options.ocr } : {}) };
      outcome = await this.runJob(worker, job, bounds, sink);
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
    // A worker that finished its job, even by refusing the document, waits warm for the next.
    if (outcome.healthy) {
      worker.unref();
      this.idle.push(worker);
    }
    if (outcome.error) throw outcome.error;
  };

  /**
   * Starts one worker ahead of need, so it loads PDFium while the function initialises (in
   * Lambda's init phase) rather than on the first document.
   */
  warm(): void {
    if (this.idle.length === 0 && this.running === 0) this.idle.push(this.spawn());
  }

  /** Workers started so far: each replacement of a stopped or outgrown worker adds one. */
  get workersStarted(): number {
    return this.started;
  }

  /** Stops every idle worker. */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((worker) => worker.terminate()));
  }

  private withinHeapBudget(heapBytes: number): boolean {
    return heapBytes <= this.options.engineHeapBudgetMb * 1024 * 1024;
  }

  private async acquireSlot(): Promise<void> {
    while (this.running >= this.options.size) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running += 1;
  }

  private spawn(): Worker {
    this.started += 1;
    const worker = new Worker(workerUrl, {
      execArgv: workerExecArgv,
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapLimitMb },
      stdout: false,
      stderr: false,
    });
    // An idle worker must not keep the process (or a test run) alive.
    worker.unref();
    return worker;
  }

  /** Runs one job to its end; a worker that is not healthy afterwards has been stopped. */
  private runJob(worker: Worker, job: ExtractJob, bounds: ExtractionBounds, sink: ParseSink): Promise<JobOutcome> {
    return new Promise<JobOutcome>((resolve) => {
      const startedAt = Date.now();
      let settled = false;
      const settle = (outcome: JobOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadlineTimer);
        clearInterval(watchdog);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (!outcome.healthy) void worker.terminate();
        resolve(outcome);
      };

      const deadlineTimer = setTimeout(() => {
        const seconds = Math.round((bounds.deadline - startedAt) / 1000);
        settle({
          healthy: false,
          error: bounds.fullBudget
            ? new PermanentFailure('TIMEOUT', `Extraction did not finish within its ${seconds}s budget.`)
            : new TransientFailure(`The invocation ran out of time after ${seconds}s of extraction; retrying.`),
        });
      }, Math.max(0, bounds.deadline - startedAt));

      const rssLimitBytes = bounds.rssLimitMb * 1024 * 1024;
      const watchdog = setInterval(() => {
        if (process.memoryUsage.rss() <= rssLimitBytes) return;
        // With several parses at once, RSS cannot say which one is to blame: only a lone
        // parse is recorded; shared ones are retried, and the attempt count settles it.
        const message = `Extraction exceeded the ${bounds.rssLimitMb} MB memory budget.`;
        settle({
          healthy: false,
          error: this.running === 1 ? new PermanentFailure('RESOURCE_LIMIT', message) : new TransientFailure(message),
        });
      }, WATCHDOG_INTERVAL_MS);

      const onMessage = (message: WorkerMessage) => {
        try {
          switch (message.type) {
            case 'document': {
              const { type: _type, ...document } = message;
              sink.document(document);
              break;
            }
            case 'page': {
              const { type: _type, ...page } = message;
              sink.page(page);
              break;
            }
            case 'done':
              settle({ healthy: this.withinHeapBudget(message.heapBytes) });
              break;
            case 'failed':
              settle({ healthy: this.withinHeapBudget(message.heapBytes), error: new PermanentFailure(message.code, message.message) });
              break;
            case 'broken':
              settle({ healthy: false, error: new TransientFailure(message.message) });
              break;
          }
        } catch (error) {
          // The worker is still mid-job: it cannot be handed the next one.
          settle({ healthy: false, error: error instanceof Error ? error : new Error(String(error)) });
        }
      };
      const onError = (error: Error & { code?: string }) => {
        settle({
          healthy: false,
          error:
            error.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new PermanentFailure('RESOURCE_LIMIT', `Extraction exceeded the ${this.options.heapLimitMb} MB heap limit.`)
              : new PermanentFailure('INTERNAL', `The extractor failed: ${error.message}`),
        });
      };
      const onExit = (exitCode: number) => {
        settle({
          healthy: false,
          error: new PermanentFailure('INTERNAL', `The extractor stopped unexpectedly (exit code ${exitCode}).`),
        });
      };

      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(job);
    });
  }
}
