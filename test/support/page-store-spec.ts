/**
 * What the page store does, written once and run against the store on DynamoDB Local
 * (`test/integration/page-store.test.ts`) and against the in-memory stand-in the core tests use
 * (`test/unit/document-stores-fake.test.ts`): pages carry their document's expiry, reads return
 * one generation in page order a run at a time, a late write of an older generation never
 * replaces the current one, and deletion takes every generation.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PageRecord } from '../../lambdas/shared/document-model.js';
import type { PageStore, PageStoreOptions } from '../../lambdas/shared/page-store.js';

const NOW_S = Date.parse('2026-11-23T12:00:00.000Z') / 1000;

/** The page store under test; each test makes one with the clock it needs. */
export interface PageStoreSubject {
  pages(options: PageStoreOptions): Pick<PageStore, keyof PageStore>;
}

export function specifyPageStore(subject: () => PageStoreSubject): void {
  let nowSeconds = NOW_S;
  const pages = () => subject().pages({ now: () => nowSeconds * 1000 });
  const page = (pageNumber: number, generation = 1, text = `page ${pageNumber}`): PageRecord => ({
    pageNumber,
    generation,
    text,
    charCount: text.length,
    hasText: true,
    needsOcr: false,
  });
  const numbers = (run: { readonly pages: readonly PageRecord[] }) => run.pages.map((each) => each.pageNumber);

  describe('PageStore', () => {
    it('writes any number of pages, in batches, and reads them back in page order', async () => {
      // Arrange: more pages than one batch write takes
      const documentId = randomUUID();
      const written = Array.from({ length: 60 }, (_, index) => page(60 - index));

      // Act
      await pages().putPages(documentId, written);
      const run = await pages().listPages(documentId, 1, { limit: 100, afterPageNumber: 0 });

      // Assert
      expect(numbers(run)).toEqual(Array.from({ length: 60 }, (_, index) => index + 1));
      expect(run.pages[0]).toEqual(page(1));
      expect(run.hasMore).toBe(false);
    });

    it('reads a run after a page, and says whether more follow', async () => {
      // Arrange
      const documentId = randomUUID();
      await pages().putPages(documentId, [1, 2, 3, 4, 5].map((n) => page(n)));

      // Act
      const middle = await pages().listPages(documentId, 1, { limit: 2, afterPageNumber: 1 });
      const last = await pages().listPages(documentId, 1, { limit: 2, afterPageNumber: 3 });

      // Assert
      expect([numbers(middle), middle.hasMore]).toEqual([[2, 3], true]);
      expect([numbers(last), last.hasMore]).toEqual([[4, 5], false]);
    });

    it('reads only the generation asked for: a longer earlier version and a late older write are left out', async () => {
      // Arrange: generation 1 had 4 pages; generation 2 has 2; then a shard of generation 1 writes late
      const documentId = randomUUID();
      await pages().putPages(documentId, [1, 2, 3, 4].map((n) => page(n, 1, 'old')));
      await pages().putPages(documentId, [1, 2].map((n) => page(n, 2, 'new')));
      await pages().putPages(documentId, [page(2, 1, 'late')]);

      // Act
      const current = await pages().listPages(documentId, 2, { limit: 10, afterPageNumber: 0 });

      // Assert
      expect(current.pages.map((each) => [each.pageNumber, each.text])).toEqual([
        [1, 'new'],
        [2, 'new'],
      ]);
      expect(current.hasMore).toBe(false);
    });

    it("gives pages their document's expiry and leaves them out of reads from that second on", async () => {
      // Arrange
      const documentId = randomUUID();
      await pages().putPages(documentId, [page(1), page(2)], NOW_S + 60);

      // Act
      nowSeconds = NOW_S + 59;
      const before = await pages().listPages(documentId, 1, { limit: 10, afterPageNumber: 0 });
      nowSeconds = NOW_S + 60;
      const atExpiry = await pages().listPages(documentId, 1, { limit: 10, afterPageNumber: 0 });
      nowSeconds = NOW_S;

      // Assert
      expect(numbers(before)).toEqual([1, 2]);
      expect(atExpiry.pages).toEqual([]);
    });

    it("deletes every page of a document, whatever its generation, and no other document's", async () => {
      // Arrange
      const [documentId, neighbour] = [randomUUID(), randomUUID()];
      await pages().putPages(documentId, [...Array.from({ length: 30 }, (_, index) => page(index + 1, 1)), page(1, 2)]);
      await pages().putPages(neighbour, [page(1)]);

      // Act
      const deleted = await pages().deletePages(documentId);

      // Assert
      expect(deleted).toBe(31);
      expect((await pages().listPages(documentId, 1, { limit: 50, afterPageNumber: 0 })).pages).toEqual([]);
      expect((await pages().listPages(documentId, 2, { limit: 50, afterPageNumber: 0 })).pages).toEqual([]);
      expect(numbers(await pages().listPages(neighbour, 1, { limit: 50, afterPageNumber: 0 }))).toEqual([1]);
    });
  });
}
