/**
 * A document's Markdown and retrieval chunks, written when the document completes, beside its
 * other results (`results/<id>/g<generation>/document.md` and `chunks.jsonl`), and pointed to
 * from its record by the same write that records `COMPLETED`.
 *
 * Why at completion, over the whole document, rather than page by page in the worker: headings
 * are told by their size against the body text of the whole document, and running headers and
 * footers by their repetition across pages, so no page can be written alone. A document read in
 * one invocation hands its pages' layouts and tables over as they are extracted (nothing is read
 * back); a long document read in page-range shards is assembled by the shard whose count
 * completes it, from the layouts and tables every shard stored (the page items and
 * `layout/<page>.json.gz`). OCR pages have layouts like any other page, so they join the same way.
 *
 * The Markdown is derived from results already recorded: a defect in the writer must not fail a
 * document whose text and tables were extracted, so an error of the pure core leaves the
 * document without Markdown and says why (the caller logs it). S3 errors are thrown as usual and
 * retried with the document.
 */
import type { MarkdownSettings } from './contract.js';
import type { PageRecord, PageTable, S3Pointer } from '../shared/document-model.js';
import type { PageStore } from '../shared/page-store.js';
import { LAYOUT_VERSION, type PageLayout } from '../shared/page-layout.js';
import { documentChunksKey, documentMarkdownKey } from '../shared/s3-keys.js';
import { chunkBlocks, chunksToJsonl, type Chunk } from './markdown/chunks.js';
import { toMarkdown } from './markdown/markdown.js';
import { loadTokenCounter } from './markdown/tokenizer.js';
import type { MarkdownPage } from './markdown/types.js';
import type { ObjectStore } from './object-store.js';

export const MARKDOWN_CONTENT_TYPE = 'text/markdown; charset=utf-8';
export const CHUNKS_CONTENT_TYPE = 'application/jsonl; charset=utf-8';

export type { MarkdownSettings };

/** What the completing write adds to the record. */
export interface MarkdownFields {
  readonly markdownRef?: S3Pointer;
  readonly chunksRef?: S3Pointer;
  readonly chunkCount?: number;
}

export type MarkdownOutcome =
  | { readonly status: 'written'; readonly fields: Required<MarkdownFields> }
  | { readonly status: 'off'; readonly fields: MarkdownFields }
  /** The writer failed on this document: it completes without Markdown. */
  | { readonly status: 'failed'; readonly reason: string; readonly fields: MarkdownFields };

export interface DocumentTarget {
  readonly documentId: string;
  readonly generation: number;
}

export interface MarkdownDependencies {
  readonly objects: Pick<ObjectStore, 'write'>;
  readonly bucket: string;
  readonly settings: MarkdownSettings;
}

/** The document's Markdown and chunks; pure but for loading the tokenizer's ranks once. */
export async function buildDocumentMarkdown(
  pages: readonly MarkdownPage[],
  target: DocumentTarget,
  settings: Pick<MarkdownSettings, 'maxTokens' | 'overlapTokens' | 'tokenizer'>,
): Promise<{ readonly markdown: string; readonly chunks: readonly Chunk[] }> {
  const countTokens = await loadTokenCounter(settings.tokenizer);
  const { markdown, blocks } = toMarkdown(pages);
  const chunks = chunkBlocks(blocks, { ...target, maxTokens: settings.maxTokens, overlapTokens: settings.overlapTokens, countTokens });
  return { markdown, chunks };
}

/** Builds and stores the Markdown and chunks of a document's pages; the record's fields to set. */
export async function writeDocumentMarkdown(
  target: DocumentTarget,
  pages: readonly MarkdownPage[],
  deps: MarkdownDependencies,
): Promise<MarkdownOutcome> {
  if (!deps.settings.enabled) return { status: 'off', fields: {} };
  let built: Awaited<ReturnType<typeof buildDocumentMarkdown>>;
  try {
    built = await buildDocumentMarkdown(pages, target, deps.settings);
  } catch (error) {
    return { status: 'failed', reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error), fields: {} };
  }
  const markdownRef = { bucket: deps.bucket, key: documentMarkdownKey(target.documentId, target.generation) };
  const chunksRef = { bucket: deps.bucket, key: documentChunksKey(target.documentId, target.generation) };
  // Both objects exist before the record points to them: a reader never follows a pointer to nothing.
  await Promise.all([
    deps.objects.write(markdownRef.bucket, markdownRef.key, built.markdown, MARKDOWN_CONTENT_TYPE),
    deps.objects.write(chunksRef.bucket, chunksRef.key, chunksToJsonl(built.chunks), CHUNKS_CONTENT_TYPE),
  ]);
  return { status: 'written', fields: { markdownRef, chunksRef, chunkCount: built.chunks.length } };
}

/** What a completing document needs: the settings (absent: no Markdown), where results go, the stored pages. */
export interface CompletionDependencies {
  readonly markdown?: MarkdownSettings;
  readonly objects: Pick<ObjectStore, 'write' | 'readGzipJson' | 'readText'>;
  readonly pages: Pick<PageStore, 'listPages'>;
  readonly limits: { readonly resultsBucket: string };
}

/**
 * The Markdown of a document about to complete: from the pages handed over while it was read
 * whole, or (`'stored'`) from what its shards stored.
 */
export async function completionMarkdown(
  target: DocumentTarget,
  pages: readonly MarkdownPage[] | 'stored',
  deps: CompletionDependencies,
): Promise<MarkdownOutcome> {
  if (!deps.markdown?.enabled) return { status: 'off', fields: {} };
  const source = pages === 'stored' ? await readStoredPages(target, deps) : pages;
  return writeDocumentMarkdown(target, source, { objects: deps.objects, bucket: deps.limits.resultsBucket, settings: deps.markdown });
}

/** A page as the writer needs it, from what the extractor handed over or stored. */
export function markdownPage(page: { readonly pageNumber: number; readonly layout: PageLayout; readonly tables?: readonly PageTable[] }): MarkdownPage {
  return { pageNumber: page.pageNumber, layout: page.layout, tables: page.tables };
}

const PAGES_PER_READ = 100;

export interface StoredPagesDependencies {
  readonly pages: Pick<PageStore, 'listPages'>;
  readonly objects: Pick<ObjectStore, 'readGzipJson' | 'readText'>;
}

/**
 * A generation's pages as the shards stored them: each page's layout from S3 and its tables,
 * inline or spilled. A page stored without a layout (extracted before layouts existed) reads as
 * an empty page.
 */
export async function readStoredPages(target: DocumentTarget, deps: StoredPagesDependencies): Promise<MarkdownPage[]> {
  const pages: MarkdownPage[] = [];
  let afterPageNumber = 0;
  for (;;) {
    const listed = await deps.pages.listPages(target.documentId, target.generation, { limit: PAGES_PER_READ, afterPageNumber });
    pages.push(...(await Promise.all(listed.pages.map((page) => storedPage(page, deps)))));
    if (!listed.hasMore || listed.pages.length === 0) return pages;
    afterPageNumber = listed.pages.at(-1)!.pageNumber;
  }
}

async function storedPage(page: PageRecord, deps: StoredPagesDependencies): Promise<MarkdownPage> {
  const [layout, tables] = await Promise.all([
    page.layoutRef
      ? (deps.objects.readGzipJson(page.layoutRef.bucket, page.layoutRef.key) as Promise<PageLayout>)
      : Promise.resolve(emptyLayout(page.pageNumber)),
    page.tablesRef
      ? deps.objects.readText(page.tablesRef.bucket, page.tablesRef.key).then((json) => JSON.parse(json) as PageTable[])
      : Promise.resolve(page.tables),
  ]);
  return markdownPage({ pageNumber: page.pageNumber, layout, tables });
}

function emptyLayout(pageNumber: number): PageLayout {
  return { version: LAYOUT_VERSION, pageNumber, width: 612, height: 792, source: 'text-layer', lines: [] };
}
