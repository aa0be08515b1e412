import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PermanentFailure, TransientFailure } from '../shared/errors.js';
import type { ParseSink } from './pdf-document.js';
import type { WorkerInput, WorkerMessage } from './worker-protocol.js';

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
  /** V8 heap limit of the worker, in MB. */
  readonly heapLimitMb: number;
  /** Resident memory of the whole process above which the worker is stopped, in MB. */
  readonly rssLimitMb: number;
}

const WATCHDOG_INTERVAL_MS = 50;

// The worker sits beside this module with the same extension: `.mjs` in the bundle, `.ts` from
// source, where the worker needs tsx's loader too (test runners do not pass theirs on to threads).
const moduleExtension = extname(fileURLToPath(import.meta.url));
const workerUrl = new URL(`./extract-worker${moduleExtension}`, import.meta.url);
const workerExecArgv =
  moduleExtension === '.ts' ? [...process.execArgv, '--import', import.meta.resolve('tsx')] : undefined;

/**
 * Parses a PDF in a worker thread and streams its results to `sink`, stopping the worker
 * when it passes its deadline or the process passes its memory budget.
 *
 * Memory is watched from here by sampling RSS because inflated streams live off the V8 heap,
 * where the worker's heap limit cannot see them.
 */
export function extractInWorker(bytes: Uint8Array, bounds: ExtractionBounds, sink: ParseSink): Promise<void> {
  const input: WorkerInput = { bytes, maxPages: bounds.maxPages };
  const worker = new Worker(workerUrl, {
    workerData: input,
    execArgv: workerExecArgv,
    resourceLimits: { maxOldGenerationSizeMb: bounds.heapLimitMb },
    stdout: false,
    stderr: false,
  });

  return new Promise<void>((resolve, reject) => {
    const startedAt = Date.now();
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadlineTimer);
      clearInterval(watchdog);
      void worker.terminate();
      if (error) reject(error);
      else resolve();
    };

    const deadlineTimer = setTimeout(() => {
      const seconds = Math.round((bounds.deadline - startedAt) / 1000);
      settle(
        bounds.fullBudget
          ? new PermanentFailure('TIMEOUT', `Extraction did not finish within its ${seconds}s budget.`)
          : new TransientFailure(`The invocation ran out of time after ${seconds}s of extraction; retrying.`),
      );
    }, Math.max(0, bounds.deadline - startedAt));

    const rssLimitBytes = bounds.rssLimitMb * 1024 * 1024;
    const watchdog = setInterval(() => {
      if (process.memoryUsage.rss() > rssLimitBytes) {
        settle(new PermanentFailure('RESOURCE_LIMIT', `Extraction exceeded the ${bounds.rssLimitMb} MB memory budget.`));
      }
    }, WATCHDOG_INTERVAL_MS);

    worker.on('message', (message: WorkerMessage) => {
      if (settled) return;
      try {
        switch (message.type) {
          case 'document':
            sink.document(message);
            break;
          case 'page':
            sink.page(message);
            break;
          case 'done':
            settle();
            break;
          case 'failed':
            settle(new PermanentFailure(message.code, message.message));
            break;
        }
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      settle(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new PermanentFailure('RESOURCE_LIMIT', `Extraction exceeded the ${bounds.heapLimitMb} MB heap limit.`)
          : new PermanentFailure('INTERNAL', `The extractor failed: ${error.message}`),
      );
    });
    worker.on('exit', (exitCode) => {
      settle(new PermanentFailure('INTERNAL', `The extractor stopped unexpectedly (exit code ${exitCode}).`));
    });
  });
}
