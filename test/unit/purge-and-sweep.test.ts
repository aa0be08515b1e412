/**
 * The purge of a deleted document and the sweeper, over in-memory stores and a mocked S3: what
 * they delete, what they leave, and how they settle their tasks.
 */
import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { purgeDocument } from '../../lambdas/purge/purge-document.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import type { PendingTask } from '../../lambdas/shared/task-store.js';
import { sweep } from '../../lambdas/sweep/sweep.js';
import { inMemoryDocumentStores } from '../support/document-stores-fake.js';

const s3 = mockClient(S3Client);
const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const KEY = `uploads/user-1/${DOC_ID}.pdf`;
const NOW = new Date('2026-11-23T12:00:00.000Z');

const s3Client = new S3Client({ region: 'eu-west-1' });
let stores: ReturnType<typeof inMemoryDocumentStores>;

beforeEach(() => {
  s3.reset();
  s3.on(ListObjectVersionsCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({});
  s3.on(DeleteObjectsCommand).resolves({});
  stores = inMemoryDocumentStores({ now: () => NOW.getTime() });
});

const tombstone: DocumentRecord = {
  documentId: DOC_ID,
  ownerId: 'user-1',
  status: 'COMPLETED',
  source: 'api',
  lane: 'interactive',
  bucket: 'docs',
  objectKey: KEY,
  deletedAt: '2026-11-23T11:00:00.000Z',
  generation: 3,
  attempts: 1,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T11:00:00.000Z',
};

const page = (pageNumber: number, generation: number) => ({ pageNumber, generation, text: 'x', charCount: 1, hasText: true, needsOcr: false });
const purgeDeps = () => ({ documents: stores.documents, pages: stores.pages, s3: s3Client, bucketName: 'docs', now: () => NOW });

describe('purgeDocument', () => {
  it('deletes every version of the original (only that key), the spilled results and the page items, and marks the tombstone purged', async () => {
    // Arrange: a versioned bucket with two versions and a delete marker of the key, and a neighbour key
    stores.table.put(tombstone);
    await stores.pages.putPages(DOC_ID, [page(1, 2), page(2, 3)]);
    s3.on(ListObjectVersionsCommand, { Prefix: KEY }).resolves({
      Versions: [
        { Key: KEY, VersionId: 'v1' },
        { Key: KEY, VersionId: 'v2' },
        { Key: `${KEY}.bak`, VersionId: 'x' },
      ],
      DeleteMarkers: [{ Key: KEY, VersionId: 'm1' }],
    });
    s3.on(ListObjectVersionsCommand, { Prefix: `results/${DOC_ID}/` }).resolves({
      Versions: [{ Key: `results/${DOC_ID}/g3/page-000002.txt`, VersionId: 'r1' }],
    });

    // Act
    const outcome = await purgeDocument({ documentId: DOC_ID, bucket: 'docs', objectKey: KEY }, purgeDeps());

    // Assert
    expect(outcome).toEqual({ documentId: DOC_ID, objectVersions: 3, resultObjects: 1, pages: 2 });
    const deleted = s3.commandCalls(DeleteObjectsCommand).flatMap((call) => call.args[0].input.Delete!.Objects!);
    expect(deleted).toEqual([
      { Key: KEY, VersionId: 'v1' },
      { Key: KEY, VersionId: 'v2' },
      { Key: KEY, VersionId: 'm1' },
      { Key: `results/${DOC_ID}/g3/page-000002.txt`, VersionId: 'r1' },
    ]);
    expect(stores.table.pages.size).toBe(0);
    expect(stores.table.records.get(DOC_ID)).toMatchObject({ deletedAt: tombstone.deletedAt, purgedAt: NOW.toISOString() });
  });

  it('deletes current objects by key where the store keeps no versions (the local emulator)', async () => {
    // Arrange
    stores.table.put(tombstone);
    s3.on(ListObjectsV2Command, { Prefix: KEY }).resolves({ Contents: [{ Key: KEY }] });

    // Act
    const outcome = await purgeDocument({ documentId: DOC_ID, bucket: 'docs', objectKey: KEY }, purgeDeps());

    // Assert
    expect(outcome?.objectVersions).toBe(1);
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([{ Key: KEY }]);
  });

  it('leaves a document that is not deleted alone', async () => {
    // Arrange
    stores.table.put({ ...tombstone, deletedAt: undefined });
    await stores.pages.putPages(DOC_ID, [page(1, 3)]);

    // Act
    const outcome = await purgeDocument({ documentId: DOC_ID, bucket: 'docs', objectKey: KEY }, purgeDeps());

    // Assert
    expect(outcome).toBeUndefined();
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    expect(stores.table.pages.size).toBe(1);
  });
});

describe('sweep', () => {
  const uploadTask: PendingTask = { kind: 'upload', documentId: DOC_ID, ownerId: 'user-1', bucket: 'docs', objectKey: KEY, dueAt: '2026-11-23T11:55:00.000Z' };
  const purgeTask: PendingTask = { kind: 'purge', documentId: DOC_ID, bucket: 'docs', objectKey: KEY, dueAt: '2026-11-23T11:15:00.000Z' };
  const waiting: DocumentRecord = { ...tombstone, deletedAt: undefined, status: 'UPLOADING', source: 'presigned', generation: 1, attempts: 0 };
  const deps = () => ({ documents: stores.documents, pages: stores.pages, tasks: stores.tasks, s3: s3Client, bucketName: 'docs', now: () => NOW });

  it('fails an upload that never arrived as UPLOAD_EXPIRED and removes its task', async () => {
    // Arrange
    stores.table.put(waiting).tasks.push(uploadTask);
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('not found'), { name: 'NotFound' }));

    // Act
    const outcome = await sweep(deps());

    // Assert
    expect(outcome).toEqual({ expired: 1, purged: 0, settled: 0, deferred: 0 });
    expect(await stores.documents.get(DOC_ID)).toMatchObject({ status: 'FAILED', generation: 1, error: { code: 'UPLOAD_EXPIRED' } });
    expect(stores.table.tasks).toEqual([]);
  });

  it('leaves a task that is not due yet', async () => {
    // Arrange
    stores.table.put(waiting).tasks.push({ ...uploadTask, dueAt: '2026-11-23T12:00:00.001Z' });

    // Act
    const outcome = await sweep(deps());

    // Assert
    expect(outcome).toEqual({ expired: 0, purged: 0, settled: 0, deferred: 0 });
    expect(await stores.documents.get(DOC_ID)).toMatchObject({ status: 'UPLOADING' });
  });

  it('leaves an upload whose object arrived for the extractor, and settles one already claimed', async () => {
    // Arrange
    stores.table.put(waiting).tasks.push(uploadTask);
    s3.on(HeadObjectCommand).resolves({});

    // Act
    const arrived = await sweep(deps());
    stores.table.put({ ...waiting, status: 'PROCESSING', sequencer: '0001' });
    const claimed = await sweep(deps());

    // Assert
    expect(arrived).toEqual({ expired: 0, purged: 0, settled: 0, deferred: 1 });
    expect(claimed).toEqual({ expired: 0, purged: 0, settled: 1, deferred: 0 });
    expect(await stores.documents.get(DOC_ID)).toMatchObject({ status: 'PROCESSING' });
    expect(stores.table.tasks).toEqual([]);
  });

  it('removes an upload that arrived for a document deleted meanwhile', async () => {
    // Arrange
    stores.table.put({ ...waiting, deletedAt: '2026-11-23T11:50:00.000Z' }).tasks.push(uploadTask);
    s3.on(ListObjectsV2Command, { Prefix: KEY }).resolves({ Contents: [{ Key: KEY }] });

    // Act
    const outcome = await sweep(deps());

    // Assert
    expect(outcome).toEqual({ expired: 0, purged: 0, settled: 1, deferred: 0 });
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([{ Key: KEY }]);
  });

  it('runs a purge whose request was lost, and only settles one that finished', async () => {
    // Arrange
    stores.table.put(tombstone).tasks.push(purgeTask);
    await stores.pages.putPages(DOC_ID, [page(1, 3)]);

    // Act
    const lost = await sweep(deps());
    stores.table.tasks.push(purgeTask);
    const finished = await sweep(deps());

    // Assert
    expect(lost).toEqual({ expired: 0, purged: 1, settled: 0, deferred: 0 });
    expect(finished).toEqual({ expired: 0, purged: 0, settled: 1, deferred: 0 });
    expect(stores.table.pages.size).toBe(0);
    expect(stores.table.tasks).toEqual([]);
  });
});
