/**
 * `pdf-pipeline upload <files or folders…>`: uploads PDFs through the API, each the way its size
 * calls for (in the request body, or through a presigned POST), several at once, and with
 * `--wait` follows each document until it is COMPLETED or FAILED.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import pLimit from 'p-limit';
import { ApiRequestError, type ApiClient } from '../client/api-client.js';
import { connect, resolveClientTarget } from '../client/api-target.js';
import { formatBytes, positiveInteger, withTargetOptions, type ClientCommandOptions } from '../client/command-options.js';
import { CliError, EXIT_CODES, type ExitCode } from '../client/exit-codes.js';
import { followDocument } from '../client/follow.js';
import { createProgress, type ProgressReporter } from '../client/progress.js';
import { chooseUploadRoute } from '../../api-client/upload-route.js';
import {
  collectFiles,
  idempotencyKeyFor,
  summarize,
  type UploadLimits,
  type UploadMethod,
  type UploadOutcome,
} from '../client/upload-plan.js';

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_WAIT_SECONDS = 600;

export interface UploadOptions {
  /** Follow each document to COMPLETED or FAILED. */
  readonly wait?: boolean;
  /** How long `wait` follows, in seconds. */
  readonly timeout?: number;
  readonly concurrency?: number;
  /** Send an `Idempotency-Key` derived from each file's name and bytes. */
  readonly idempotency?: boolean;
}

export interface UploadRun {
  readonly outcomes: readonly UploadOutcome[];
  /** Files `wait` gave up on before they were terminal. */
  readonly timedOut: readonly string[];
}

/**
 * Uploads `files`, at most `concurrency` at once, reporting each step to `progress` and each
 * outcome to `onOutcome` as it is known. Refusals of a file (not a PDF, too large, a quota) are
 * that file's FAILED outcome; a refused token or a dead endpoint stops the whole run.
 */
export async function uploadFiles(
  client: ApiClient,
  files: readonly string[],
  limits: UploadLimits,
  options: UploadOptions,
  progress: ProgressReporter,
  onOutcome: (outcome: UploadOutcome) => void,
): Promise<UploadRun> {
  const limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const timedOut: string[] = [];
  const outcomes = await Promise.all(
    files.map((file) =>
      limit(async () => {
        const outcome = await uploadOne(client, file, limits, options, progress, () => timedOut.push(file));
        onOutcome(outcome);
        return outcome;
      }),
    ),
  );
  return { outcomes, timedOut };
}

async function uploadOne(
  client: ApiClient,
  file: string,
  limits: UploadLimits,
  options: UploadOptions,
  progress: ProgressReporter,
  onTimeout: () => void,
): Promise<UploadOutcome> {
  progress.step(file, 'reading');
  const bytes = new Uint8Array(
    await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`${file}: cannot be read (${error.code ?? error.message}).`, EXIT_CODES.missingFile);
    }),
  );
  const filename = basename(file);
  let method = chooseUploadRoute(bytes.byteLength, limits);
  if (method === undefined) {
    return {
      file,
      status: 'FAILED',
      error: { code: 'PAYLOAD_TOO_LARGE', message: `${formatBytes(bytes.byteLength)} is above the upload limit of ${formatBytes(limits.maxPresignedUploadBytes)}` },
    };
  }
  const idempotencyKey = options.idempotency ? idempotencyKeyFor(file, bytes) : undefined;

  let documentId: string;
  let replayed = false;
  try {
    progress.step(file, 'uploading', `(${method}, ${formatBytes(bytes.byteLength)})`);
    ({ documentId, replayed } = await send(client, method, bytes, filename, idempotencyKey).catch((error: unknown) => {
      // A gateway in front may take less than the config says: the presigned way takes any size.
      if (method === 'direct' && error instanceof ApiRequestError && error.status === 413) {
        method = 'presigned';
        return send(client, method, bytes, filename, idempotencyKey);
      }
      throw error;
    }));
  } catch (error) {
    if (error instanceof ApiRequestError && error.exitCode !== EXIT_CODES.auth) {
      return { file, method, status: 'FAILED', error: { code: error.code, message: error.message.replace(`${error.code}: `, '') } };
    }
    throw error;
  }
  progress.step(file, 'uploaded', documentId);

  const base = { file, documentId, method, ...(replayed ? { replayed } : {}) };
  if (!options.wait) {
    // A presigned upload's record says UPLOADING until storage's notification is handled.
    return { ...base, status: method === 'direct' && !replayed ? 'QUEUED' : (await client.getDocument(documentId)).status };
  }
  const { document, timedOut } = await followDocument(client, documentId, {
    timeoutMs: (options.timeout ?? DEFAULT_WAIT_SECONDS) * 1000,
    onStatus: (status) => progress.step(file, status),
    onProgress: ({ status, progress: pages }) => {
      if (pages) progress.step(file, status, `${pages.pagesDone}/${pages.pageCount} pages`, pages.pagesDone / Math.max(1, pages.pageCount));
    },
  });
  if (timedOut) onTimeout();
  return {
    ...base,
    status: document.status,
    ...(document.pageCount !== undefined ? { pageCount: document.pageCount } : {}),
    ...(document.error ? { error: document.error } : {}),
  };
}

async function send(
  client: ApiClient,
  method: UploadMethod,
  bytes: Uint8Array,
  filename: string,
  idempotencyKey: string | undefined,
): Promise<{ documentId: string; replayed: boolean }> {
  if (method === 'direct') return client.uploadDirect(bytes, { filename, idempotencyKey });
  const created = await client.createUpload({ filename, size: bytes.byteLength }, idempotencyKey);
  // A replayed answer may be for an upload that already arrived: sending it again would make a
  // new version of the object, and extract it again.
  const arrived = created.replayed && (await client.getDocument(created.documentId)).status !== 'UPLOADING';
  if (!arrived) await client.postUploadForm(created.upload, bytes, filename);
  return { documentId: created.documentId, replayed: created.replayed };
}

/** One line per file for people. */
export function formatOutcome(outcome: UploadOutcome): string {
  const detail =
    outcome.status === 'FAILED'
      ? `${outcome.error?.code ?? 'UNKNOWN'}: ${outcome.error?.message ?? ''}`
      : outcome.pageCount !== undefined
        ? `${outcome.pageCount} page(s)`
        : '';
  return [outcome.status.padEnd(10), (outcome.documentId ?? '-').padEnd(36), outcome.file, detail && `  ${detail}`, outcome.replayed ? ' (already uploaded)' : '']
    .join(' ')
    .trimEnd();
}

/** The run's exit code: 1 if any document FAILED, else 8 if `--wait` gave up on any, else 0. */
export function runExitCode(run: UploadRun): ExitCode {
  const { exitCode } = summarize(run.outcomes);
  if (exitCode !== EXIT_CODES.ok) return exitCode;
  return run.timedOut.length > 0 ? EXIT_CODES.timeout : EXIT_CODES.ok;
}

export function registerUpload(program: Command): void {
  withTargetOptions(
    program
      .command('upload')
      .description(
        'Upload PDFs (files, or folders searched for *.pdf) through the API: in the request body up to the direct limit, ' +
          'through a presigned POST above it. --json prints one JSON object per file (NDJSON): ' +
          'file, documentId, method, status, pageCount, error, replayed.',
      )
      .argument('<paths...>', 'PDF files or folders')
      .option('--wait', 'follow each document until it is COMPLETED or FAILED')
      .option('--timeout <seconds>', 'how long --wait follows', positiveInteger, DEFAULT_WAIT_SECONDS)
      .option('--concurrency <n>', 'files uploaded at once', positiveInteger, DEFAULT_CONCURRENCY)
      .option('--idempotency', 'send an Idempotency-Key per file (its name and bytes): a re-run returns the same documents')
      .option('--json', 'one JSON object per file (NDJSON) on stdout'),
  ).action(async (paths: string[], options: ClientCommandOptions & UploadOptions) => {
    const target = resolveClientTarget(options);
    const client = connect(target);
    const files = await collectFiles(paths);
    if (files.length === 0) throw new CliError(`No *.pdf files in ${paths.join(', ')}.`, EXIT_CODES.missingFile);

    const bars = Boolean(process.stderr.isTTY);
    const progress = createProgress(files.length, { tty: bars });
    // Results go to stdout at once, unless bars are being drawn on the same terminal.
    const held: string[] = [];
    const emit = (line: string) => (bars && process.stdout.isTTY ? held.push(line) : process.stdout.write(`${line}\n`));
    let run: UploadRun;
    try {
      run = await uploadFiles(client, files, target.limits, options, progress, (outcome) => {
        progress.finish(outcome.file, `${outcome.file}: ${outcome.status}${outcome.documentId ? ` ${outcome.documentId}` : ''}`);
        emit(options.json ? JSON.stringify(outcome) : formatOutcome(outcome));
      });
    } finally {
      progress.stop();
    }
    for (const line of held) process.stdout.write(`${line}\n`);
    for (const line of summarize(run.outcomes).lines) process.stderr.write(`${line}\n`);
    if (run.timedOut.length > 0) process.stderr.write(`--wait gave up after ${options.timeout} s on ${run.timedOut.length} file(s): ${run.timedOut.join(', ')}\n`);
    process.exitCode = runExitCode(run);
  });
}

