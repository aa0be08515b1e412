import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParsedDocument, ParsedPage } from '../../lambdas/extract/pdf-document.js';
import { ExtractionPool, type ExtractionBounds } from '../../lambdas/extract/pdf-extractor.js';
import { PermanentFailure } from '../../lambdas/shared/errors.js';
import { loadCorpusManifest, readCorpusFile } from '../support/corpus.js';

const manifest = loadCorpusManifest();
const ofKind = (...kinds: string[]) => manifest.filter((entry) => kinds.includes(entry.kind));

// As many parses at once as the tests run concurrently, so each test sees a lone parse.
const pool = new ExtractionPool({ size: 5, heapLimitMb: 1024, engineHeapBudgetMb: 256 });
afterAll(() => pool.close());

const bounds = (overrides: Partial<ExtractionBounds> = {}): ExtractionBounds => ({
  maxPages: 5000,
  deadline: Date.now() + 60_000,
  fullBudget: true,
  rssLimitMb: 8192,
  ...overrides,
});

async function extract(file: string, overrides: Partial<ExtractionBounds> = {}) {
  let document: ParsedDocument | undefined;
  const pages: ParsedPage[] = [];
  await pool.extract(readCorpusFile(file), bounds(overrides), {
    document: (parsed) => {
      document = parsed;
    },
    page: (page) => pages.push(page),
  });
  return { document: document!, pages };
}

async function failureOf(file: string, overrides: Partial<ExtractionBounds> = {}) {
  const error = await extract(file, overrides).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PermanentFailure);
  return error as PermanentFailure;
}

describe('ExtractionPool on the shared corpus', () => {
  it.concurrent.each(ofKind('long', 'report', 'table', 'form', 'nonlatin', 'small', 'metadata').map((e) => [e.file, e.pages]))(
    '%s: page count equals pdfinfo (%i), one page result per page, in order',
    async (file, expectedPages) => {
      const { document, pages } = await extract(file as string);

      expect(document.pageCount).toBe(expectedPages);
      expect(pages.map((page) => page.pageNumber)).toEqual(
        Array.from({ length: expectedPages as number }, (_, index) => index + 1),
      );
    },
  );

  it.concurrent.each(ofKind('encrypted-user').map((e) => e.file))('%s fails as ENCRYPTED', async (file) => {
    expect((await failureOf(file)).code).toBe('ENCRYPTED');
  });

  it.concurrent.each(ofKind('encrypted-owner').map((e) => e.file))('%s opens without a password and extracts text', async (file) => {
    const { pages } = await extract(file);

    expect(pages.map((page) => page.text).join('').trim().length).toBeGreaterThan(0);
  });

  it.concurrent.each(['906-hostile-zero-bytes.pdf', '907-hostile-html-renamed.pdf', '911-hostile-truncated90-simple1.pdf', '070-corrupt-invalid.pdf'])(
    '%s fails as CORRUPT with a message',
    async (file) => {
      const failure = await failureOf(file);

      expect(failure.code).toBe('CORRUPT');
      expect(failure.message).not.toBe('');
    },
  );

  it('extracts Japanese text from CID fonts without embedded Unicode maps (CMaps are found)', async () => {
    const { pages } = await extract('052-nonlatin-kampo.pdf');

    expect(pages[0]?.text).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]{2}/);
  });

  it('finds ruled tables drawn inside form XObjects, which the stream survey reports', async () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/tables/021-table-twotables-p1.json', import.meta.url), 'utf8'));

    const { pages } = await extract(fixture.file);

    expect(pages[fixture.page - 1]!.tables.map((table) => table.rows)[0]).toEqual(fixture.tables[0].rows);
  });

  it('reads document metadata with dates as ISO 8601', async () => {
    const { document } = await extract('004-long-GeoTopo-komprimiert.pdf');

    expect(document.metadata).toMatchObject({ title: 'Geometrie und Topologie', author: 'Martin Thoma', pdfVersion: '1.5' });
    expect(document.metadata.creationDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('refuses a document over the page limit before reading its pages', async () => {
    const failure = await failureOf('004-long-GeoTopo-komprimiert.pdf', { maxPages: 100 });

    expect(failure.code).toBe('TOO_MANY_PAGES');
    expect(failure.message).toContain('117');
  });

  it('stops a parse that passes its own deadline and records TIMEOUT', async () => {
    const failure = await failureOf('901-synthetic-2000pages-text.pdf', { deadline: Date.now() + 300 });

    expect(failure.code).toBe('TIMEOUT');
  });

  it('retries, rather than records, a parse cut short by the invocation running out of time', async () => {
    const error = await extract('901-synthetic-2000pages-text.pdf', { deadline: Date.now() + 300, fullBudget: false }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({ name: 'TransientFailure' });
  });

  it('stops a parse whose process passes the memory budget and records RESOURCE_LIMIT', async () => {
    const failure = await failureOf('004-long-GeoTopo-komprimiert.pdf', { rssLimitMb: 1 });

    expect(failure.code).toBe('RESOURCE_LIMIT');
  });

  it('replaces a stopped worker and keeps serving', async () => {
    await failureOf('901-synthetic-2000pages-text.pdf', { deadline: Date.now() + 200 });

    const { document } = await extract('076-small-simple1.pdf');

    expect(document.pageCount).toBe(1);
  });

  it('replaces a worker whose PDFium heap outgrew its budget, and the next document still extracts', async () => {
    // Any document grows PDFium's heap past 1 MB: every worker is replaced after one job.
    const outgrown = new ExtractionPool({ size: 1, heapLimitMb: 512, engineHeapBudgetMb: 1 });
    const roomy = new ExtractionPool({ size: 1, heapLimitMb: 512, engineHeapBudgetMb: 1024 });
    const twoDocuments = async (pool: ExtractionPool) => {
      const pageCounts: number[] = [];
      for (const file of ['076-small-simple1.pdf', '012-report-naacl06-shinyama.pdf']) {
        await pool.extract(readCorpusFile(file), bounds(), { document: (parsed) => pageCounts.push(parsed.pageCount), page: () => undefined });
      }
      return pageCounts;
    };

    const [outgrownPages, roomyPages] = [await twoDocuments(outgrown), await twoDocuments(roomy)];
    await Promise.all([outgrown.close(), roomy.close()]);

    expect(outgrownPages).toEqual([1, 8]);
    expect(roomyPages).toEqual([1, 8]);
    expect(outgrown.workersStarted).toBe(2);
    expect(roomy.workersStarted).toBe(1);
  });

  it('runs no more parses at once than its size', async () => {
    const single = new ExtractionPool({ size: 1, heapLimitMb: 512, engineHeapBudgetMb: 256 });
    let active = 0;
    let mostActive = 0;
    // Each call counts itself active only once the pool lets it in.
    const counted = async (file: string) => {
      await single.extract(readCorpusFile(file), bounds(), {
        document: () => {
          active += 1;
          mostActive = Math.max(mostActive, active);
        },
        page: () => undefined,
      });
      active -= 1;
    };
    await Promise.all([counted('076-small-simple1.pdf'), counted('077-small-trivial.pdf'), counted('079-small-minimal-document.pdf')]);
    await single.close();

    expect(mostActive).toBe(1);
  });
});
