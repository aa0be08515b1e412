/**
 * Shards that fail or arrive when they should not, end to end on the local runtime (shards of 10
 * pages): a page that cannot be loaded completes its document with the page marked; a range that
 * cannot be read fails the document with its code; a duplicate shard, a shard of a generation the
 * document has left and a shard of a deleted document change nothing, and a document completes
 * with one event. Shard messages made here are what the planning invocation sends, put on the
 * lane's shard queue the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARD_MESSAGE_KIND, type ShardMessage } from '../../lambdas/extract/shard-message.js';
import type { PageRange } from '../../lambdas/extract/shard-plan.js';
import { DocumentStore } from '../../lambdas/shared/document-store.js';
import { ShardProgressStore } from '../../lambdas/shared/shard-progress.js';
import { clientsPerUser } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { pdfWithBrokenPages } from '../support/broken-pages-pdf.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf, numberedPages } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';

let local: TestRuntime;
let probe: PipelineProbe;
const as = clientsPerUser(() => local);
const OWNER = 'shard-failures';
const LONG_TEST_MS = 180_000;

beforeAll(async () => {
  local = await startTestRuntime({ pagesPerShard: 10 });
  probe = new PipelineProbe(local);
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

function stores() {
  const client = DynamoDBDocumentClient.from(local.clients.dynamoDb);
  return { documents: new DocumentStore(client, local.outputs.TableName), shards: new ShardProgressStore(client, local.outputs.TableName) };
}

function completionEvents(documentId: string): unknown[] {
  const file = local.outputs.EventLog;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { 'detail-type': string; detail: { documentId: string } })
    .filter((event) => event.detail.documentId === documentId && event['detail-type'] === 'Document Completed');
}

/**
 * A PROCESSING document of `OWNER` whose original is `pdf`, planned in `count` shards as the
 * planning invocation records it; returns what a shard message of it needs.
 */
async function plannedDocument(documentId: string, pdf: Uint8Array, count: number, pageCount: number) {
  const key = `fixtures/${documentId}.pdf`;
  await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: pdf }));
  const now = new Date().toISOString();
  const { documents, shards } = stores();
  await documents.create({
    documentId,
    ownerId: OWNER,
    status: 'PROCESSING',
    source: 'api',
    lane: 'interactive',
    generation: 1,
    attempts: 1,
    pageCount,
    size: pdf.byteLength,
    createdAt: now,
    updatedAt: now,
  });
  await shards.startShards(documentId, 1, count, pageCount);
  const object = { bucket: local.outputs.BucketName, key, size: pdf.byteLength, sequencer: '0A', eventTime: now };
  return (index: number, pages: PageRange, generation = 1): ShardMessage => ({
    kind: SHARD_MESSAGE_KIND,
    documentId,
    generation,
    lane: 'interactive',
    object,
    index,
    count,
    pages,
  });
}

async function sendShard(message: ShardMessage): Promise<void> {
  await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: local.outputs.ShardQueueUrl, MessageBody: JSON.stringify(message) }));
}

/** Every shard message sent so far has been received and deleted: its invocation is over. */
async function shardQueueDrained(): Promise<void> {
  await waitFor(
    async () => {
      const { Attributes = {} } = await local.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: local.outputs.ShardQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible) === 0;
    },
    { timeoutMs: 120_000, description: 'the shard queue to drain' },
  );
}

describe('a page that cannot be loaded', () => {
  it('completes its document, that page marked unreadable and empty, the others read', async () => {
    // Arrange: 25 pages in shards of 1–8, 9–16 and 17–25; page 14 points at no object.
    const client = await as(OWNER);
    const texts = numberedPages(25, 'Damaged');

    // Act
    const { body } = await uploadDirect(client, pdfWithBrokenPages(texts, new Set([14])), { filename: 'damaged.pdf' });
    const record = await documentIn(client, body.documentId, ['COMPLETED', 'FAILED'], 120_000);
    const pages = await probe.pages(body.documentId);

    // Assert
    expect(record).toMatchObject({ status: 'COMPLETED', pageCount: 25 });
    expect(await probe.documents.get(body.documentId)).toMatchObject({ shardCount: 3, shardsDone: 3 });
    expect(pages.filter((page) => page.unreadable).map((page) => page.pageNumber)).toEqual([14]);
    expect(pages.find((page) => page.pageNumber === 14)).toMatchObject({ text: '', hasText: false });
    expect(pages.filter((page) => !page.unreadable).map((page) => page.text?.trim())).toEqual(texts.filter((_, index) => index !== 13));
  }, LONG_TEST_MS);
});

describe('a shard whose range cannot be read', () => {
  it('fails its document with the code and a message naming the pages, once', async () => {
    // Arrange: the plan says 20 pages, the file has 5: the second range does not exist.
    const documentId = '00000000-0000-4000-8000-00000000b001';
    const shard = await plannedDocument(documentId, makePdf(numberedPages(5, 'Short')), 2, 20);

    // Act
    await sendShard(shard(1, { first: 11, last: 20 }));
    const failed = await probe.terminal(documentId, 120_000);
    await sendShard(shard(0, { first: 1, last: 10 }));
    await shardQueueDrained();

    // Assert
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'CORRUPT' } });
    expect(failed.error?.message).toMatch(/^Pages 11–20: /);
    expect(await stores().documents.get(documentId)).toMatchObject({ status: 'FAILED', shardsDone: 0 });
  }, LONG_TEST_MS);
});

describe('progress of a document in shards', () => {
  it('shows pagesDone of pageCount through the API while shards remain (no delete meanwhile), and completes with the last', async () => {
    // Arrange
    const client = await as(OWNER);
    const documentId = '00000000-0000-4000-8000-00000000b002';
    const shard = await plannedDocument(documentId, makePdf(numberedPages(20, 'Progress')), 2, 20);

    // Act: the second shard alone, then the first
    await sendShard(shard(1, { first: 11, last: 20 }));
    const halfway = await waitFor(
      async () => {
        const { body } = await client.call('getDocument', { id: documentId });
        return body.progress?.shardsDone === 1 ? body : undefined;
      },
      { timeoutMs: 120_000, description: 'the second shard recorded' },
    );
    const deleteMidway = await client.call('deleteDocument', { id: documentId });
    await sendShard(shard(0, { first: 1, last: 10 }));
    const completed = await documentIn(client, documentId, ['COMPLETED', 'FAILED'], 120_000);

    // Assert
    expect(deleteMidway.status).toBe(409);
    expect(halfway).toMatchObject({ status: 'PROCESSING', progress: { pagesDone: 10, pageCount: 20, shards: 2, shardsDone: 1 } });
    expect(completed.status).toBe('COMPLETED');
    expect(completed.progress).toBeUndefined();
    expect((await probe.pages(documentId)).map((page) => page.pageNumber)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
  }, LONG_TEST_MS);
});

describe('shards that arrive when they should not', () => {
  it('ignores a duplicate of a shard of a completed document: one completion, one event', async () => {
    // Arrange
    const documentId = '00000000-0000-4000-8000-00000000b003';
    const shard = await plannedDocument(documentId, makePdf(numberedPages(20, 'Twice')), 2, 20);
    await sendShard(shard(0, { first: 1, last: 10 }));
    await sendShard(shard(1, { first: 11, last: 20 }));
    const completed = await probe.terminal(documentId, 120_000);
    await waitFor(() => completionEvents(documentId).length === 1, { timeoutMs: 60_000, description: 'the completion event' });

    // Act: the last shard delivered again, and the first
    await sendShard(shard(1, { first: 11, last: 20 }));
    await sendShard(shard(0, { first: 1, last: 10 }));
    await shardQueueDrained();

    // Assert
    expect(completed.status).toBe('COMPLETED');
    expect(await stores().documents.get(documentId)).toMatchObject({ status: 'COMPLETED', shardsDone: 2, updatedAt: completed.updatedAt });
    expect(completionEvents(documentId)).toHaveLength(1);
  }, LONG_TEST_MS);

  it('ignores a shard of a generation the document has left: the reprocessed pages stay, no extra event', async () => {
    // Arrange: a long upload, completed, then reprocessed to generation 2 and completed again
    const client = await as(OWNER);
    const texts = numberedPages(25, 'Again');
    const { body } = await uploadDirect(client, makePdf(texts));
    const first = await probe.terminal(body.documentId, 120_000);
    await client.call('reprocessDocument', { id: body.documentId });
    const second = await waitFor(
      async () => {
        const record = await probe.documents.get(body.documentId);
        return record?.generation === 2 && record.status === 'COMPLETED' ? record : undefined;
      },
      { timeoutMs: 120_000, description: 'generation 2 to complete' },
    );
    await waitFor(() => completionEvents(body.documentId).length === 2, { timeoutMs: 60_000, description: 'two completion events' });
    const object = { bucket: first.bucket!, key: first.objectKey!, size: first.size ?? 0, sequencer: first.sequencer ?? '0A', eventTime: first.createdAt };
    const storedBefore = await probe.pages(body.documentId);

    // Act: a late shard of generation 1
    await sendShard({ kind: SHARD_MESSAGE_KIND, documentId: body.documentId, generation: 1, lane: 'interactive', object, index: 1, count: 3, pages: { first: 9, last: 16 } });
    await shardQueueDrained();

    // Assert
    const served = (await client.call('listDocumentPages', { id: body.documentId, query: { limit: 100 } })).body.pages;
    expect(await probe.documents.get(body.documentId)).toMatchObject({ generation: 2, status: 'COMPLETED', updatedAt: second.updatedAt });
    expect(await probe.pages(body.documentId)).toEqual(storedBefore);
    expect(served.map((page: { text: string }) => page.text.trim())).toEqual(texts);
    expect(completionEvents(body.documentId)).toHaveLength(2);
  }, LONG_TEST_MS);

  it('never revives a deleted document: a late shard writes no page and no status', async () => {
    // Arrange: a long upload, completed, deleted and purged
    const client = await as(OWNER);
    const { body } = await uploadDirect(client, makePdf(numberedPages(25, 'Gone')));
    const completed = await probe.terminal(body.documentId, 120_000);
    const deleted = await client.call('deleteDocument', { id: body.documentId });
    // The purge deletes the pages, then marks the tombstone: the mark is its last write.
    const before = await waitFor(async () => {
      const record = await probe.documents.get(body.documentId);
      return record?.purgedAt !== undefined ? record : undefined;
    }, { timeoutMs: 120_000, description: 'the purge to mark the tombstone' });
    const object = { bucket: completed.bucket!, key: completed.objectKey!, size: completed.size ?? 0, sequencer: completed.sequencer ?? '0A', eventTime: completed.createdAt };

    // Act
    await sendShard({ kind: SHARD_MESSAGE_KIND, documentId: body.documentId, generation: 1, lane: 'interactive', object, index: 2, count: 3, pages: { first: 17, last: 25 } });
    await shardQueueDrained();

    // Assert
    expect(deleted.status).toBe(202);
    expect(await probe.pages(body.documentId)).toEqual([]);
    expect(await probe.documents.get(body.documentId)).toEqual(before);
    expect((await client.call('getDocument', { id: body.documentId })).status).toBe(404);
  }, LONG_TEST_MS);
});
