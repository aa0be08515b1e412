/** `pdf-pipeline markdown <documentId>` and `pdf-pipeline chunks <documentId>`: a document as Markdown, and its retrieval chunks. */
import type { Command } from 'commander';
import type { ChunkView } from '../client/api-client.js';
import { connect, resolveClientTarget } from '../client/api-target.js';
import { printJsonLine, withTargetOptions, type ClientCommandOptions } from '../client/command-options.js';

/** Chunks read from the API per request: its largest page. */
const CHUNKS_PER_REQUEST = 100;

const pageRange = (pages: readonly number[]) =>
  pages.length === 0 ? 'no page' : pages.length === 1 ? `page ${pages[0]}` : `pages ${pages[0]}–${pages.at(-1)}`;

/** A chunk for people: where it is (index, pages, heading path, tokens), then its text. */
export function formatChunk(chunk: ChunkView): string {
  const path = chunk.headingPath.length > 0 ? ` · ${chunk.headingPath.join(' › ')}` : '';
  return `[chunk ${chunk.index}] ${pageRange(chunk.pageNumbers)}${path} · ${chunk.tokenCount} tokens · ${chunk.id}\n${chunk.text}`;
}

export function registerMarkdown(program: Command): void {
  withTargetOptions(
    program
      .command('markdown')
      .description("A COMPLETED document as Markdown: headings, paragraphs, lists and tables in reading order, a comment at each page break.")
      .argument('<documentId>'),
  ).action(async (documentId: string, options: ClientCommandOptions) => {
    process.stdout.write(await connect(resolveClientTarget(options)).getMarkdown(documentId));
  });

  withTargetOptions(
    program
      .command('chunks')
      .description("A COMPLETED document's retrieval chunks, in order, with their heading path, pages and token count.")
      .argument('<documentId>')
      .option('--jsonl', 'one chunk a line as JSON (id, index, headingPath, pageNumbers, boxes, tokenCount, text), for indexing'),
  ).action(async (documentId: string, options: ClientCommandOptions & { jsonl?: boolean }) => {
    const client = connect(resolveClientTarget(options));
    let cursor: string | undefined;
    let first = true;
    do {
      const page = await client.listChunks(documentId, { limit: CHUNKS_PER_REQUEST, cursor });
      for (const chunk of page.chunks) {
        if (options.jsonl) printJsonLine(chunk);
        else process.stdout.write(`${first ? '' : '\n'}${formatChunk(chunk)}\n`);
        first = false;
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  });
}
