/**
 * The one test that bundles for real (esbuild, locally, no Docker): the extractor's asset must
 * hold everything the handler loads from beside itself at run time.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTICE_FILE } from '../../bin/third-party-licenses.js';
import { LICENSE_NOTICE_FILE } from '../../lib/constructs/node-function.js';
import { extractionEnvironment, CONFIGS } from '../../lib/config.js';
import type { PageLayout } from '../../lambdas/shared/page-layout.js';
import { TesseractEngine } from '../../lambdas/extract/ocr/tesseract-engine.js';
import { readCorpusFile } from '../support/corpus.js';
import { PdfiumRenderer } from '../support/pdfium-render.js';
import { buildApp, logicalId, propertiesOf } from './app-fixture.js';

function directoryBytes(directory: string): number {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

describe('extractor bundle (dev, bundled by esbuild)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-bundle-'));
  let assetDir: string;

  beforeAll(() => {
    // Arrange & Act
    const { stacks } = buildApp({ bundlingStacks: ['PdfPipeline-dev'], outdir });
    const stack = stacks.dev;
    const code = propertiesOf(Template.fromStack(stack), logicalId(stack.extraction.extractor.function)).Code as {
      S3Key: string;
    };
    assetDir = join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('holds the handler as an ES module, with its source map', () => {
    expect(readdirSync(assetDir)).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
  });

  it('holds the worker thread beside the handler', () => {
    expect(readdirSync(assetDir)).toEqual(expect.arrayContaining(['extract-worker.mjs', 'extract-worker.mjs.map']));
  });

  it("holds PDFium's WebAssembly module and its licence under pdfium/", () => {
    const wasm = readFileSync(join(assetDir, 'pdfium', 'pdfium.wasm'));

    expect(wasm.subarray(0, 4).toString('latin1')).toBe('\0asm');
    expect(readFileSync(join(assetDir, 'pdfium', 'LICENSE.pdfium'), 'utf8')).toMatch(/Apache License/);
  });

  it('stays within 20 MB unzipped: code, WebAssembly and assets', () => {
    expect(directoryBytes(assetDir)).toBeLessThan(20 * 1024 * 1024);
  });

  it('ships the third-party licence notice `npm run licenses` generates, at its root', () => {
    expect(readFileSync(join(assetDir, LICENSE_NOTICE_FILE), 'utf8')).toBe(readFileSync(NOTICE_FILE, 'utf8'));
  });

  it('ships OCR under ocr/: its worker, one Tesseract core build and only the configured traineddata', () => {
    // Assert: dev reads English (the vendored fast model, with its notice); osd is orientation detection's
    expect(readdirSync(join(assetDir, 'ocr')).sort()).toEqual(
      ['NOTICE.tessdata-fast.md', 'lang', 'tesseract-core-simd.js', 'tesseract-core-simd.wasm', 'tesseract-worker.mjs', 'tesseract-worker.mjs.map'].sort(),
    );
    expect(readdirSync(join(assetDir, 'ocr', 'lang')).sort()).toEqual(['eng.traineddata.gz', 'osd.traineddata.gz']);
  });

  it('ships no dependency tree: everything but native modules is bundled', () => {
    expect(existsSync(join(assetDir, 'node_modules'))).toBe(false);
  });

  describe('run from a copy with no node_modules anywhere above it', () => {
    let isolated: string;

    beforeAll(() => {
      isolated = mkdtempSync(join(tmpdir(), 'pdf-pipeline-isolated-'));
      cpSync(assetDir, isolated, { recursive: true });
    });

    afterAll(() => rmSync(isolated, { recursive: true, force: true }));

    it('loads the handler module with the environment the stack sets', () => {
      const env = { ...extractionEnvironment(CONFIGS.dev), TABLE_NAME: 't', BUCKET_NAME: 'b', INTERACTIVE_SHARD_QUEUE_URL: 'q1', BULK_SHARD_QUEUE_URL: 'q2', PATH: process.env.PATH };
      const script = `await import(${JSON.stringify(join(isolated, 'index.mjs'))}); console.log('loaded');`;

      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, cwd: isolated });

      expect(output.toString()).toContain('loaded');
    });

    it('extracts Japanese text and word boxes with the bundled worker and PDFium', async () => {
      const worker = new Worker(join(isolated, 'extract-worker.mjs'));
      const messages: { type: string; text?: string; code?: string; layout?: PageLayout }[] = [];
      try {
        await new Promise<void>((resolve, reject) => {
          worker.on('message', (message: { type: string }) => {
            messages.push(message);
            if (message.type === 'done' || message.type === 'failed') resolve();
          });
          worker.on('error', reject);
          worker.postMessage({ type: 'extract', bytes: readCorpusFile('052-nonlatin-kampo.pdf'), maxPages: 10 });
        });
      } finally {
        await worker.terminate();
      }

      expect(messages.at(-1)?.type).toBe('done');
      const page = messages.find((message) => message.type === 'page');
      expect(page?.text).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]{2}/);
      expect(page?.layout?.lines.length).toBeGreaterThan(0);
    });

    it('OCRs a scanned page through the bundled extraction worker, as the function asks it to', async () => {
      // Arrange: the job the function sends with dev's OCR settings
      const worker = new Worker(join(isolated, 'extract-worker.mjs'));
      const messages: { type: string; text?: string; textSource?: string; message?: string }[] = [];
      const ocr = { engine: 'tesseract', languages: CONFIGS.dev.ocr.languages, maxPagesPerDocument: 1, dpi: CONFIGS.dev.ocr.dpi };

      try {
        // Act
        await new Promise<void>((resolve, reject) => {
          worker.on('message', (message: { type: string }) => {
            messages.push(message);
            if (message.type === 'done' || message.type === 'failed' || message.type === 'broken') resolve();
          });
          worker.on('error', reject);
          worker.postMessage({ type: 'extract', bytes: readCorpusFile('042-scanned-francais.pdf'), maxPages: 10, ocr });
        });
      } finally {
        await worker.terminate();
      }

      // Assert
      expect(messages.at(-1)?.type).toBe('done');
      const page = messages.find((message) => message.type === 'page');
      expect(page).toMatchObject({ textSource: 'ocr' });
      expect(page?.text).toContain('Portez ce vieux whisky au juge');
    }, 120_000);

    it("OCRs a scanned page with the bundle's OCR worker, core and traineddata", async () => {
      // Arrange: everything the worker loads comes from the isolated copy
      const ocr = join(isolated, 'ocr');
      const engine = new TesseractEngine({
        assets: { workerUrl: pathToFileURL(join(ocr, 'tesseract-worker.mjs')), corePath: join(ocr, 'tesseract-core-simd.js'), langPath: join(ocr, 'lang') },
      });
      const renderer = await PdfiumRenderer.open();
      const [scan] = renderer.renderDocument(readCorpusFile('042-scanned-francais.pdf'), {}, 1);

      try {
        // Act
        const result = await engine.recognise(scan!.image, scan!.page);

        // Assert
        expect(result.text).toContain('Portez ce vieux whisky au juge');
      } finally {
        await engine.close();
      }
    }, 120_000);
  });
});
