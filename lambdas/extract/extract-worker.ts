/**
 * Worker-thread entry that parses PDFs, one job at a time. It runs apart from the handler so
 * the parent can stop it on a deadline or a memory budget: PDFium keeps its own thread busy,
 * so no timer in that thread would fire in time. Between jobs it waits, warm, for the next.
 */
import { parentPort } from 'node:worker_threads';
import { TesseractEngine } from './ocr/tesseract-engine.js';
import { classifyParseError, parsePdf, type PageOcr } from './pdf-document.js';
import { loadPdfium } from './pdfium/pdfium-module.js';
import { surveyStreams } from './stream-survey.js';
import { findPageTables } from './page-tables.js';
import type { ExtractJob, OcrSettings, WorkerMessage } from './worker-protocol.js';

/** One OCR engine per worker, started on the first page that needs it and kept warm. */
let ocrEngine: { readonly languages: string; readonly engine: TesseractEngine } | undefined;

function pageOcr(settings: OcrSettings): PageOcr {
  const languages = settings.languages.join('+');
  if (ocrEngine?.languages !== languages) {
    void ocrEngine?.engine.close();
    ocrEngine = { languages, engine: new TesseractEngine({ languages: settings.languages }) };
  }
  const { engine } = ocrEngine;
  return {
    recognise: (image, page) => engine.recognise(image, page),
    maxPages: settings.maxPagesPerDocument,
    render: { dpi: settings.dpi },
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
    const failure = classifyParseError(error);
    post({ type: 'failed', code: failure.code, message: failure.message, heapBytes: heapBytes() });
  }
});
