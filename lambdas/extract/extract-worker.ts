/**
 * Worker-thread entry that parses PDFs, one job at a time. It runs apart from the handler so
 * the parent can stop it on a deadline or a memory budget: pdf.js keeps its own thread busy,
 * so no timer in that thread would fire in time. Between jobs it waits, warm, for the next.
 */
import { parentPort } from 'node:worker_threads';
import './pdfjs-environment.js';
// Imported for its side effect: it sets globalThis.pdfjsWorker (see pdfjs-environment.ts).
import 'pdfjs-dist/legacy/build/pdf.worker.min.mjs';
import { classifyParseError, parsePdf } from './pdf-document.js';
import { surveyStreams } from './stream-survey.js';
import type { ExtractJob, WorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('extract-worker must run as a worker thread');
const post = (message: WorkerMessage) => port.postMessage(message);

port.on('message', async (job: ExtractJob) => {
  try {
    const survey = await surveyStreams(job.bytes);
    await parsePdf(job.bytes, { maxPages: job.maxPages, tables: survey.mayHaveRuledLines }, {
      document: (document) => post({ type: 'document', ...document }),
      page: (page) => post({ type: 'page', ...page }),
    });
    post({ type: 'done' });
  } catch (error) {
    const failure = classifyParseError(error);
    post({ type: 'failed', code: failure.code, message: failure.message });
  }
});
