import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared PDF corpus, read by path from beside the repository (see its README). */
export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');

export interface CorpusEntry {
  readonly file: string;
  readonly kind: string;
  readonly pages: number | null;
  readonly encrypted: string;
  readonly pdfinfo_error: string | null;
}

export function loadCorpusManifest(): CorpusEntry[] {
  const manifestPath = join(CORPUS_DIR, 'manifest.json');
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8')) as CorpusEntry[];
  } catch (error) {
    throw new Error(
      `The shared PDF corpus is missing at ${CORPUS_DIR}: clone the repository with ../shared beside it (${String(error)})`,
    );
  }
}

export const corpusFile = (file: string) => join(CORPUS_DIR, file);
export const readCorpusFile = (file: string) => new Uint8Array(readFileSync(corpusFile(file)));
