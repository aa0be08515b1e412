/**
 * Worker-thread entry that parses one PDF. It runs apart from the handler so that the parent
 * can stop it on a deadline or a memory budget: pdf.js keeps its own thread busy, so no timer
 * in that thread would fire in time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import './pdfjs-environment.js';
// Imported for its side effect: it sets globalThis.pdfjsWorker (see pdfjs-environment.ts).
import 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import { classifyParseError, parsePdf } from './pdf-document.js';
import type { WorkerInput, WorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('extract-worker must run as a worker thread');
const post = (message: WorkerMessage) => port.postMessage(message);
const input = workerData as WorkerInput;

try {
  await parsePdf(input.bytes, { maxPages: input.maxPages }, {
    document: (document) => post({ type: 'document', ...document }),
    page: (page) => post({ type: 'page', ...page }),
  });
  post({ type: 'done' });
} catch (error) {
  const failure = classifyParseError(error);
  post({ type: 'failed', code: failure.code, message: failure.message });
}
