/**
 * What the document listing does, written once and run against the listing on DynamoDB Local
 * (`test/integration/document-listing-store.test.ts`) and against the in-memory stand-in the core
 * tests use (`test/unit/document-stores-fake.test.ts`): an owner's documents newest first, a page
 * at a time with a cursor that only the listing issues; a status filter; expired records and
 * tombstones left out; identical content found by owner; every record for operators.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DocumentListing, DocumentListingOptions } from '../../lambdas/shared/document-listing.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import type { DocumentStore, DocumentStoreOptions } from '../../lambdas/shared/document-store.js';
import { InvalidCursorError } from '../../lambdas/shared/listing.js';

const NOW_S = Date.parse('2026-11-23T12:00:00.000Z') / 1000;

/** The listing under test and the document store that writes what it lists, over one table. */
export interface DocumentListingSubject {
  listing(options: DocumentListingOptions): Pick<DocumentListing, keyof DocumentListing>;
  documents(options: DocumentStoreOptions): Pick<DocumentStore, 'create' | 'markDeleted'>;
}

export function specifyDocumentListing(subject: () => DocumentListingSubject): void {
  const options = { now: () => NOW_S * 1000 };
  const listing = () => subject().listing(options);
  const documents = () => subject().documents(options);

  /** Stores an owner's documents, the `n`th created `n` minutes after the first. */
  async function documentsOf(ownerId: string, count: number, fields: (index: number) => Partial<DocumentRecord> = () => ({})): Promise<DocumentRecord[]> {
    const records = Array.from({ length: count }, (_, index): DocumentRecord => {
      const createdAt = new Date(Date.UTC(2026, 10, 23, 10, index)).toISOString();
      return {
        documentId: randomUUID(),
        ownerId,
        status: 'COMPLETED',
        source: 'api',
        lane: 'interactive',
        generation: 1,
        attempts: 1,
        createdAt,
        updatedAt: createdAt,
        ...fields(index),
      };
    });
    for (const record of records) await documents().create(record);
    return records;
  }

  const ids = (records: readonly DocumentRecord[]) => records.map((record) => record.documentId);

  describe('DocumentListing.listByOwner', () => {
    it("lists one owner's documents newest first, a page at a time, the last page without a cursor", async () => {
      // Arrange
      const owner = `owner-${randomUUID()}`;
      const records = await documentsOf(owner, 5);
      await documentsOf(`other-${randomUUID()}`, 2);

      // Act
      const first = await listing().listByOwner(owner, { limit: 2 });
      const second = await listing().listByOwner(owner, { limit: 2, cursor: first.nextCursor });
      const third = await listing().listByOwner(owner, { limit: 2, cursor: second.nextCursor });

      // Assert
      const newestFirst = ids([...records].reverse());
      expect([...ids(first.items), ...ids(second.items), ...ids(third.items)]).toEqual(newestFirst);
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(third.nextCursor).toBeUndefined();
      expect(first.items[0]).toEqual(records.at(-1));
    });

    it('lists only the status asked for, still a full page when the filter skips items', async () => {
      // Arrange: failures between the completed ones
      const owner = `owner-${randomUUID()}`;
      const records = await documentsOf(owner, 8, (index) => ({ status: index % 2 === 0 ? 'FAILED' : 'COMPLETED' }));

      // Act
      const completed = await listing().listByOwner(owner, { limit: 3, status: 'COMPLETED' });

      // Assert
      const expected = ids(records.filter((record) => record.status === 'COMPLETED').reverse());
      expect(ids(completed.items)).toEqual(expected.slice(0, 3));
      const rest = await listing().listByOwner(owner, { limit: 3, status: 'COMPLETED', cursor: completed.nextCursor });
      expect(ids(rest.items)).toEqual(expected.slice(3));
    });

    it('leaves expired documents and tombstones out', async () => {
      // Arrange
      const owner = `owner-${randomUUID()}`;
      const [expired, live, deleted] = await documentsOf(owner, 3, (index) => (index === 0 ? { expiresAt: NOW_S } : {}));
      await documents().markDeleted(deleted!.documentId, deleted!, {
        deletedAt: '2026-11-23T11:00:00.000Z',
        tombstoneExpiresAt: NOW_S + 3600,
        purgeTask: { kind: 'purge', documentId: deleted!.documentId, dueAt: '2026-11-23T11:15:00.000Z' },
      });

      // Act
      const listed = await listing().listByOwner(owner, { limit: 10 });

      // Assert
      expect(ids(listed.items)).toEqual([live!.documentId]);
      expect(ids(listed.items)).not.toContain(expired!.documentId);
    });

    it('refuses a cursor it did not issue, and one for another place of the index', async () => {
      // Arrange
      const forged = Buffer.from(JSON.stringify({ v: 1, c: 'yesterday', d: 'x' })).toString('base64url');

      // Act
      const answers = await Promise.allSettled([
        listing().listByOwner('someone', { limit: 2, cursor: 'not-a-cursor' }),
        listing().listByOwner('someone', { limit: 2, cursor: forged }),
      ]);

      // Assert
      for (const answer of answers) expect(answer).toMatchObject({ status: 'rejected', reason: expect.any(InvalidCursorError) });
    });
  });

  describe('DocumentListing.withSameContent', () => {
    it("finds the owner's documents of a content, never another owner's", async () => {
      // Arrange
      const sha256 = randomUUID().replaceAll('-', '').padEnd(64, '0');
      const owner = `owner-${randomUUID()}`;
      const [mine] = await documentsOf(owner, 1, () => ({ sha256 }));
      await documentsOf(`other-${randomUUID()}`, 1, () => ({ sha256 }));
      await documentsOf(owner, 1, () => ({ sha256: 'f'.repeat(64) }));

      // Act
      const found = await listing().withSameContent(owner, sha256, 10);

      // Assert
      expect(found).toEqual([mine!.documentId]);
    });
  });

  describe('DocumentListing.scanDocuments', () => {
    it('yields every document record, tombstones included, and no page or task', async () => {
      // Arrange
      const owner = `owner-${randomUUID()}`;
      const [kept, deleted] = await documentsOf(owner, 2);
      await documents().markDeleted(deleted!.documentId, deleted!, {
        deletedAt: '2026-11-23T11:00:00.000Z',
        tombstoneExpiresAt: NOW_S + 3600,
        purgeTask: { kind: 'purge', documentId: deleted!.documentId, dueAt: '2026-11-23T11:15:00.000Z' },
      });

      // Act
      const scanned: DocumentRecord[] = [];
      for await (const record of listing().scanDocuments()) scanned.push(record);

      // Assert
      const mine = scanned.filter((record) => record.ownerId === owner);
      expect(ids(mine).sort()).toEqual([kept!.documentId, deleted!.documentId].sort());
      expect(scanned.every((record) => typeof record.documentId === 'string' && typeof record.status === 'string')).toBe(true);
    });
  });
}
