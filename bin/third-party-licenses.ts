/**
 * `npm run licenses`: the third-party licence notice of the extractor bundle.
 *
 * Bundles the extractor's entries (handler and worker) with esbuild and the options its
 * NodeFunction uses, reads esbuild's metafile for every input file, and maps each file under
 * `node_modules` to the package that owns it (the nearest `package.json` with a name). Each
 * package is listed with its version and licence (from its `package.json`) and its licence text
 * (its LICENSE/LICENCE/COPYING/NOTICE file, when it ships one), identical texts printed once.
 * Writes `docs/THIRD-PARTY-LICENSES.md`, which the extractor's bundle ships at its root.
 *
 * `--check` writes nothing and exits 1 when the committed notice is out of date.
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { ESBUILD_MAIN_FIELDS, ESBUILD_TARGET, PROJECT_ROOT } from '../lib/constructs/node-function.js';

/** The extractor's bundle, as `lib/constructs/extraction.ts` defines it. */
export const EXTRACTOR_BUNDLE = {
  entries: ['lambdas/extract/handler.ts', 'lambdas/extract/extract-worker.ts', 'lambdas/extract/ocr/tesseract-worker.ts'],
  externalModules: [] as string[],
  /**
   * Copied rather than bundled (PDFium's `.wasm`; the Tesseract core and the traineddata of
   * orientation detection), so their packages are shipped too. English's traineddata comes from
   * vendor/tessdata-fast, whose notice ships beside it (`ocr/NOTICE.tessdata-fast.md`).
   */
  copiedFrom: ['@embedpdf/pdfium', 'tesseract.js-core', '@tesseract.js-data/osd'],
} as const;

export const NOTICE_FILE = join(PROJECT_ROOT, 'docs', 'THIRD-PARTY-LICENSES.md');

/**
 * Licences the bundle must never ship: strong copyleft would bind the whole function, and an
 * unknown licence cannot be honoured.
 */
export const FORBIDDEN_LICENSE = /\b(A?GPL|LGPL|SSPL|EUPL|OSL|CC-BY-NC|UNLICENSED|UNKNOWN)\b/i;

export interface BundledPackage {
  readonly name: string;
  readonly version: string;
  /** The SPDX expression from `package.json` (`license`, or the older `licenses` list), else `UNKNOWN`. */
  readonly license: string;
  /** The package's licence text, when it ships one. */
  readonly licenseText?: string;
  /** Where the package is, relative to the project root. */
  readonly path: string;
}

/** Every input file of the extractor's bundle, relative to the project root. */
export async function bundleInputs(): Promise<string[]> {
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [...EXTRACTOR_BUNDLE.entries],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ESBUILD_TARGET,
    mainFields: [...ESBUILD_MAIN_FIELDS],
    external: [...EXTRACTOR_BUNDLE.externalModules],
    outdir: join(PROJECT_ROOT, 'cdk.out', 'licenses-scratch'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

/** The packages the bundle's inputs come from, sorted by name. */
export function packagesOf(inputs: readonly string[]): BundledPackage[] {
  const roots = new Set<string>();
  for (const input of inputs) {
    if (!input.split('/').includes('node_modules')) continue;
    const root = packageRoot(join(PROJECT_ROOT, input));
    if (root) roots.add(root);
  }
  for (const name of EXTRACTOR_BUNDLE.copiedFrom) roots.add(join(PROJECT_ROOT, 'node_modules', name));
  return [...roots].map(describePackage).sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** The nearest directory above a file whose `package.json` names a package (not a nested `{"type":"module"}` one). */
function packageRoot(file: string): string | undefined {
  for (let dir = dirname(file); dir.includes(`${sep}node_modules${sep}`); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && typeof readManifest(dir).name === 'string') return dir;
  }
  return undefined;
}

interface Manifest {
  readonly name?: string;
  readonly version?: string;
  readonly license?: string | { readonly type?: string };
  readonly licenses?: readonly { readonly type?: string }[];
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every licence file a package ships, those of components it bundles too (`LICENSE.pdfium`, `LICENSE-MIT`). */
const LICENSE_FILE = /^(licen[cs]e|copying|notice)([._-][\w.-]*)?$/i;

function describePackage(dir: string): BundledPackage {
  const manifest = readManifest(dir);
  const declared =
    typeof manifest.license === 'string'
      ? manifest.license
      : (manifest.license?.type ?? manifest.licenses?.map((entry) => entry.type).filter(Boolean).join(' OR '));
  const files = readdirSync(dir).filter((file) => LICENSE_FILE.test(file)).sort();
  const licenseText = files.length ? files.map((file) => readFileSync(join(dir, file), 'utf8').trim()).join('\n\n') : undefined;
  return {
    name: manifest.name!,
    version: manifest.version ?? 'unversioned',
    license: declared || 'UNKNOWN',
    licenseText,
    path: relative(PROJECT_ROOT, dir).split(sep).join('/'),
  };
}

/** The notice: a table of every package, then each distinct licence text once with the packages it covers. */
export function renderNotice(packages: readonly BundledPackage[]): string {
  const texts = new Map<string, { readonly text: string; readonly packages: string[] }>();
  for (const pkg of packages) {
    if (!pkg.licenseText) continue;
    const digest = textDigest(pkg.licenseText);
    const entry = texts.get(digest) ?? { text: pkg.licenseText, packages: [] };
    entry.packages.push(`${pkg.name}@${pkg.version}`);
    texts.set(digest, entry);
  }
  const textIds = new Map([...texts.entries()].map(([digest], index) => [digest, `text-${index + 1}`]));
  const textOf = (pkg: BundledPackage) => {
    if (!pkg.licenseText) return 'none shipped';
    const digest = textDigest(pkg.licenseText);
    return `[${textIds.get(digest)}](#${textIds.get(digest)})`;
  };

  const lines = [
    '# Third-party licences of the extractor bundle',
    '',
    'Generated by `npm run licenses` from the inputs esbuild bundles into the extraction function',
    '(`lambdas/extract/handler.ts`, `lambdas/extract/extract-worker.ts`), plus PDFium, whose WebAssembly',
    'module is copied in. Do not edit by hand; the unit tests fail when it is out of date.',
    '',
    `${packages.length} packages.`,
    '',
    '| package | version | licence | licence text |',
    '| --- | --- | --- | --- |',
    ...packages.map((pkg) => `| ${pkg.name} | ${pkg.version} | ${pkg.license} | ${textOf(pkg)} |`),
    '',
    '## Licence texts',
    '',
  ];
  for (const [digest, entry] of texts) {
    lines.push(`### ${textIds.get(digest)}`, '', `Covers: ${entry.packages.join(', ')}.`, '', '```text', entry.text, '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Texts that differ only in white space (line wrapping, trailing blanks) count as one. */
function textDigest(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 12);
}

async function main(): Promise<void> {
  const notice = renderNotice(packagesOf(await bundleInputs()));
  if (process.argv.includes('--check')) {
    const committed = existsSync(NOTICE_FILE) ? readFileSync(NOTICE_FILE, 'utf8') : '';
    if (committed !== notice) {
      console.error(`${relative(PROJECT_ROOT, NOTICE_FILE)} is out of date: run \`npm run licenses\`.`);
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(NOTICE_FILE, notice);
  console.log(`Wrote ${relative(PROJECT_ROOT, NOTICE_FILE)}.`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
