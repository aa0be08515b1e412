/**
 * The one test that bundles for real (esbuild, locally, no Docker): the extractor's asset must
 * hold everything the handler loads from beside itself at run time.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, logicalId, propertiesOf } from './app-fixture.js';

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

  it("holds pdf.js's CMaps and standard fonts under pdfjs/", () => {
    expect(readdirSync(join(assetDir, 'pdfjs', 'cmaps')).filter((file) => file.endsWith('.bcmap')).length).toBeGreaterThan(0);
    expect(existsSync(join(assetDir, 'pdfjs', 'cmaps', 'UniJIS-UTF16-H.bcmap'))).toBe(true);
    expect(readdirSync(join(assetDir, 'pdfjs', 'standard_fonts')).length).toBeGreaterThan(0);
  });

  it('ships no dependency tree: everything but native modules is bundled', () => {
    expect(existsSync(join(assetDir, 'node_modules'))).toBe(false);
  });
});
