/**
 * The local runtime's stand-in for DynamoDB TTL and the bucket's lifecycle rules, against
 * DynamoDB Local through the real SDK (the bucket mocked: which objects go is what matters here,
 * and the bucket's own deletion is the purge's, tested with the runtime): an expired document
 * goes with its pages, original and spilled results; other expired items simply go; what has
 * not expired stays.
 */
import { DeleteObjectsCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { DocumentStore } from '../../lambdas/shared/document-store.js';
import { PageStore } from '../../lambdas/shared/page-store.js';
import { expireItems } from '../../local/ttl-emulation.js';
import { useDocumentTable } from '../support/document-table.js';

const s3 = mockClient(S3Client);
const NOW = new Date('2026-11-23T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

const table = useDocumentTable();

beforeEach(() => {
  s3.reset();
  s3.on(ListObjectVersionsCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({});
  s3.on(DeleteObjectsCommand).resolves({});
});

const documents = () => new DocumentStore(table.client, table.tableName);
const pages = () => new PageStore(table.client, table.tableName);
const dependencies = () => ({ client: table.client, tableName: table.tableName, pages: pages(), s3: new S3Client({ region: 'eu-west-1' }), bucketName: 'docs' });

function record(expiresAt: number): DocumentRecord {
  const documentId = randomUUID();
  return {
    documentId,
    ownerId: 'user-1',
    status: 'COMPLETED',
    source: 'api',
    lane: 'interactive',
    bucket: 'docs',
    objectKey: `uploads/user-1/${documentId}.pdf`,
    generation: 1,
    attempts: 1,
    createdAt: '2026-10-23T12:00:00.000Z',
    updatedAt: '2026-10-23T12:00:00.000Z',
    expiresAt,
  };
}

async function rawItem(pk: string, sk: string) {
  return (await table.client.send(new GetCommand({ TableName: table.tableName, Key: { pk, sk }, ConsistentRead: true }))).Item;
}

describe('expireItems (local TTL)', () => {
  it("removes an expired document's original, spilled results and pages, then its record", async () => {
    // Arrange
    const expired = record(NOW_S);
    await documents().create(expired);
    await pages().putPages(expired.documentId, [{ pageNumber: 1, generation: 1, text: 'x', charCount: 1, hasText: true, needsOcr: false }], NOW_S);
    s3.on(ListObjectsV2Command, { Prefix: expired.objectKey }).resolves({ Contents: [{ Key: expired.objectKey }] });
    s3.on(ListObjectsV2Command, { Prefix: `results/${expired.documentId}/` }).resolves({ Contents: [{ Key: `results/${expired.documentId}/g1/page-000001.txt` }] });

    // Act
    const outcome = await expireItems(dependencies(), NOW);

    // Assert
    expect(outcome.documentsExpired).toBeGreaterThanOrEqual(1);
    expect(await documents().get(expired.documentId, { includeExpired: true })).toBeUndefined();
    expect((await pages().listPages(expired.documentId, 1, { limit: 10, afterPageNumber: 0 })).pages).toEqual([]);
    const deletedObjects = s3.commandCalls(DeleteObjectsCommand).flatMap((call) => call.args[0].input.Delete!.Objects!.map((object) => object.Key));
    expect(deletedObjects).toEqual(expect.arrayContaining([expired.objectKey, `results/${expired.documentId}/g1/page-000001.txt`]));
  });

  it('removes other expired items as they are, and counts them apart from documents', async () => {
    // Arrange: an expired idempotency key and a tombstone
    const key = { pk: `IDEMPOTENCY#${randomUUID()}`, sk: 'IDEMPOTENCY' };
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...key, status: 'COMPLETED', expiresAt: NOW_S - 1 } }));
    const tombstone = { ...record(NOW_S - 1), deletedAt: '2026-11-01T00:00:00.000Z' };
    await documents().create(tombstone);

    // Act
    const outcome = await expireItems(dependencies(), NOW);

    // Assert
    expect(outcome.itemsExpired).toBeGreaterThanOrEqual(2);
    expect(await rawItem(key.pk, key.sk)).toBeUndefined();
    expect(await documents().get(tombstone.documentId, { includeExpired: true })).toBeUndefined();
  });

  it('leaves what has not expired yet, and an item without an expiry', async () => {
    // Arrange
    const live = record(NOW_S + 1);
    await documents().create(live);
    const forever = { pk: `QUOTA#${randomUUID()}`, sk: 'DAY#2026-11-23' };
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...forever, count: 1 } }));

    // Act
    await expireItems(dependencies(), NOW);

    // Assert
    expect(await documents().get(live.documentId, { includeExpired: true })).toEqual(live);
    expect(await rawItem(forever.pk, forever.sk)).toMatchObject({ count: 1 });
    expect(s3.commandCalls(DeleteObjectsCommand).flatMap((call) => call.args[0].input.Delete!.Objects!.map((object) => object.Key))).not.toContain(live.objectKey);
  });
});
