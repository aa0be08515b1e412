/**
 * Which version of an original a restore reads on a versioned bucket (AWS), over in-memory
 * stores and a mocked S3 and SQS: the local emulator keeps no versions, so the integration test
 * cannot show these.
 */
import { HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { restoreDocument } from '../../cli/ops/restore-document.js';
import { deriveDocumentId } from '../../lambdas/extract/document-id.js';
import { inMemoryDocumentStores } from '../support/document-stores-fake.js';

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const KEY = `uploads/user-1/${DOC_ID}.pdf`;
const NOW = new Date('2026-11-23T12:00:00.000Z');

let stores: ReturnType<typeof inMemoryDocumentStores>;
const deps = () => ({
  documents: stores.documents,
  pages: stores.pages,
  s3: new S3Client({ region: 'eu-west-1' }),
  sqs: new SQSClient({ region: 'eu-west-1' }),
  bucketName: 'docs',
  queueUrls: { interactive: 'https://sqs/interactive', bulk: 'https://sqs/bulk' },
  now: () => NOW,
});

/** The S3 event the restore queued, as the extractor will read it. */
function queuedEvent() {
  const [call] = sqs.commandCalls(SendMessageCommand);
  return { queueUrl: call!.args[0].input.QueueUrl, record: JSON.parse(call!.args[0].input.MessageBody!).Records[0] };
}

beforeEach(() => {
  s3.reset();
  sqs.reset();
  stores = inMemoryDocumentStores({ documentRetentionSeconds: 365 * 86_400, now: () => NOW.getTime() });
  s3.on(ListObjectVersionsCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({});
  sqs.on(SendMessageCommand).resolves({});
});

describe('restoreDocument on a versioned bucket', () => {
  it('reads the newest noncurrent version when the current object was deleted', async () => {
    // Arrange: a delete marker on top of two versions
    s3.on(ListObjectVersionsCommand, { Prefix: KEY }).resolves({
      DeleteMarkers: [{ Key: KEY, VersionId: 'marker', IsLatest: true, LastModified: new Date('2026-11-20T00:00:00Z') }],
      Versions: [
        { Key: KEY, VersionId: 'v2', IsLatest: false, Size: 2048, LastModified: new Date('2026-11-10T00:00:00Z') },
        { Key: KEY, VersionId: 'v1', IsLatest: false, Size: 1024, LastModified: new Date('2026-11-01T00:00:00Z') },
      ],
    });
    s3.on(ListObjectVersionsCommand, { Prefix: 'uploads/' }).resolves({
      DeleteMarkers: [{ Key: KEY, VersionId: 'marker', IsLatest: true }],
      Versions: [{ Key: KEY, VersionId: 'v2' }],
    });

    // Act
    const outcome = await restoreDocument(DOC_ID, deps());

    // Assert
    expect(outcome).toMatchObject({ kind: 'queued', lane: 'interactive', original: { key: KEY, versionId: 'v2', size: 2048, noncurrent: true } });
    const { queueUrl, record } = queuedEvent();
    expect(queueUrl).toBe('https://sqs/interactive');
    expect(record.s3.object).toMatchObject({ key: KEY, versionId: 'v2', size: 2048 });
    expect(await stores.documents.get(DOC_ID)).toMatchObject({
      documentId: DOC_ID,
      ownerId: 'user-1',
      status: 'QUEUED',
      versionId: 'v2',
      generation: 1,
      createdAt: '2026-11-10T00:00:00.000Z',
    });
  });

  it('reads the current version while there is one', async () => {
    // Arrange
    s3.on(ListObjectVersionsCommand, { Prefix: 'uploads/' }).resolves({ Versions: [{ Key: KEY, VersionId: 'v2' }] });
    s3.on(ListObjectVersionsCommand, { Prefix: KEY }).resolves({
      Versions: [
        { Key: KEY, VersionId: 'v2', IsLatest: true, Size: 2048, LastModified: new Date('2026-11-10T00:00:00Z') },
        { Key: KEY, VersionId: 'v1', IsLatest: false, Size: 1024, LastModified: new Date('2026-11-01T00:00:00Z') },
      ],
    });

    // Act
    const outcome = await restoreDocument(DOC_ID, deps());

    // Assert
    expect(outcome).toMatchObject({ kind: 'queued', original: { versionId: 'v2', noncurrent: false } });
  });

  it("reads exactly the drop-folder version the document's id was derived from, on the bulk lane", async () => {
    // Arrange
    const key = 'incoming/user-1/scans/contract.pdf';
    const documentId = deriveDocumentId('docs', key, 'v1');
    const versions = {
      Versions: [
        { Key: key, VersionId: 'v2', IsLatest: true, Size: 10, LastModified: new Date('2026-11-10T00:00:00Z') },
        { Key: key, VersionId: 'v1', IsLatest: false, Size: 20, LastModified: new Date('2026-11-01T00:00:00Z') },
      ],
    };
    s3.on(ListObjectVersionsCommand, { Prefix: 'incoming/' }).resolves(versions);
    s3.on(ListObjectVersionsCommand, { Prefix: key }).resolves(versions);

    // Act
    const outcome = await restoreDocument(documentId, deps());

    // Assert
    expect(outcome).toMatchObject({ kind: 'queued', lane: 'bulk', original: { key, versionId: 'v1', size: 20, noncurrent: true } });
    expect(queuedEvent().queueUrl).toBe('https://sqs/bulk');
    expect(await stores.documents.get(documentId)).toMatchObject({ source: 'drop-folder', sourceKey: key, filename: 'contract.pdf' });
  });

  it('answers no-original when every version is gone', async () => {
    // Arrange
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound' }));

    // Act
    const outcome = await restoreDocument(DOC_ID, deps());

    // Assert
    expect(outcome).toEqual({ kind: 'no-original' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
