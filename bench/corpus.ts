import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusFile {
  readonly file: string;
  readonly path: string;
  /** From the corpus's manifest.json (report, table, scanned, …), or `unknown`. */
  readonly kind: string;
  readonly bytes: number;
}

/** Every PDF in the directory, in name order, with its kind when the corpus has a manifest. */
export function listCorpus(corpusDir: string): CorpusFile[] {
  const manifestPath = join(corpusDir, 'manifest.json');
  const manifest = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { file: string; kind: string }[])
    : [];
  const kinds = new Map(manifest.map((entry) => [entry.file, entry.kind]));
  return readdirSync(corpusDir)
    .filter((file) => file.toLowerCase().endsWith('.pdf'))
    .sort()
    .map((file) => {
      const path = join(corpusDir, file);
      return { file, path, kind: kinds.get(file) ?? 'unknown', bytes: statSync(path).size };
    });
}
