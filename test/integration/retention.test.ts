/**
 * Document retention on the local runtime, with a retention of seconds instead of days: a
 * document reads normally until it expires, is gone from every read the moment it does (before
 * anything has removed it), is not revived by a later event for its object, and the sweeper then
 * removes its record, pages and objects, as DynamoDB TTL and the bucket's lifecycle rules do on AWS.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_LAYOUT } from '../../lambdas/shared/contract.js';
import { ApiClient } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { makePdf } from '../support/pdf-factory.js';

/** Long enough for a warm extraction, short enough to wait out in a test. */
const RETENTION_SECONDS = 30;

let local: TestRuntime;
let table: DynamoDBDocumentClient;
let alice: ApiClient;

beforeAll(async () => {
  local = await startTestRuntime({
    // The sweep runs when the test says, so what reads do before it is seen on its own.
    api: { documentRetentionSeconds: RETENTION_SECONDS, sweepIntervalSeconds: 3600 },
  });
  table = DynamoDBDocumentClient.from(local.clients.dynamoDb);
  alice = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue('alice'));
  // Warm the extractor's environment, so the documents below complete well within their retention.
  const warmUp = await uploadDirect(alice, makePdf(['warm-up']));
  await waitFor(async () => (await rawItem(warmUp.body.documentId))?.status !== 'QUEUED' || undefined, {
    timeoutMs: 90_000,
    description: 'the extractor to pick up the warm-up document',
  });
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

const documentKey = (documentId: string) => ({ [TABLE_LAYOUT.partitionKey]: `DOC#${documentId}`, [TABLE_LAYOUT.sortKey]: 'DOCUMENT' });

/** The record as stored, expired or not: what DynamoDB TTL has yet to remove. */
async function rawItem(documentId: string): Promise<Record<string, any> | undefined> {
  const { Item } = await table.send(
    new GetCommand({ TableName: local.outputs.TableName, Key: documentKey(documentId), ConsistentRead: true }),
  );
  return Item;
}

async function pageItems(documentId: string): Promise<Record<string, any>[]> {
  return new PipelineProbe(local).pages(documentId);
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await local.clients.s3.send(new GetObjectCommand({ Bucket: local.outputs.BucketName, Key: key }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey' || (error as Error).name === 'NotFound') return false;
    throw error;
  }
}

/** Waits until the clock has passed an expiry given in epoch seconds. */
async function waitUntilExpired(expiresAt: number): Promise<void> {
  await waitFor(() => Date.now() / 1000 >= expiresAt + 1, {
    timeoutMs: (RETENTION_SECONDS + 30) * 1000,
    intervalMs: 250,
    description: 'the retention to pass',
  });
}

describe('an expiring document', () => {
  let documentId: string;
  let expiresAt: number;
  let objectKey: string;

  it('carries its expiry, and reads normally until then', async () => {
    // Arrange
    const accepted = await uploadDirect(alice, makePdf(['Kept for a few seconds', 'then gone']));
    documentId = accepted.body.documentId;

    // Act
    const completed = await documentIn(alice, documentId, ['COMPLETED', 'FAILED']);
    const item = await rawItem(documentId);
    const pages = await alice.call('listDocumentPages', { id: documentId });
    const listing = await alice.call('listDocuments');

    // Assert
    expect(completed.status).toBe('COMPLETED');
    expiresAt = item!.expiresAt;
    objectKey = item!.objectKey;
    expect(expiresAt).toBe(Math.floor(Date.parse(item!.createdAt) / 1000) + RETENTION_SECONDS);
    expect(Date.now() / 1000).toBeLessThan(expiresAt);
    expect((await pageItems(documentId)).map((page) => page.expiresAt)).toEqual([expiresAt, expiresAt]);
    expect(pages.status).toBe(200);
    expect(pages.body.pages.map((page: { text: string }) => page.text).join(' ')).toContain('Kept for a few seconds');
    expect(listing.body.documents.map((document: { documentId: string }) => document.documentId)).toContain(documentId);
  });

  it('is gone from every read the moment it expires, though nothing has removed it yet', async () => {
    // Arrange
    await waitUntilExpired(expiresAt);

    // Act
    const read = await alice.call('getDocument', { id: documentId });
    const pages = await alice.call('listDocumentPages', { id: documentId });
    const download = await alice.call('downloadDocumentFile', { id: documentId });
    const listing = await alice.call('listDocuments');

    // Assert
    expect(read.status).toBe(404);
    expect(pages.status).toBe(404);
    expect(download.status).toBe(404);
    expect(listing.body.documents.map((document: { documentId: string }) => document.documentId)).not.toContain(documentId);
    expect(await rawItem(documentId)).toBeDefined();
    expect(await pageItems(documentId)).toHaveLength(2);
  });

  it('is not revived by a new event for its object', async () => {
    // Arrange
    const before = await rawItem(documentId);

    // Act: the same key written again, which the bucket notifies as a newer object
    await local.clients.s3.send(
      new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: objectKey, Body: makePdf(['a newer version']), ContentType: 'application/pdf' }),
    );
    await waitFor(
      () => existsSync(local.runtime.layout.extractLog) && extractorSkippedAsExpired(documentId),
      { timeoutMs: 60_000, description: 'the extractor to skip the expired document' },
    );

    // Assert
    const after = await rawItem(documentId);
    expect(after).toMatchObject({ status: 'COMPLETED', generation: before!.generation, expiresAt, sequencer: before!.sequencer });
    expect((await alice.call('getDocument', { id: documentId })).status).toBe(404);
  }, 180_000);

  it('is swept away with its pages and objects', async () => {
    // Act: sweeps until one has finished the work; on a busy machine a run may stop between
    // items when its time runs short, and leaves the rest for the next, as the schedule does.
    await waitFor(
      async () => {
        await local.runtime.api.sweepNow();
        return (await rawItem(documentId)) === undefined && !(await objectExists(objectKey));
      },
      { timeoutMs: 120_000, description: 'a sweep to remove the expired document' },
    );

    // Assert
    expect(await rawItem(documentId)).toBeUndefined();
    expect(await pageItems(documentId)).toEqual([]);
    expect(await objectExists(objectKey)).toBe(false);
  }, 180_000);
});

/** Whether the extractor's log shows this document skipped because it expired. */
function extractorSkippedAsExpired(documentId: string): boolean {
  return readFileSync(local.runtime.layout.extractLog, 'utf8')
    .split('\n')
    .some((line) => line.includes(documentId) && line.includes('"reason":"expired"'));
}
