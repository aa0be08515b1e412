/**
 * A completing document's Markdown and chunks: written under the generation's keys before the
 * record points to them, assembled from a sharded document's stored pages, and never the cause of
 * a failed document.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CHUNKS_CONTENT_TYPE,
  MARKDOWN_CONTENT_TYPE,
  completionMarkdown,
  readStoredPages,
  writeDocumentMarkdown,
  type MarkdownSettings,
} from '../../lambdas/extract/document-markdown.js';
import type { MarkdownPage } from '../../lambdas/extract/markdown/types.js';
import type { PageRecord } from '../../lambdas/shared/document-model.js';
import type { LayoutLine, PageLayout } from '../../lambdas/shared/page-layout.js';

const SETTINGS: MarkdownSettings = { enabled: true, maxTokens: 64, overlapTokens: 8, tokenizer: 'o200k_base' };
const TARGET = { documentId: 'doc-1', generation: 3 };

/** A line of words at a height, each word 6 pt a character. */
function line(text: string, top: number, size = 10, bold = false): LayoutLine {
  let left = 72;
  const words = text.split(' ').map((word) => {
    const box = [left, top, left + word.length * 6, top + size] as const;
    left += word.length * 6 + 3;
    return { text: word, box, size, ...(bold ? { bold: true as const } : {}) };
  });
  return { box: [72, top, left - 3, top + size], words };
}

function page(pageNumber: number, lines: LayoutLine[]): PageLayout {
  return { version: 1, pageNumber, width: 612, height: 792, source: 'text-layer', lines };
}

const PAGES: MarkdownPage[] = [
  { pageNumber: 1, layout: page(1, [line('Results', 90, 16, true), line('The survey covered every region.', 120), line('Each answer was counted once.', 133)]) },
  { pageNumber: 2, layout: page(2, [line('Costs', 90, 16, true), line('Costs fell by a third over the year.', 120)]) },
];

/** Objects written, by key. */
function objectStore() {
  const written = new Map<string, { body: string; contentType: string }>();
  return {
    written,
    write: async (_bucket: string, key: string, body: string, contentType: string) => void written.set(key, { body, contentType }),
  };
}

describe('writeDocumentMarkdown', () => {
  it("writes the Markdown and the chunks under the generation's keys and returns the record's pointers", async () => {
    // Arrange
    const objects = objectStore();

    // Act
    const outcome = await writeDocumentMarkdown(TARGET, PAGES, { objects, bucket: 'results-bucket', settings: SETTINGS });

    // Assert
    expect(outcome.status).toBe('written');
    const markdown = objects.written.get('results/doc-1/g3/document.md')!;
    const chunks = objects.written.get('results/doc-1/g3/chunks.jsonl')!;
    expect(markdown.contentType).toBe(MARKDOWN_CONTENT_TYPE);
    expect(markdown.body).toBe('<!-- page 1 -->\n\n# Results\n\nThe survey covered every region. Each answer was counted once.\n\n<!-- page 2 -->\n\n# Costs\n\nCosts fell by a third over the year.\n');
    expect(chunks.contentType).toBe(CHUNKS_CONTENT_TYPE);
    const lines = chunks.body.trimEnd().split('\n').map((each) => JSON.parse(each) as { headingPath: string[]; pageNumbers: number[] });
    expect(lines.map((chunk) => [chunk.headingPath, chunk.pageNumbers])).toEqual([[['Results'], [1]], [['Costs'], [2]]]);
    expect(outcome.fields).toEqual({
      markdownRef: { bucket: 'results-bucket', key: 'results/doc-1/g3/document.md' },
      chunksRef: { bucket: 'results-bucket', key: 'results/doc-1/g3/chunks.jsonl' },
      chunkCount: 2,
    });
  });

  it('writes nothing when Markdown is off', async () => {
    const objects = objectStore();

    const outcome = await writeDocumentMarkdown(TARGET, PAGES, { objects, bucket: 'b', settings: { ...SETTINGS, enabled: false } });

    expect(outcome).toEqual({ status: 'off', fields: {} });
    expect(objects.written.size).toBe(0);
  });

  it('says why and writes nothing when the writer fails, so the document completes without Markdown', async () => {
    const objects = objectStore();

    const outcome = await writeDocumentMarkdown(TARGET, PAGES, { objects, bucket: 'b', settings: { ...SETTINGS, overlapTokens: 40 } });

    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.reason).toMatch(/^RangeError: The chunk overlap/);
    expect(outcome.fields).toEqual({});
    expect(objects.written.size).toBe(0);
  });

  it('lets a storage failure through, so the document is retried', async () => {
    const objects = { write: async () => Promise.reject(Object.assign(new Error('slow down'), { name: 'SlowDown' })) };

    await expect(writeDocumentMarkdown(TARGET, PAGES, { objects, bucket: 'b', settings: SETTINGS })).rejects.toThrow('slow down');
  });
});

describe('readStoredPages', () => {
  it("reads a sharded document's pages in order across listings: layouts from S3, tables inline or spilled", async () => {
    // Arrange: 150 pages, listed 100 at a time; page 2's tables spilled; page 3 stored before layouts existed.
    const records: PageRecord[] = Array.from({ length: 150 }, (_, index) => ({
      pageNumber: index + 1,
      generation: 3,
      charCount: 10,
      hasText: true,
      needsOcr: false,
      ...(index === 2 ? {} : { layoutRef: { bucket: 'b', key: `layout/${index + 1}` } }),
      ...(index === 0 ? { tables: [{ rows: [['a', 'b']] }] } : {}),
      ...(index === 1 ? { tablesRef: { bucket: 'b', key: 'tables/2' } } : {}),
    }));
    const listings: number[] = [];
    const pageStore = {
      listPages: async (_id: string, generation: number, options: { limit: number; afterPageNumber: number }) => {
        listings.push(options.afterPageNumber);
        const pages = records.filter((record) => record.generation === generation && record.pageNumber > options.afterPageNumber);
        return { pages: pages.slice(0, options.limit), hasMore: pages.length > options.limit };
      },
    };
    const stored = new Map(records.map((record) => [`layout/${record.pageNumber}`, gzipSync(JSON.stringify(page(record.pageNumber, [line(`Page ${record.pageNumber} text`, 100)])))]));
    const objects = {
      readGzipJson: async (_bucket: string, key: string) => JSON.parse(gunzipSync(stored.get(key)!).toString()) as unknown,
      readText: async (_bucket: string, key: string) => (key === 'tables/2' ? '[{"rows":[["c","d"]]}]' : ''),
    };

    // Act
    const pages = await readStoredPages(TARGET, { pages: pageStore, objects });

    // Assert
    expect(listings).toEqual([0, 100]);
    expect(pages.map((each) => each.pageNumber)).toEqual(records.map((record) => record.pageNumber));
    expect(pages[0]!.layout.lines[0]!.words.map((word) => word.text)).toEqual(['Page', '1', 'text']);
    expect(pages[0]!.tables).toEqual([{ rows: [['a', 'b']] }]);
    expect(pages[1]!.tables).toEqual([{ rows: [['c', 'd']] }]);
    expect(pages[2]!.layout.lines).toEqual([]);
  });
});

describe('completionMarkdown', () => {
  it('writes nothing for an environment without Markdown settings', async () => {
    const objects = { ...objectStore(), readGzipJson: async () => ({}), readText: async () => '' };
    const pageStore = { listPages: async () => ({ pages: [], hasMore: false }) };

    const outcome = await completionMarkdown(TARGET, 'stored', { objects, pages: pageStore, limits: { resultsBucket: 'b' } });

    expect(outcome.status).toBe('off');
    expect(objects.written.size).toBe(0);
  });
});
