/**
 * What the document store and the task store do, written once and run against the stores on
 * DynamoDB Local (`test/integration/document-store.test.ts`) and against the in-memory stand-ins
 * the core tests use (`test/unit/document-stores-fake.test.ts`), so the stand-ins keep to the
 * stores' rules: a record's expiry, conditional state changes that refuse a stale or expired
 * writer, restores over what was read, records written together with their task, and tombstones.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DocumentListing, DocumentListingOptions } from '../../lambdas/shared/document-listing.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import type { DocumentStore, DocumentStoreOptions } from '../../lambdas/shared/document-store.js';
import type { PendingTask, TaskStore } from '../../lambdas/shared/task-store.js';

type Store<T> = Pick<T, keyof T>;

/** The stores under test, over one table; each test makes the ones it needs. */
export interface DocumentStoreSubject {
  documents(options: DocumentStoreOptions): Store<DocumentStore>;
  tasks(): Store<TaskStore>;
  listing(options: DocumentListingOptions): Pick<DocumentListing, 'listByOwner'>;
}

const CREATED_AT = '2026-11-23T12:00:00.000Z';
const CREATED_S = Date.parse(CREATED_AT) / 1000;
const RETENTION_S = 30 * 24 * 3600;
const EXPIRES_AT = CREATED_S + RETENTION_S;

export function specifyDocumentStore(subject: () => DocumentStoreSubject): void {
  /** The stores' clock, in epoch seconds; each test sets what it needs. */
  let nowSeconds = CREATED_S;
  const options = { documentRetentionSeconds: RETENTION_S, now: () => nowSeconds * 1000 };
  const documents = () => subject().documents(options);

  function newRecord(fields: Partial<DocumentRecord> = {}): DocumentRecord {
    return {
      documentId: randomUUID(),
      ownerId: 'user-1',
      status: 'QUEUED',
      source: 'api',
      lane: 'interactive',
      bucket: 'docs',
      objectKey: 'uploads/user-1/a.pdf',
      generation: 1,
      attempts: 0,
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
      ...fields,
    };
  }

  describe('DocumentStore: creation and expiry', () => {
    it('writes a new record with an expiry of its creation plus the retention, and never over an existing one', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const record = newRecord();

      // Act
      const created = await documents().create(record);
      const again = await documents().create({ ...record, status: 'COMPLETED' });

      // Assert
      expect([created, again]).toEqual([true, false]);
      expect(await documents().get(record.documentId)).toEqual({ ...record, expiresAt: EXPIRES_AT });
    });

    it('keeps an expiry the record already carries, and writes none without a retention period', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const carried = newRecord({ expiresAt: CREATED_S + 60 });
      const unretained = newRecord();

      // Act
      await documents().create(carried);
      await subject().documents({}).create(unretained);

      // Assert
      expect((await documents().get(carried.documentId))?.expiresAt).toBe(CREATED_S + 60);
      expect(await documents().get(unretained.documentId)).not.toHaveProperty('expiresAt');
    });

    it('reads a record until the second before it expires, not from that second on, unless a writer asks for it', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const record = newRecord();
      await documents().create(record);

      // Act
      nowSeconds = EXPIRES_AT - 1;
      const justBefore = await documents().get(record.documentId);
      nowSeconds = EXPIRES_AT;
      const atExpiry = await documents().get(record.documentId);
      const forWriter = await documents().get(record.documentId, { includeExpired: true });

      // Assert
      expect(justBefore?.documentId).toBe(record.documentId);
      expect(atExpiry).toBeUndefined();
      expect(forWriter).toMatchObject({ documentId: record.documentId, expiresAt: EXPIRES_AT });
    });

    it('never revives an expired record that DynamoDB has yet to remove', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const record = newRecord();
      await documents().create(record);
      nowSeconds = EXPIRES_AT + 5;

      // Act
      const created = await documents().create(record);
      const moved = await documents().transition(record.documentId, { status: 'QUEUED' }, { status: 'PROCESSING' });

      // Assert
      expect([created, moved]).toEqual([false, false]);
      expect(await documents().get(record.documentId, { includeExpired: true })).toMatchObject({ status: 'QUEUED' });
    });
  });

  describe('DocumentStore: transitions', () => {
    it('sets and removes fields when the record still matches what the writer read', async () => {
      // Arrange
      nowSeconds = CREATED_S + 10;
      const record = newRecord({ status: 'PROCESSING', attempts: 1, sequencer: '0A', lastError: 'Timeout: earlier' });
      await documents().create(record);

      // Act
      const moved = await documents().transition(
        record.documentId,
        { status: 'PROCESSING', generation: 1, attempts: 1, sequencer: '0A' },
        { status: 'COMPLETED', pageCount: 3, metadata: { title: 'Q3' } },
        ['lastError'],
      );

      // Assert
      expect(moved).toBe(true);
      const stored = await documents().get(record.documentId);
      expect(stored).toMatchObject({ status: 'COMPLETED', pageCount: 3, metadata: { title: 'Q3' }, updatedAt: new Date((CREATED_S + 10) * 1000).toISOString() });
      expect(stored).not.toHaveProperty('lastError');
    });

    it('refuses a writer whose expectation is stale, changing nothing', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const record = newRecord({ status: 'PROCESSING', generation: 2 });
      await documents().create(record);

      // Act
      const staleGeneration = await documents().transition(record.documentId, { generation: 1 }, { status: 'FAILED' });
      const otherStatus = await documents().transition(record.documentId, { statusIn: ['QUEUED', 'UPLOADING'] }, { status: 'FAILED' });
      const missing = await documents().transition(randomUUID(), { generation: 1 }, { status: 'FAILED' });

      // Assert
      expect([staleGeneration, otherStatus, missing]).toEqual([false, false, false]);
      expect(await documents().get(record.documentId)).toMatchObject({ status: 'PROCESSING', generation: 2 });
    });

    it('accepts a status among those expected', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const record = newRecord({ status: 'UPLOADING' });
      await documents().create(record);

      // Act
      const moved = await documents().transition(record.documentId, { statusIn: ['QUEUED', 'UPLOADING'] }, { status: 'FAILED', error: { code: 'UPLOAD_EXPIRED', message: 'x' } });

      // Assert
      expect(moved).toBe(true);
      expect(await documents().get(record.documentId)).toMatchObject({ status: 'FAILED', error: { code: 'UPLOAD_EXPIRED' } });
    });

    it('lets one of two racing writers win', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const record = newRecord();
      await documents().create(record);

      // Act
      const outcomes = await Promise.all(
        [1, 2].map((attempt) => documents().transition(record.documentId, { status: 'QUEUED', attempts: 0 }, { status: 'PROCESSING', attempts: attempt })),
      );

      // Assert
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(await documents().get(record.documentId)).toMatchObject({ status: 'PROCESSING', attempts: outcomes.indexOf(true) + 1 });
    });
  });

  describe('DocumentStore: restore in place', () => {
    it('writes over nothing, over a record without a generation, or over the generation read; never over a changed one', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const record = newRecord({ status: 'QUEUED' });

      // Act
      const overNothing = await documents().replace(record, undefined);
      const overNothingAgain = await documents().replace(record, undefined);
      const overChanged = await documents().replace({ ...record, status: 'FAILED' }, { generation: 7 });
      const overRead = await documents().replace({ ...record, generation: 2 }, { generation: 1 });

      // Assert
      expect([overNothing, overNothingAgain, overChanged, overRead]).toEqual([true, false, false, true]);
      expect(await documents().get(record.documentId)).toMatchObject({ status: 'QUEUED', generation: 2 });
    });
  });

  describe('DocumentStore with its tasks', () => {
    const tasks = () => subject().tasks();

    it('writes a record and the task that checks on it together, or neither', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const record = newRecord({ status: 'UPLOADING' });
      const task: PendingTask = { kind: 'upload', documentId: record.documentId, ownerId: 'user-1', bucket: 'docs', objectKey: record.objectKey, dueAt: '2026-11-23T12:20:00.000Z' };

      // Act
      const created = await documents().createWithTask(record, task);
      const twice = await documents().createWithTask(record, { ...task, dueAt: '2026-11-23T12:30:00.000Z' });

      // Assert
      expect([created, twice]).toEqual([true, false]);
      const due = await tasks().dueTasks('upload', new Date('2026-11-23T12:40:00.000Z'), 100);
      expect(due.filter((found) => found.documentId === record.documentId)).toEqual([task]);
    });

    it('finds a task from the moment it is due, and not after it is deleted', async () => {
      // Arrange
      const task: PendingTask = { kind: 'purge', documentId: randomUUID(), bucket: 'docs', objectKey: 'uploads/user-1/b.pdf', dueAt: '2026-11-24T08:00:00.000Z' };
      await documents().createWithTask(newRecord({ documentId: task.documentId }), task);
      const ids = (found: PendingTask[]) => found.map((each) => each.documentId).filter((id) => id === task.documentId);

      // Act
      const before = await tasks().dueTasks('purge', new Date('2026-11-24T07:59:59.999Z'), 100);
      const atDue = await tasks().dueTasks('purge', new Date(task.dueAt), 100);
      const otherKind = await tasks().dueTasks('upload', new Date('2026-11-25T00:00:00.000Z'), 100);
      await tasks().deleteTask(task);
      const afterDelete = await tasks().dueTasks('purge', new Date('2026-11-25T00:00:00.000Z'), 100);

      // Assert
      expect([ids(before), ids(atDue), ids(otherKind), ids(afterDelete)]).toEqual([[], [task.documentId], [], []]);
    });

    it('turns a record into a tombstone with its purge task: generation bumped, out of the listing, its own expiry', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const ownerId = `owner-${randomUUID()}`;
      const record = newRecord({ ownerId, status: 'COMPLETED', generation: 2 });
      await documents().create(record);
      const purgeTask: PendingTask = { kind: 'purge', documentId: record.documentId, bucket: 'docs', objectKey: record.objectKey, dueAt: '2026-11-23T12:15:00.000Z' };
      const deletion = { deletedAt: '2026-11-23T12:05:00.000Z', tombstoneExpiresAt: CREATED_S + 3600, purgeTask };
      const listed = () => subject().listing(options).listByOwner(ownerId, { limit: 10 });
      expect((await listed()).items).toHaveLength(1);

      // Act
      const stale = await documents().markDeleted(record.documentId, { generation: 1, status: 'COMPLETED' }, deletion);
      const deleted = await documents().markDeleted(record.documentId, { generation: 2, status: 'COMPLETED' }, deletion);
      const again = await documents().markDeleted(record.documentId, { generation: 3, status: 'COMPLETED' }, deletion);
      await documents().markPurged(record.documentId, '2026-11-23T12:06:00.000Z');

      // Assert
      expect([stale, deleted, again]).toEqual([false, true, false]);
      expect(await documents().get(record.documentId)).toMatchObject({
        generation: 3,
        deletedAt: deletion.deletedAt,
        purgedAt: '2026-11-23T12:06:00.000Z',
        expiresAt: CREATED_S + 3600,
      });
      expect((await listed()).items).toEqual([]);
      const due = await tasks().dueTasks('purge', new Date('2026-11-23T12:15:00.000Z'), 100);
      expect(due.filter((task) => task.documentId === record.documentId)).toEqual([purgeTask]);
    });

    it('marks only a tombstone purged', async () => {
      // Arrange
      nowSeconds = CREATED_S;
      const record = newRecord({ status: 'COMPLETED' });
      await documents().create(record);

      // Act
      await documents().markPurged(record.documentId, '2026-11-23T12:06:00.000Z');

      // Assert
      expect(await documents().get(record.documentId)).not.toHaveProperty('purgedAt');
    });
  });
}
