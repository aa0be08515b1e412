/**
 * Long documents in page-range shards, end to end on the local runtime (shards of 10 pages, so a
 * document of a few dozen pages is split): every page once, in order, from the current
 * generation; the completion counted once, even when the last two shards are recorded at once;
 * a reprocess and a delete leave a consistent document; a shard whose pages break the budget
 * fails its document with the code.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStore } from '../../lambdas/shared/document-store.js';
import { ShardProgressStore } from '../../lambdas/shared/shard-progress.js';
import { clientsPerUser } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf, numberedPages } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';

let local: TestRuntime;
let probe: PipelineProbe;
const as = clientsPerUser(() => local);
const PAGES_PER_SHARD = 10;

beforeAll(async () => {
  local = await startTestRuntime({ pagesPerShard: PAGES_PER_SHARD });
  probe = new PipelineProbe(local);
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

const LONG_TEST_MS = 180_000;

async function allPages(client: Awaited<ReturnType<typeof as>>, documentId: string) {
  const pages: { pageNumber: number; text: string }[] = [];
  let cursor: string | undefined;
  do {
    const answer = await client.call('listDocumentPages', { id: documentId, query: { limit: 100, ...(cursor ? { cursor } : {}) } });
    pages.push(...answer.body.pages);
    cursor = answer.body.nextCursor;
  } while (cursor);
  return pages;
}

describe('a long document in shards', () => {
  it('completes once with every page, in order, read by several invocations', async () => {
    // Arrange
    const client = await as('shard-owner');
    const pdf = makePdf(numberedPages(45, 'Long'));

    // Act
    const { body } = await uploadDirect(client, pdf, { filename: 'long.pdf' });
    const record = await documentIn(client, body.documentId, ['COMPLETED', 'FAILED'], 120_000);
    const pages = await allPages(client, body.documentId);
    const stored = await probe.documents.get(body.documentId);
    const markdown = await client.call<string>('getDocumentMarkdown', { id: body.documentId });

    // Assert
    expect(record).toMatchObject({ status: 'COMPLETED', pageCount: 45 });
    expect(record.progress).toBeUndefined();
    expect(pages.map((page) => page.pageNumber)).toEqual(Array.from({ length: 45 }, (_, index) => index + 1));
    expect(pages.map((page) => page.text.trim())).toEqual(numberedPages(45, 'Long'));
    expect(stored).toMatchObject({ shardCount: 5, shardsDone: 5, pagesDone: 45 });
    expect([...(stored?.doneShards ?? [])].sort()).toEqual([0, 1, 2, 3, 4]);
    // The Markdown is the whole document's, assembled from every shard's stored pages at completion.
    expect(stored?.markdownRef?.key).toBe(`results/${body.documentId}/g1/document.md`);
    const expected = numberedPages(45, 'Long').map((text, index) => `<!-- page ${index + 1} -->\n\n${text}`).join('\n\n');
    expect(markdown.body).toBe(`${expected}\n`);
  }, LONG_TEST_MS);

  it('keeps the pages of the current generation only after a reprocess', async () => {
    const client = await as('shard-owner');
    const { body } = await uploadDirect(client, makePdf(numberedPages(25, 'Again')));
    await documentIn(client, body.documentId, ['COMPLETED'], 120_000);

    const reprocess = await client.call('reprocessDocument', { id: body.documentId });
    await waitFor(async () => {
      const record = await probe.documents.get(body.documentId);
      return record?.generation === 2 && record.status === 'COMPLETED' ? record : undefined;
    }, { timeoutMs: 120_000, description: 'the second generation to complete' });
    const pages = await allPages(client, body.documentId);

    expect(reprocess.status).toBe(202);
    expect(pages).toHaveLength(25);
    expect(pages.map((page) => page.text.trim())).toEqual(numberedPages(25, 'Again'));
    expect((await probe.documents.get(body.documentId))?.chunksRef?.key).toBe(`results/${body.documentId}/g2/chunks.jsonl`);
  }, LONG_TEST_MS);
});

describe('shard progress on the record (DynamoDB Local)', () => {
  function store() {
    const client = DynamoDBDocumentClient.from(local.clients.dynamoDb);
    return {
      shards: new ShardProgressStore(client, local.outputs.TableName),
      documents: new DocumentStore(client, local.outputs.TableName),
    };
  }

  async function processingRecord(documentId: string) {
    const { documents } = store();
    const now = new Date().toISOString();
    await documents.create({ documentId, status: 'PROCESSING', source: 'api', lane: 'interactive', generation: 1, attempts: 1, createdAt: now, updatedAt: now });
  }

  it('lets exactly one of two last shards recorded at once see the plan complete', async () => {
    // Arrange
    const { shards } = store();
    const documentId = '00000000-0000-4000-8000-00000000a001';
    await processingRecord(documentId);
    await shards.startShards(documentId, 1, 3, 30);
    await shards.recordShardDone(documentId, 1, 0);

    // Act: the last two shards at once, and one of them delivered twice
    const results = await Promise.all([
      shards.recordShardDone(documentId, 1, 1),
      shards.recordShardDone(documentId, 1, 2),
      shards.recordShardDone(documentId, 1, 2),
    ]);

    // Assert
    const recorded = results.filter((result) => result.outcome === 'recorded');
    expect(recorded).toHaveLength(2);
    expect(recorded.filter((result) => result.outcome === 'recorded' && result.shardsDone === result.shardCount)).toHaveLength(1);
  });

  it("adds each shard's OCR pages to the record once, however often the shard is delivered", async () => {
    // Arrange
    const { shards, documents } = store();
    const documentId = '00000000-0000-4000-8000-00000000a003';
    await processingRecord(documentId);
    await shards.startShards(documentId, 1, 3, 30);

    // Act: shard 1 delivered twice, and both deliveries recorded at once
    await shards.recordShardDone(documentId, 1, 0, 2);
    await Promise.all([shards.recordShardDone(documentId, 1, 1, 5), shards.recordShardDone(documentId, 1, 1, 5)]);
    await shards.recordShardDone(documentId, 1, 2, 0);

    // Assert
    expect(await documents.get(documentId)).toMatchObject({ shardsDone: 3, ocrPages: 7 });
  });

  it('keeps a retried plan and its progress, and drops progress for a generation the document left', async () => {
    const { shards, documents } = store();
    const documentId = '00000000-0000-4000-8000-00000000a002';
    await processingRecord(documentId);
    await shards.startShards(documentId, 1, 4, 40);
    await shards.addPagesDone(documentId, 1, 10);
    await shards.recordShardDone(documentId, 1, 0);

    const replanned = await shards.startShards(documentId, 1, 4, 40);
    await shards.addPagesDone(documentId, 2, 10);
    const oldGeneration = await shards.recordShardDone(documentId, 2, 1);

    expect(replanned).toBe(false);
    expect(oldGeneration).toEqual({ outcome: 'not-recorded' });
    expect(await documents.get(documentId)).toMatchObject({ shardCount: 4, shardsDone: 1, pagesDone: 10 });
  });
});
