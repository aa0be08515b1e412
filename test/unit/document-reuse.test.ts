/**
 * Identical documents: when an earlier document may give an upload its results (same owner, bytes,
 * extractor version and settings, COMPLETED, alive), what the copy writes (the reuser's own pages
 * and objects, objects first), and which extractor settings make results differ.
 * End to end through HTTP: test/integration/usage-reuse.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { outputSettings, producedBy } from '../../lambdas/extract/reuse-identical.js';
import type { DocumentRecord, PageRecord } from '../../lambdas/shared/document-repository.js';
import { copyReusedResults, decideReuse, reusedPage, type ReuseRequest } from '../../lambdas/shared/document-reuse.js';

const UPLOAD: ReuseRequest = { documentId: 'new', ownerId: 'alice', sha256: 'ab'.repeat(32), extractorVersion: '2.0.0', settingsDigest: 's1-aaaa' };

const source = (overrides: Partial<DocumentRecord> = {}): DocumentRecord => ({
  documentId: 'old',
  ownerId: 'alice',
  status: 'COMPLETED',
  source: 'api',
  sha256: UPLOAD.sha256,
  extractorVersion: '2.0.0',
  settingsDigest: 's1-aaaa',
  pageCount: 2,
  generation: 3,
  attempts: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...overrides,
});

const OPTIONS = { enabled: true, nowSeconds: 1_000_000 };

describe('decideReuse', () => {
  it('reuses a COMPLETED document of the same owner, bytes, extractor version and settings', () => {
    expect(decideReuse(UPLOAD, source(), OPTIONS)).toEqual({ reuse: true, from: source() });
  });

  it.each<[string, Partial<DocumentRecord> | 'none', { enabled?: boolean }]>([
    ['disabled', {}, { enabled: false }],
    ['no-candidate', 'none', {}],
    ['same-document', { documentId: 'new' }, {}],
    ['other-owner', { ownerId: 'bob' }, {}],
    ['different-content', { sha256: 'cd'.repeat(32) }, {}],
    ['deleted', { deletedAt: '2026-12-02T00:00:00.000Z' }, {}],
    ['not-completed', { status: 'FAILED' }, {}],
    ['expired', { expiresAt: 999_999 }, {}],
    ['different-extractor', { extractorVersion: '1.9.0' }, {}],
    ['different-settings', { settingsDigest: 's1-bbbb' }, {}],
    ['no-pages-recorded', { pageCount: undefined }, {}],
  ])('does not reuse: %s', (reason, overrides, options) => {
    const candidate = overrides === 'none' ? undefined : source(overrides);
    expect(decideReuse(UPLOAD, candidate, { ...OPTIONS, ...options })).toEqual({ reuse: false, reason });
  });
});

const PAGE: PageRecord = {
  pageNumber: 1,
  generation: 3,
  text: 'inline text',
  charCount: 11,
  hasText: true,
  needsOcr: false,
  layoutRef: { bucket: 'docs', key: 'results/old/g3/layout/1.json.gz' },
  tablesRef: { bucket: 'docs', key: 'results/old/g3/tables-000001.json' },
};

describe('reusedPage', () => {
  it("moves every pointer under the reuser's own keys and generation, with the copy each needs", () => {
    const { page, copies } = reusedPage(PAGE, { documentId: 'new', generation: 1 });

    expect(page).toEqual({
      ...PAGE,
      generation: 1,
      layoutRef: { bucket: 'docs', key: 'results/new/g1/layout/1.json.gz' },
      tablesRef: { bucket: 'docs', key: 'results/new/g1/tables-000001.json' },
    });
    expect(page).not.toHaveProperty('textRef');
    expect(copies).toEqual([
      { bucket: 'docs', fromKey: 'results/old/g3/tables-000001.json', toKey: 'results/new/g1/tables-000001.json' },
      { bucket: 'docs', fromKey: 'results/old/g3/layout/1.json.gz', toKey: 'results/new/g1/layout/1.json.gz' },
    ]);
  });
});

describe('copyReusedResults', () => {
  it("copies every page's objects before writing the pages that point to them, page batch by page batch, then the metadata", async () => {
    // Arrange: 150 pages (two batches) and spilled metadata; every step is logged in order.
    const pages = Array.from({ length: 150 }, (_, index) => ({ ...PAGE, pageNumber: index + 1, tablesRef: undefined }));
    const steps: string[] = [];
    const repository = {
      listPages: async (_id: string, generation: number, options: { limit: number; afterPageNumber: number }) => {
        const batch = pages.filter((page) => page.generation === generation && page.pageNumber > options.afterPageNumber).slice(0, options.limit);
        return { pages: batch, hasMore: batch.length === options.limit && batch.at(-1)!.pageNumber < pages.length };
      },
      putPages: async (id: string, written: readonly PageRecord[], expiresAt?: number) => void steps.push(`put ${id} ${written.length} ${expiresAt}`),
    };
    const copyObject = async (_bucket: string, _from: string, to: string) => void steps.push(`copy ${to}`);

    // Act
    const results = await copyReusedResults(
      source({ pageCount: 150, metadataRef: { bucket: 'docs', key: 'results/old/g3/metadata.json' } }),
      { documentId: 'new', generation: 1, expiresAt: 2_000_000 },
      { repository: repository as never, copyObject },
    );

    // Assert
    expect(results).toEqual({
      reusedFrom: 'old',
      pageCount: 150,
      metadataRef: { bucket: 'docs', key: 'results/new/g1/metadata.json' },
      pagesWritten: 150,
      objectsCopied: 151,
    });
    const firstPut = steps.indexOf('put new 100 2000000');
    expect(steps.slice(0, firstPut).filter((step) => step.startsWith('copy'))).toHaveLength(100);
    expect(steps.filter((step) => step.startsWith('put'))).toEqual(['put new 100 2000000', 'put new 50 2000000']);
    expect(steps.at(-1)).toBe('copy results/new/g1/metadata.json');
  });
});

describe("the extractor's output settings", () => {
  const settings = { maxPages: 500, ocr: { engine: 'tesseract' as const, languages: ['eng'], maxPagesPerDocument: 10, dpi: 150 } };

  it('give another digest when a setting that changes results changes', () => {
    const base = producedBy(outputSettings(settings)).settingsDigest;
    expect(producedBy(outputSettings({ ...settings, ocr: { ...settings.ocr, dpi: 300 } })).settingsDigest).not.toBe(base);
    expect(producedBy(outputSettings({ ...settings, ocr: { ...settings.ocr, languages: ['eng', 'deu'] } })).settingsDigest).not.toBe(base);
    expect(producedBy(outputSettings({ ...settings, maxPages: 100 })).settingsDigest).not.toBe(base);
  });

  it('leave out settings that decide only how a run goes, not what it produces', () => {
    const withSharding = { ...settings, sharding: { pagesPerShard: 10, ocrPageWeight: 5, maxShardsPerDocument: 4 }, documentTimeoutMs: 1 };
    expect(outputSettings(withSharding)).toEqual(outputSettings(settings));
  });
});
