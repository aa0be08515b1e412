import { afterAll, describe, expect, it } from 'vitest';
import { ExtractionPool, type ExtractionBounds } from '../../lambdas/extract/pdf-extractor.js';
import { PermanentFailure } from '../../lambdas/shared/errors.js';
import { flateBomb, lyingPageCountPdf, manyPagesPdf, type BombEncoding } from '../support/hostile-pdfs.js';
import { makePdf } from '../support/pdf-factory.js';

const GB = 1024 ** 3;
const pool = new ExtractionPool({ size: 1, heapLimitMb: 1024, engineHeapBudgetMb: 256 });
afterAll(() => pool.close());

const bounds = (): ExtractionBounds => ({ maxPages: 5000, deadline: Date.now() + 30_000, fullBudget: true, rssLimitMb: 1800 });
const sink = { document: () => undefined, page: () => undefined };

async function failureOf(bytes: Uint8Array): Promise<PermanentFailure> {
  const error = await pool.extract(bytes, bounds(), sink).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(PermanentFailure);
  return error as PermanentFailure;
}

describe('hostile PDFs', () => {
  it.each<BombEncoding>(['flate', 'flate+flate', 'hex+flate'])('refuses a %s bomb before parsing, without decoding it into memory', async (encoding) => {
    const bomb = new Uint8Array(await flateBomb(encoding === 'flate+flate' ? 4 * GB : GB, encoding));
    await pool.extract(makePdf(['warm the worker first']), bounds(), sink);
    const rssBefore = process.memoryUsage.rss();

    const failure = await failureOf(bomb);

    expect(bomb.byteLength).toBeLessThan(2.5 * 1024 * 1024);
    expect(failure.code).toBe('RESOURCE_LIMIT');
    expect(failure.message).toMatch(/decompression bomb/);
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it.each([
    { placement: 'padded', dictionary: 'opens with 100 KB of padding' },
    { placement: 'quoted', dictionary: 'holds the string (a >> stream)' },
    { placement: 'form', dictionary: 'is a form XObject nesting /Resources' },
  ] as const)('refuses a bomb whose stream dictionary $dictionary, before parsing', async ({ placement }) => {
    const failure = await failureOf(new Uint8Array(await flateBomb(GB, 'flate', placement)));

    expect(failure).toMatchObject({ code: 'RESOURCE_LIMIT', message: expect.stringMatching(/decompression bomb/) });
  });

  it('reads a page painted with a bomb as its image without decoding the image', async () => {
    const imageBomb = new Uint8Array(await flateBomb(GB, 'flate', 'image'));
    await pool.extract(makePdf(['warm the worker first']), bounds(), sink);
    const rssBefore = process.memoryUsage.rss();
    const pages: { needsOcr: boolean }[] = [];

    await pool.extract(imageBomb, bounds(), { document: () => undefined, page: (page) => pages.push(page) });

    expect(pages).toEqual([expect.objectContaining({ pageNumber: 1, hasText: false, needsOcr: true })]);
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses 100,000 real pages as TOO_MANY_PAGES before reading any', async () => {
    expect((await failureOf(new Uint8Array(manyPagesPdf(100_000)))).code).toBe('TOO_MANY_PAGES');
  });

  it('reads the one real page of a page tree that claims a million', async () => {
    let pageCount = 0;
    let pages = 0;

    await pool.extract(new Uint8Array(lyingPageCountPdf(1_000_000)), bounds(), { document: (d) => (pageCount = d.pageCount), page: () => (pages += 1) });

    expect({ pageCount, pages }).toEqual({ pageCount: 1, pages: 1 });
  });

  it('keeps serving good documents after hostile ones', async () => {
    await failureOf(new Uint8Array(await flateBomb(GB / 2, 'flate')));
    let pages = 0;

    await pool.extract(makePdf(['still fine']), bounds(), { document: () => undefined, page: () => (pages += 1) });

    expect(pages).toBe(1);
  });
});
