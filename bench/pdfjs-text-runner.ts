/**
 * pdf.js's own text pass and nothing else: every page's `getTextContent`, one file after
 * another, with no layout, tables, metadata, survey or bounds. It shows the most any extractor
 * built on pdf.js could reach on the corpus, so our throughput can be read against it.
 *
 * Bundled beside the deployed asset like extraction-runner.ts (see deployed-extractor.ts) and
 * run in a fresh process, so the pdf.js measured is the bundle's, with its CMaps.
 *
 * Usage: node pdfjs-text-runner.mjs <request.json> <response.json>
 */
import '../lambdas/extract/pdfjs-environment.js';
// Imported for its side effect: pdf.js parses in this thread (see pdfjs-environment.ts).
import 'pdfjs-dist/legacy/build/pdf.worker.min.mjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface TextPassRequest {
  readonly files: readonly string[];
}

export interface TextPassResponse {
  readonly results: readonly { readonly ms: number; readonly pages: number; readonly failed: boolean }[];
  readonly wallMs: number;
}

const assets = join(dirname(fileURLToPath(import.meta.url)), 'pdfjs');

async function textPass(file: string): Promise<number> {
  const loading = getDocument({
    data: new Uint8Array(readFileSync(file)),
    isEvalSupported: false,
    maxImageSize: 0,
    cMapUrl: `${assets}/cmaps/`,
    cMapPacked: true,
    standardFontDataUrl: `${assets}/standard_fonts/`,
    verbosity: VerbosityLevel.ERRORS,
  });
  try {
    const document = await loading.promise;
    for (let pageNumber = 1; pageNumber <= document.numPages; pageNumber += 1) {
      const page = await document.getPage(pageNumber);
      await page.getTextContent();
      page.cleanup();
    }
    return document.numPages;
  } finally {
    await loading.destroy();
  }
}

const [requestPath, responsePath] = process.argv.slice(2);
if (!requestPath || !responsePath) {
  console.error('Usage: node pdfjs-text-runner.mjs <request.json> <response.json>');
  process.exit(2);
}
const request = JSON.parse(readFileSync(requestPath, 'utf8')) as TextPassRequest;
const results: TextPassResponse['results'][number][] = [];
const startedAt = performance.now();
for (const file of request.files) {
  const fileStartedAt = performance.now();
  const pages = await textPass(file).catch(() => -1);
  results.push({ ms: performance.now() - fileStartedAt, pages: Math.max(0, pages), failed: pages < 0 });
}
const response: TextPassResponse = { results, wallMs: performance.now() - startedAt };
writeFileSync(responsePath, JSON.stringify(response));
process.exit(0);
