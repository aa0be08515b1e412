/**
 * Builds the web uploader into static files: `index.html`, `main.js` (the TypeScript, bundled
 * and minified by esbuild) and `styles.css`. The stack bundles it into the site's asset at
 * synth time; the local web server builds it in memory at start. `config.json` is not part of
 * the build: each place that serves the page writes its own.
 */
import { build, buildSync, type BuildOptions } from 'esbuild';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page's source folder (this file's). */
export const WEB_ROOT = fileURLToPath(new URL('./', import.meta.url));

const INDEX_HTML = 'index.html';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  const extension = path.slice(path.lastIndexOf('.'));
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

const OPTIONS: BuildOptions = {
  entryPoints: { main: join(WEB_ROOT, 'src/main.ts'), styles: join(WEB_ROOT, 'src/styles.css') },
  bundle: true,
  format: 'esm',
  // Browsers of the last few years: module scripts, CSS.escape, top-level ES2022.
  target: ['es2022', 'chrome111', 'edge111', 'firefox111', 'safari16'],
  minify: true,
  legalComments: 'none',
  logLevel: 'silent',
};

/** Writes the page into `outDir` (the stack's asset bundling). */
export function buildWebPageSync(outDir: string): void {
  buildSync({ ...OPTIONS, outdir: outDir, write: true });
  copyFileSync(join(WEB_ROOT, INDEX_HTML), join(outDir, INDEX_HTML));
}

export interface WebFile {
  readonly contents: Uint8Array;
  readonly contentType: string;
}

/** The page in memory, by URL path (`/index.html`, `/main.js`, `/styles.css`). */
export async function bundleWebPage(): Promise<ReadonlyMap<string, WebFile>> {
  const result = await build({ ...OPTIONS, outdir: '/', write: false });
  const files = new Map<string, WebFile>();
  for (const file of result.outputFiles) files.set(file.path, { contents: file.contents, contentType: contentTypeOf(file.path) });
  files.set(`/${INDEX_HTML}`, { contents: readFileSync(join(WEB_ROOT, INDEX_HTML)), contentType: contentTypeOf(INDEX_HTML) });
  return files;
}
