/**
 * Synthesizes the dev stack with real bundling (esbuild, no Docker) into a directory, exactly as
 * `cdk synth` would (same app, same `cdk.json` context), and prints the extractor's asset
 * directory. Run as its own process so the benchmark never holds the CDK app in memory.
 *
 * Usage: node --import tsx bench/synth-extractor-bundle.ts <outdir>
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { createApp } from '../lib/pdf-pipeline-app.js';

const BUNDLED_STACK = 'PdfPipeline-dev';

const outdir = process.argv[2];
if (!outdir) {
  console.error('Usage: node --import tsx bench/synth-extractor-bundle.ts <outdir>');
  process.exit(2);
}

const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};
const { app } = createApp({
  context: { ...cdkJson.context, [BUNDLING_STACKS]: [BUNDLED_STACK] },
  nagChecks: false,
  outdir,
});
app.synth();

// Only the extractor's asset holds the worker beside its handler.
const assetDir = readdirSync(outdir)
  .filter((name) => name.startsWith('asset.'))
  .map((name) => join(outdir, name))
  .find((dir) => statSync(dir).isDirectory() && readdirSync(dir).includes('extract-worker.mjs'));
if (!assetDir) {
  console.error(`No asset with extract-worker.mjs was synthesized into ${outdir}`);
  process.exit(1);
}
console.log(assetDir);
