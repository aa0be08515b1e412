/**
 * PDFium's own text pass and nothing else: every page loaded and its text page built
 * (`FPDF_LoadPage` + `FPDFText_LoadPage`), one file after another, with none of our layout,
 * tables, metadata, survey or bounds. What any extractor built on this engine pays at least, so
 * our throughput can be read against it. Bundled into the runtime copy like extraction-runner.ts,
 * so the engine measured is the bundle's.
 *
 * Usage: node engine-floor-runner.mjs <request.json> <response.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PdfiumDocument } from '../lambdas/extract/pdfium/pdfium-document.js';
import { loadPdfium } from '../lambdas/extract/pdfium/pdfium-module.js';

export interface FloorRequest {
  readonly files: readonly string[];
}

export interface FloorResponse {
  readonly results: readonly { readonly ms: number; readonly pages: number; readonly failed: boolean }[];
  readonly wallMs: number;
}

const [requestPath, responsePath] = process.argv.slice(2);
if (!requestPath || !responsePath) {
  console.error('Usage: node engine-floor-runner.mjs <request.json> <response.json>');
  process.exit(2);
}
const request = JSON.parse(readFileSync(requestPath, 'utf8')) as FloorRequest;
const pdfium = await loadPdfium();
const { fn } = pdfium;

const startedAt = performance.now();
const results = request.files.map((file) => {
  const fileStartedAt = performance.now();
  try {
    const document = PdfiumDocument.open(pdfium, new Uint8Array(readFileSync(file)));
    const pages = document.pageCount;
    for (let index = 0; index < pages; index += 1) {
      const page = fn.FPDF_LoadPage!(document.handle, index);
      if (page === 0) continue;
      const textPage = fn.FPDFText_LoadPage!(page);
      if (textPage !== 0) fn.FPDFText_ClosePage!(textPage);
      fn.FPDF_ClosePage!(page);
    }
    document.close();
    return { ms: performance.now() - fileStartedAt, pages, failed: false };
  } catch {
    return { ms: performance.now() - fileStartedAt, pages: 0, failed: true };
  }
});
const response: FloorResponse = { results, wallMs: performance.now() - startedAt };
writeFileSync(responsePath, JSON.stringify(response));
