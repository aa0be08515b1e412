/**
 * Where the OCR worker and its data are, from source and from the bundle.
 *
 * From source (tests, bench, the local runtime under tsx) everything comes from node_modules.
 * In the bundle, the extractor's worker (`extract-worker.mjs`, at the bundle root) finds them in
 * `ocr/` beside it: the OCR worker bundle, one Tesseract core build (loader and .wasm) and the
 * gzipped traineddata of each configured language. `OCR_BUNDLE_FILES` lists what the build copies.
 */
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one core build shipped: plain SIMD, which every Node 20+ has (relaxed SIMD may give
 * different results on different CPUs), with the legacy engine, which orientation detection
 * needs (text is read by the LSTM engine only); 0.6 MB more than the LSTM-only build.
 */
export const CORE_BUILD = 'tesseract-core-simd';
/** Orientation detection's traineddata, loaded beside the configured languages. */
export const ORIENTATION_LANGUAGE = 'osd';
/** Integer-quantised "best" LSTM models: as accurate as `best`, smaller and faster. */
export const TRAINEDDATA_VARIANT = '4.0.0_best_int';

/**
 * Languages whose "fast" LSTM model ships from the repository (`vendor/tessdata-fast`:
 * Tesseract's tessdata_fast 4.1.0, Apache-2.0, as Debian's tesseract-ocr-eng packages it, and
 * what native `tesseract` reads with there). It reads our scans 1.4× quicker than best_int with
 * the same word recall (`npm run bench:ocr`), and no npm package carries it. Other languages
 * come from their @tesseract.js-data package (best_int).
 */
export const FAST_MODEL_LANGUAGES: readonly string[] = ['eng'];
export const FAST_MODEL_DIR = 'vendor/tessdata-fast';

/** Where a language's gzipped traineddata is, relative to the project root. */
export function traineddataPath(language: string): string {
  return FAST_MODEL_LANGUAGES.includes(language)
    ? `${FAST_MODEL_DIR}/${language}.traineddata.gz`
    : `node_modules/@tesseract.js-data/${language}/${TRAINEDDATA_VARIANT}/${language}.traineddata.gz`;
}

/** The folder beside the bundle's entry that holds the OCR assets. */
export const OCR_BUNDLE_DIR = 'ocr';

export interface OcrAssets {
  /** The OCR worker thread's entry. */
  readonly workerUrl: URL;
  /** Extra Node options for the worker (tsx's loader from source). */
  readonly execArgv?: string[];
  /** The core build's loader; its .wasm sits beside it. */
  readonly corePath: string;
  /** Folder holding `<lang>.traineddata.gz` for every language; unset: each language's package. */
  readonly langPath?: string;
}

/**
 * Paths from a module at `moduleUrl`: `.ts` means source, anything else the bundle, whose
 * assets sit in `ocr/` beside the module.
 */
export function resolveOcrAssets(moduleUrl: string = import.meta.url): OcrAssets {
  const modulePath = fileURLToPath(moduleUrl);
  if (extname(modulePath) === '.ts') {
    const require = createRequire(moduleUrl);
    return {
      workerUrl: new URL('./tesseract-worker.ts', moduleUrl),
      execArgv: [...process.execArgv, '--import', import.meta.resolve('tsx')],
      corePath: join(dirname(require.resolve('tesseract.js-core/package.json')), `${CORE_BUILD}.js`),
    };
  }
  const root = join(dirname(modulePath), OCR_BUNDLE_DIR);
  return {
    workerUrl: new URL(`./${OCR_BUNDLE_DIR}/tesseract-worker.mjs`, moduleUrl),
    corePath: join(root, `${CORE_BUILD}.js`),
    langPath: join(root, 'lang'),
  };
}

/**
 * The folder holding `<lang>.traineddata.gz`: the bundle's `ocr/lang/`, or from source the
 * project's `vendor/tessdata-fast` or the language's @tesseract.js-data package.
 */
export function languageFolder(assets: OcrAssets, language: string, moduleUrl: string = import.meta.url): string {
  if (assets.langPath) return assets.langPath;
  if (FAST_MODEL_LANGUAGES.includes(language)) return fileURLToPath(new URL(`../../../${FAST_MODEL_DIR}/`, moduleUrl));
  const require = createRequire(moduleUrl);
  return join(dirname(require.resolve(`@tesseract.js-data/${language}/package.json`)), TRAINEDDATA_VARIANT);
}

/** A file the build copies beside the bundle: from the project root, to the bundle root. */
export interface OcrBundleFile {
  readonly from: string;
  readonly to: string;
}

/**
 * What the bundle needs for OCR in `languages` besides the worker bundle
 * (`ocr/tesseract-worker.mjs`): the core build's loader and .wasm, and the traineddata of each
 * language and of orientation detection.
 */
export function ocrBundleFiles(languages: readonly string[]): OcrBundleFile[] {
  const core = 'node_modules/tesseract.js-core';
  return [
    { from: `${core}/${CORE_BUILD}.js`, to: `${OCR_BUNDLE_DIR}/${CORE_BUILD}.js` },
    { from: `${core}/${CORE_BUILD}.wasm`, to: `${OCR_BUNDLE_DIR}/${CORE_BUILD}.wasm` },
    // The vendored models' origin and Apache-2.0 notice travel with them.
    ...(languages.some((language) => FAST_MODEL_LANGUAGES.includes(language))
      ? [{ from: `${FAST_MODEL_DIR}/README.md`, to: `${OCR_BUNDLE_DIR}/NOTICE.tessdata-fast.md` }]
      : []),
    ...[...new Set([...languages, ORIENTATION_LANGUAGE])].map((language) => ({
      from: traineddataPath(language),
      to: `${OCR_BUNDLE_DIR}/lang/${language}.traineddata.gz`,
    })),
  ];
}

/** The OCR worker's entry and where its bundle goes. */
export const OCR_WORKER_BUNDLE = { entry: 'lambdas/extract/ocr/tesseract-worker.ts', outfile: `${OCR_BUNDLE_DIR}/tesseract-worker.mjs` } as const;
