/**
 * Reading and deleting documents through the API: `status`, `list`, `pages`, `text`,
 * `download` and `delete`. Each prints for people by default and JSON with `--json`.
 */
import type { Command } from 'commander';
import { createWriteStream, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Option } from 'commander';
import { DOCUMENT_STATUSES } from '../../lambdas/shared/contract.js';
import type { ApiClient, DocumentView, PageView } from '../client/api-client.js';
import { connect, resolveClientTarget } from '../client/api-target.js';
import { formatBytes, positiveInteger, printJsonLine, withTargetOptions, type ClientCommandOptions } from '../client/command-options.js';
import { CliError, EXIT_CODES } from '../client/exit-codes.js';
import { progressBar } from '../client/progress.js';

/** A page with the text and tables that were too large to inline read back in. */
export interface FullPage {
  readonly pageNumber: number;
  readonly text: string;
  readonly textSource?: PageView['textSource'];
  readonly ocrConfidence?: number;
  readonly tables?: PageView['tables'];
  readonly charCount: number;
  readonly hasText: boolean;
  readonly needsOcr: boolean;
}

/** Every page of a COMPLETED document, in order, following cursors and spilled-content URLs. */
export async function* readPages(client: ApiClient, documentId: string): AsyncGenerator<FullPage> {
  for await (const page of client.allPages(documentId, 100)) {
    yield {
      pageNumber: page.pageNumber,
      text: page.text,
      ...(page.tables ? { tables: page.tables } : {}),
      charCount: page.charCount,
      hasText: page.hasText,
      needsOcr: page.needsOcr,
      ...(page.textSource ? { textSource: page.textSource } : {}),
      ...(page.ocrConfidence !== undefined ? { ocrConfidence: page.ocrConfidence } : {}),
    };
  }
}

/** A record for people: status first, then what is known about the file. */
export function formatDocument(document: DocumentView): string {
  const lines = [`${document.documentId}  ${document.status}`];
  const field = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') lines.push(`  ${`${name}:`.padEnd(10)} ${value}`);
  };
  field('file', document.filename ?? document.sourceKey);
  field('size', document.size === undefined ? undefined : formatBytes(document.size));
  field('pages', document.pageCount);
  field('ocr pages', document.ocrPages);
  if (document.progress) {
    const { pagesDone, pageCount, shardsDone, shards } = document.progress;
    field('progress', `${progressBar(pagesDone / Math.max(1, pageCount))} ${pagesDone} of ${pageCount} pages, ${shardsDone} of ${shards} shards`);
  }
  field('source', document.source);
  if (document.error) field('error', `${document.error.code}: ${document.error.message}`);
  field('title', document.metadata?.title);
  field('created', document.createdAt);
  field('updated', document.updatedAt);
  field('sha256', document.sha256);
  return lines.join('\n');
}

/** Writes to `--out` (creating or replacing the file) or to stdout. */
async function output(text: string, out: string | undefined): Promise<void> {
  if (out === undefined || out === '-') process.stdout.write(text);
  else await writeFile(out, text);
}

interface OutOption {
  readonly out?: string;
}

export function registerDocumentCommands(program: Command): void {
  withTargetOptions(
    program
      .command('status')
      .description("A document's record: status, file, pages, error. Exits 1 if it FAILED, 3 if there is no such document.")
      .argument('<documentId>')
      .option('--json', 'the record as JSON'),
  ).action(async (documentId: string, options: ClientCommandOptions) => {
    const document = await connect(resolveClientTarget(options)).getDocument(documentId);
    if (options.json) printJsonLine(document);
    else process.stdout.write(`${formatDocument(document)}\n`);
    if (document.status === 'FAILED') process.exitCode = EXIT_CODES.documentFailed;
  });

  withTargetOptions(
    program
      .command('list')
      .description('Your documents, newest first, every page of the listing unless --limit. --json prints { documents, nextCursor? }.')
      .addOption(new Option('--status <status>', 'only documents in this status').choices(DOCUMENT_STATUSES))
      .option('--limit <n>', 'at most this many; the cursor to go on from is printed', positiveInteger)
      .option('--cursor <cursor>', 'go on from where a --limit listing stopped')
      .option('--json', 'one JSON document: { documents, nextCursor? }'),
  ).action(async (options: ClientCommandOptions & { status?: string; limit?: number; cursor?: string }) => {
    const client = connect(resolveClientTarget(options));
    const documents: DocumentView[] = [];
    let cursor = options.cursor;
    do {
      const wanted = options.limit === undefined ? 100 : Math.min(100, options.limit - documents.length);
      const answer = await client.listDocuments({ limit: wanted, status: options.status, ...(cursor ? { cursor } : {}) });
      documents.push(...answer.documents);
      cursor = answer.nextCursor;
    } while (cursor && (options.limit === undefined || documents.length < options.limit));

    if (options.json) {
      printJsonLine({ documents, ...(cursor ? { nextCursor: cursor } : {}) });
      return;
    }
    for (const document of documents) {
      const detail = document.status === 'FAILED' ? (document.error?.code ?? '') : document.pageCount === undefined ? '' : `${document.pageCount} page(s)`;
      process.stdout.write(`${document.documentId}  ${document.status.padEnd(10)} ${document.createdAt}  ${document.filename ?? document.sourceKey ?? ''}  ${detail}`.trimEnd() + '\n');
    }
    if (documents.length === 0) process.stderr.write('No documents.\n');
    if (cursor) process.stderr.write(`More: --cursor ${cursor}\n`);
  });

  withTargetOptions(
    program
      .command('pages')
      .description("A COMPLETED document's pages: text, tables, character counts. --json prints one page per line (NDJSON).")
      .argument('<documentId>')
      .option('--out <file>', 'write to this file instead of stdout')
      .option('--json', 'one JSON object per page (NDJSON): pageNumber, text, tables, charCount, hasText, needsOcr'),
  ).action(async (documentId: string, options: ClientCommandOptions & OutOption) => {
    const client = connect(resolveClientTarget(options));
    const parts: string[] = [];
    for await (const page of readPages(client, documentId)) {
      if (options.json) {
        parts.push(`${JSON.stringify(page)}\n`);
        continue;
      }
      const flags = [
        `${page.charCount} characters`,
        ...(page.textSource === 'ocr' ? [`OCR, confidence ${page.ocrConfidence ?? '?'}`] : []),
        ...(page.tables?.length ? [`${page.tables.length} table(s)`] : []),
        ...(page.needsOcr ? ['needs OCR'] : []),
      ];
      const tables = (page.tables ?? []).map((table, index) => `\n[table ${index + 1}]\n${table.rows.map((row) => row.join('\t')).join('\n')}`).join('\n');
      parts.push(`=== page ${page.pageNumber} (${flags.join(', ')}) ===\n${page.text}${tables}\n`);
    }
    await output(parts.join(''), options.out);
  });

  withTargetOptions(
    program
      .command('text')
      .description("A COMPLETED document's text, page after page (pages separated by a form feed).")
      .argument('<documentId>')
      .option('--out <file>', 'write to this file instead of stdout'),
  ).action(async (documentId: string, options: ClientCommandOptions & OutOption) => {
    const client = connect(resolveClientTarget(options));
    const texts: string[] = [];
    for await (const page of readPages(client, documentId)) texts.push(page.text);
    await output(`${texts.join('\n\f')}\n`, options.out);
  });

  withTargetOptions(
    program
      .command('download')
      .description('Download the original PDF (by default to its file name in the current folder).')
      .argument('<documentId>')
      .option('--out <file>', 'where to write it; - for stdout')
      .option('--force', 'replace the file if it exists')
      .option('--json', 'print { documentId, file, bytes } when done'),
  ).action(async (documentId: string, options: ClientCommandOptions & OutOption & { force?: boolean }) => {
    const client = connect(resolveClientTarget(options));
    let out = options.out;
    if (out === undefined) {
      const document = await client.getDocument(documentId);
      out = basename(document.filename ?? `${documentId}.pdf`);
    }
    if (out !== '-' && existsSync(out) && !options.force) {
      throw new CliError(`${out} exists; pass --force to replace it, or --out another file.`, EXIT_CODES.usage);
    }
    const response = await client.fetchSigned(await client.fileUrl(documentId));
    if (!response.body) throw new CliError('The download was empty.', EXIT_CODES.apiError);
    const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    let bytes = 0;
    source.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(source, out === '-' ? process.stdout : createWriteStream(out));
    if (out === '-') return;
    if (options.json) printJsonLine({ documentId, file: out, bytes });
    else process.stderr.write(`Saved ${out} (${formatBytes(bytes)})\n`);
  });

  withTargetOptions(
    program
      .command('delete')
      .description('Delete a document: gone from every read at once, its files and pages purged in the background.')
      .argument('<documentId>')
      .option('--json', 'print { documentId, deletedAt }'),
  ).action(async (documentId: string, options: ClientCommandOptions) => {
    const deleted = await connect(resolveClientTarget(options)).deleteDocument(documentId);
    if (options.json) printJsonLine(deleted);
    else process.stdout.write(`Deleted ${deleted.documentId} at ${deleted.deletedAt}\n`);
  });
}
