/**
 * Worker-thread entry that parses PDFs, one job at a time. It runs apart from the handler so
 * the parent can stop it on a deadline or a memory budget: PDFium keeps its own thread busy,
 * so no timer in that thread would fire in time. Between jobs it waits, warm, for the next.
 */
import { parentPort } from 'node:worker_threads';
import { createOcrEngine, type OcrEngine } from './ocr/ocr-engines.js';
import { OcrUnavailable } from './ocr/ocr-errors.js';
import { classifyParseError, parsePdf, type PageOcr } from './pdf-document.js';
import { loadPdfium } from './pdfium/pdfium-module.js';
import { surveyStreams } from './stream-survey.js';
import { findPageTables } from './page-tables.js';
import type { ExtractJob, OcrSettings, WorkerMessage } from './worker-protocol.js';

/** One OCR engine per worker, started on the first page that needs it and kept warm. */
let ocrEngine: { readonly key: string; readonly engine: Promise<OcrEngine> } | undefined;

function pageOcr(settings: OcrSettings): PageOcr {
  const key = JSON.stringify([settings.engine, settings.languages, settings.parallelPages, settings.textractIntervalMs]);
  if (ocrEngine?.key !== key) {
    void ocrEngine?.engine.then((engine) => engine.close());
    const engine = createOcrEngine(settings);
    engine.catch(() => (ocrEngine = undefined));
    ocrEngine = { key, engine };
  }
  const { engine } = ocrEngine;
  return {
    recognise: async (image, page) => (await engine).recognise(image, page),
    maxPages: settings.maxPagesPerDocument,
    render: { dpi: settings.dpi },
    parallelPages: settings.parallelPages,
  };
}

const port = parentPort;
if (!port) throw new Error('extract-worker must run as a worker thread');
const post = (message: WorkerMessage) => port.postMessage(message);
// Instantiated as the worker starts, so a warm worker has PDFium ready before its first job.
const pdfium = loadPdfium();
pdfium.catch(() => undefined); // reported with the first job, below

port.on('message', async (job: ExtractJob) => {
  let heapBytes: () => number;
  try {
    heapBytes = (await pdfium).heapBytes;
  } catch (error) {
    // Not the document's fault: the document is retried and the worker replaced.
    post({ type: 'broken', message: `The extraction engine could not start: ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  try {
    // A shard's document was surveyed (bombs refused) once, before its shards were sent.
    const survey = job.pages ? {} : await surveyStreams(job.bytes, undefined, { images: job.ocr !== undefined });
    const options = {
      maxPages: job.maxPages,
      findTables: findPageTables,
      xmp: survey.xmp,
      pages: job.pages,
      sharding: job.sharding,
      ...(job.ocr ? { ocr: pageOcr(job.ocr) } : {}),
    };
    await parsePdf(job.bytes, options, {
      document: (document) => post({ type: 'document', ...document }),
      page: (page) => post({ type: 'page', ...page }),
    });
    post({ type: 'done', heapBytes: heapBytes() });
  } catch (error) {
    if (error instanceof OcrUnavailable) {
      // Not the document's fault (Textract throttled past its retries, or out of reach): retried later.
      post({ type: 'broken', message: error.message });
      return;
    }
    const failure = classifyParseError(error);
    post({ type: 'failed', code: failure.code, message: failure.message, heapBytes: heapBytes() });
  }
});
