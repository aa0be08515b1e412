/**
 * The purge of a deleted document and the sweeper, over a mocked SDK: what they delete, what
 * they leave, and how they settle their tasks.
 */
import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { purgeDocument } from '../../lambdas/purge/purge-document.js';
import { DocumentRepository } from '../../lambdas/shared/document-repository.js';
import { sweep } from '../../lambdas/sweep/sweep.js';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const KEY = `uploads/user-1/${DOC_ID}.pdf`;
const NOW = new Date('2026-11-23T12:00:00.000Z');

const repository = new DocumentRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'documents');
const s3Client = new S3Client({ region: 'eu-west-1' });

beforeEach(() => {
  ddb.reset();
  s3.reset();
  s3.on(ListObjectVersionsCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({});
  s3.on(DeleteObjectsCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(BatchWriteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

const tombstone = { pk: `DOC#${DOC_ID}`, sk: 'DOCUMENT', documentId: DOC_ID, status: 'COMPLETED', deletedAt: '2026-11-23T11:00:00.000Z', generation: 3 };

describe('purgeDocument', () => {
  it('deletes every version of the original (only that key), the spilled results and the page items', async () => {
    // Arrange: a versioned bucket with two versions and a delete marker of the key, and a neighbour key
    ddb.on(GetCommand).resolves({ Item: tombstone });
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
    ddb.on(QueryCommand).resolves({ Items: [{ pk: `DOC#${DOC_ID}`, sk: 'PAGE#000001' }, { pk: `DOC#${DOC_ID}`, sk: 'PAGE#000002' }] });

    // Act
    const outcome = await purgeDocument({ documentId: DOC_ID, bucket: 'docs', objectKey: KEY }, { repository, s3: s3Client, bucketName: 'docs', now: () => NOW });

    // Assert
    expect(outcome).toEqual({ documentId: DOC_ID, objectVersions: 3, resultObjects: 1, pages: 2 });
    const deleted = s3.commandCalls(DeleteObjectsCommand).flatMap((call) => call.args[0].input.Delete!.Objects!);
    expect(deleted).toEqual([
      { Key: KEY, VersionId: 'v1' },
      { Key: KEY, VersionId: 'v2' },
      { Key: KEY, VersionId: 'm1' },
      { Key: `results/${DOC_ID}/g3/page-000002.txt`, VersionId: 'r1' },
    ]);
    const pageDeletes = ddb.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems!.documents!;
    expect(pageDeletes.map((request) => request.DeleteRequest!.Key!.sk)).toEqual(['PAGE#000001', 'PAGE#000002']);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      UpdateExpression: 'SET #purgedAt = :purgedAt',
      ConditionExpression: 'attribute_exists(#deletedAt)',
    });
  });

  it('deletes current objects by key where the store keeps no versions (the local emulator)', async () => {
    ddb.on(GetCommand).resolves({ Item: tombstone });
    s3.on(ListObjectsV2Command, { Prefix: KEY }).resolves({ Contents: [{ Key: KEY }] });

    const outcome = await purgeDocument({ documentId: DOC_ID, bucket: 'docs', objectKey: KEY }, { repository, s3: s3Client, bucketName: 'docs' });

    expect(outcome?.objectVersions).toBe(1);
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([{ Key: KEY }]);
  });

  it('leaves a document that is not deleted alone', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...tombstone, deletedAt: undefined } });

    const outcome = await purgeDocument({ documentId: DOC_ID, bucket: 'docs', objectKey: KEY }, { repository, s3: s3Client, bucketName: 'docs' });

    expect(outcome).toBeUndefined();
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });
});

describe('sweep', () => {
  const uploadTask = { pk: 'TASK#upload#1', sk: `2026-11-23T11:55:00.000Z#${DOC_ID}`, kind: 'upload', documentId: DOC_ID, ownerId: 'user-1', bucket: 'docs', objectKey: KEY, dueAt: '2026-11-23T11:55:00.000Z' };
  const waiting = { pk: `DOC#${DOC_ID}`, sk: 'DOCUMENT', documentId: DOC_ID, ownerId: 'user-1', status: 'UPLOADING', source: 'presigned', bucket: 'docs', objectKey: KEY, generation: 1, attempts: 0 };
  const deps = { repository, s3: s3Client, bucketName: 'docs', now: () => NOW };

  /** Due upload tasks in the first shard only, purge tasks none. */
  function dueTasks(uploadTasks: unknown[], purgeTasks: unknown[] = []) {
    ddb.on(QueryCommand).callsFake((input) => {
      const pk = String(input.ExpressionAttributeValues[':pk']);
      if (pk === 'TASK#upload#0') return { Items: uploadTasks.splice(0) };
      if (pk === 'TASK#purge#0') return { Items: purgeTasks.splice(0) };
      return { Items: [] };
    });
  }

  it('fails an upload that never arrived as UPLOAD_EXPIRED, conditionally, and removes its task', async () => {
    // Arrange
    dueTasks([uploadTask]);
    ddb.on(GetCommand).resolves({ Item: waiting });
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('not found'), { name: 'NotFound' }));

    // Act
    const outcome = await sweep(deps);

    // Assert
    expect(outcome).toEqual({ expired: 1, purged: 0, settled: 0, deferred: 0, documentsExpired: 0, itemsExpired: 0 });
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':e_status': 'UPLOADING',
      ':e_generation': 1,
      ':e_attempts': 0,
      ':s_status': 'FAILED',
      ':s_error': { code: 'UPLOAD_EXPIRED', message: expect.any(String) },
    });
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input.Key).toEqual({ pk: expect.stringMatching(/^TASK#upload#[0-3]$/), sk: uploadTask.sk });
    const query = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query.ExpressionAttributeValues![':due']).toBe(`${NOW.toISOString()}#~`);
  });

  it('leaves an upload whose object arrived for the extractor, and settles one already claimed', async () => {
    dueTasks([uploadTask]);
    ddb.on(GetCommand).resolves({ Item: waiting });
    s3.on(HeadObjectCommand).resolves({});

    expect(await sweep(deps)).toEqual({ expired: 0, purged: 0, settled: 0, deferred: 1, documentsExpired: 0, itemsExpired: 0 });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);

    dueTasks([uploadTask]);
    ddb.on(GetCommand).resolves({ Item: { ...waiting, status: 'PROCESSING', sequencer: '0001' } });
    expect(await sweep(deps)).toEqual({ expired: 0, purged: 0, settled: 1, deferred: 0, documentsExpired: 0, itemsExpired: 0 });
  });

  it('removes an upload that arrived for a document deleted meanwhile', async () => {
    dueTasks([uploadTask]);
    ddb.on(GetCommand).resolves({ Item: { ...waiting, deletedAt: '2026-11-23T11:50:00.000Z' } });
    s3.on(ListObjectsV2Command, { Prefix: KEY }).resolves({ Contents: [{ Key: KEY }] });

    expect(await sweep(deps)).toEqual({ expired: 0, purged: 0, settled: 1, deferred: 0, documentsExpired: 0, itemsExpired: 0 });
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects).toEqual([{ Key: KEY }]);
  });

  it('runs a purge whose request was lost, and only settles one that finished', async () => {
    const purgeTask = { pk: 'TASK#purge#0', sk: `2026-11-23T11:15:00.000Z#${DOC_ID}`, kind: 'purge', documentId: DOC_ID, bucket: 'docs', objectKey: KEY, dueAt: '2026-11-23T11:15:00.000Z' };
    dueTasks([], [{ ...purgeTask }]);
    ddb.on(GetCommand).resolves({ Item: tombstone });

    expect(await sweep(deps)).toEqual({ expired: 0, purged: 1, settled: 0, deferred: 0, documentsExpired: 0, itemsExpired: 0 });

    dueTasks([], [{ ...purgeTask }]);
    ddb.on(GetCommand).resolves({ Item: { ...tombstone, purgedAt: '2026-11-23T11:01:00.000Z' } });
    expect(await sweep(deps)).toEqual({ expired: 0, purged: 0, settled: 1, deferred: 0, documentsExpired: 0, itemsExpired: 0 });
  });
});
