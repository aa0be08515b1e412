/**
 * The decisions of `upload`, kept apart from any I/O so the rules are easy to test: which files a
 * command line names, the idempotency key of a file, and what the run as a whole exits with.
 * Which way each file goes is the shared rule of `api-client/upload-route.ts`.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { UploadRoute } from '../../api-client/upload-route.js';
import { CliError, EXIT_CODES, type ExitCode } from './exit-codes.js';

export type { UploadLimits } from '../../api-client/upload-route.js';
export type UploadMethod = UploadRoute;

/**
 * The files a command line names: files as given (whatever their extension: the API judges
 * them), folders searched recursively for `*.pdf` (any case), in a stable order, each once.
 * A path that does not exist is a usage problem of its own (exit 6), found before anything is sent.
 */
export async function collectFiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(`${path}: ${code === 'ENOENT' ? 'no such file or folder' : `cannot be read (${code})`}.`, EXIT_CODES.missingFile);
    }
    if (info.isDirectory()) {
      const entries = await readdir(path, { recursive: true, withFileTypes: true });
      found.push(
        ...entries
          .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.pdf'))
          .map((entry) => join(entry.parentPath, entry.name))
          .sort(),
      );
    } else {
      found.push(path);
    }
  }
  return [...new Set(found)];
}

/**
 * The `Idempotency-Key` of a file: the same name and bytes give the same key, so a re-run within
 * the API's idempotency window returns the first upload's document instead of a second one.
 */
export function idempotencyKeyFor(file: string, bytes: Uint8Array): string {
  const content = createHash('sha256').update(bytes).digest('hex');
  return `pdf-pipeline-cli-${createHash('sha256').update(`${basename(file)}\n${content}`).digest('hex')}`;
}

/** What became of one file. */
export interface UploadOutcome {
  readonly file: string;
  readonly documentId?: string;
  readonly method?: UploadMethod;
  /** The document's last status seen; `FAILED` too for a file the API refused outright. */
  readonly status: string;
  readonly pageCount?: number;
  readonly error?: { readonly code: string; readonly message: string };
  /** An idempotent re-run: the API returned the first upload's document. */
  readonly replayed?: boolean;
}

export interface RunSummary {
  readonly exitCode: ExitCode;
  /** FAILED files by error code, most frequent first. */
  readonly failedByCode: ReadonlyArray<readonly [code: string, count: number]>;
  /** Lines for stderr; empty when nothing failed. */
  readonly lines: readonly string[];
}

/** Exit 1 when any file ended FAILED, with a count by error code; 0 otherwise. */
export function summarize(outcomes: readonly UploadOutcome[]): RunSummary {
  const counts = new Map<string, number>();
  const failed = outcomes.filter((outcome) => outcome.status === 'FAILED');
  for (const outcome of failed) {
    const code = outcome.error?.code ?? 'UNKNOWN';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  const failedByCode = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  if (failed.length === 0) return { exitCode: EXIT_CODES.ok, failedByCode, lines: [] };
  return {
    exitCode: EXIT_CODES.documentFailed,
    failedByCode,
    lines: [
      `${failed.length} of ${outcomes.length} document(s) FAILED: ${failedByCode.map(([code, count]) => `${code} ${count}`).join(', ')}`,
      ...failed.map((outcome) => `  ${outcome.file}: ${outcome.error?.code ?? 'UNKNOWN'}${outcome.error?.message ? ` (${outcome.error.message})` : ''}`),
    ],
  };
}
