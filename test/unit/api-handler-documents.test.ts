/**
 * The API function as deployed, over a mocked SDK: reading documents, their pages and their
 * original file, listing them, and deleting one.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DocumentList, DocumentResponse, PageList } from '../../lambdas/api/schemas.js';
import { call, ddb, DOC_ID, expectError, json, MB, OWNER, record, s3, sqs, useApiHandler } from '../support/api-handler-harness.js';

useApiHandler();

describe('reading documents', () => {
  const get = (id: string) => call({ method: 'GET', resource: '/v1/documents/{id}', pathParameters: { id } });

  it('answers a document with its client fields only, metadata from S3 when it spilled', async () => {
    // Arrange
    ddb.on(GetCommand).resolves({
      Item: record({ metadata: undefined, metadataRef: { bucket: 'docs', key: `results/${DOC_ID}/g2/metadata.json` } }),
    });
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => '{"title":"Spilled"}' } as never });

    // Act
    const result = await get(DOC_ID);

    // Assert
    expect(result.statusCode).toBe(200);
    const body = DocumentResponse.parse(json(result));
    expect(body).toMatchObject({ documentId: DOC_ID, status: 'COMPLETED', pageCount: 3, metadata: { title: 'Spilled' } });
    expect(json(result)).not.toHaveProperty('generation');
    expect(json(result)).not.toHaveProperty('ownerId');
  });

  it('answers someone else’s, a deleted and a missing document exactly alike', async () => {
    // Arrange
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: record({ ownerId: 'user-2' }) })
      .resolvesOnce({ Item: record({ deletedAt: '2026-11-23T11:00:00.000Z' }) })
      .resolvesOnce({});

    // Act
    const answers = [await get(DOC_ID), await get(DOC_ID), await get(DOC_ID), await get('not-a-uuid')];

    // Assert
    for (const answer of answers) expect({ status: answer.statusCode, body: answer.body }).toEqual({ status: 404, body: answers[0]!.body });
  });

  it('lists the caller’s documents as the owner index yields them, with a cursor when more follow', async () => {
    // Arrange: three items for a limit of two
    const items = [3, 2, 1].map((n) => record({ documentId: `00000000-0000-4000-8000-00000000000${n}`, createdAt: `2026-11-2${n}T00:00:00.000Z` }));
    items.forEach((item, index) => Object.assign(item, { pk: `DOC#00000000-0000-4000-8000-00000000000${3 - index}` }));
    ddb.on(QueryCommand).resolves({ Items: items });

    // Act
    const result = await call({ method: 'GET', resource: '/v1/documents', query: { limit: '2', status: 'COMPLETED' } });

    // Assert
    // (Which documents the owner index yields, in which order, is the listing's: document-listing-store.test.ts.)
    const body = DocumentList.parse(json(result));
    expect(body.documents.map((document) => document.documentId)).toEqual([
      '00000000-0000-4000-8000-000000000003',
      '00000000-0000-4000-8000-000000000002',
    ]);
    expect(body.nextCursor).toEqual(expect.any(String));
  });

  it('refuses a forged cursor and a bad limit with 400', async () => {
    expectError(await call({ method: 'GET', resource: '/v1/documents', query: { cursor: 'bm90LWEtY3Vyc29y' } }), 400, 'INVALID_CURSOR');
    expectError(await call({ method: 'GET', resource: '/v1/documents', query: { limit: '1000' } }), 400, 'INVALID_QUERY');
  });
});

describe('GET /v1/documents/{id}/pages', () => {
  const pages = (query?: Record<string, string>) =>
    call({ method: 'GET', resource: '/v1/documents/{id}/pages', pathParameters: { id: DOC_ID }, query });
  const page = (pageNumber: number, fields: Record<string, unknown>) => ({
    pk: `DOC#${DOC_ID}`,
    sk: `PAGE#${String(pageNumber).padStart(6, '0')}`,
    pageNumber,
    generation: 2,
    charCount: 10,
    hasText: true,
    needsOcr: false,
    ...fields,
  });

  it('inlines spilled text and tables', async () => {
    // Arrange
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(QueryCommand).resolves({
      Items: [
        page(1, { text: 'one' }),
        page(2, { textRef: { bucket: 'docs', key: 'results/x/page-2.txt' }, tablesRef: { bucket: 'docs', key: 'results/x/t.json' } }),
      ],
    });
    s3.on(GetObjectCommand, { Key: 'results/x/page-2.txt' }).resolves({ Body: { transformToString: async () => 'two (spilled)' } as never });
    s3.on(GetObjectCommand, { Key: 'results/x/t.json' }).resolves({ Body: { transformToString: async () => '[{"rows":[["a","b"]]}]' } as never });

    // Act
    const result = await pages();

    // Assert
    const body = PageList.parse(json(result));
    expect(body.pages.map((p) => p.text)).toEqual(['one', 'two (spilled)']);
    expect(body.pages[1]!.tables).toEqual([{ rows: [['a', 'b']] }]);
    expect(body.nextCursor).toBeUndefined();
  });

  it('stops before the answer passes 4 MB and hands a cursor for the rest', async () => {
    // Arrange: three pages of 1.5 MB of text each
    const big = 'x'.repeat(1.5 * MB);
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(QueryCommand).resolves({ Items: [1, 2, 3].map((n) => page(n, { textRef: { bucket: 'docs', key: `results/x/${n}` } })) });
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => big } as never });

    // Act
    const result = await pages({ limit: '3' });

    // Assert
    expect(Buffer.byteLength(result.body)).toBeLessThan(4 * MB);
    const body = PageList.parse(json(result));
    expect(body.pages.map((p) => p.pageNumber)).toEqual([1, 2]);
    expect(body.nextCursor).toEqual(expect.any(String));
  });

  it('links a single page too large to inline instead of failing', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(QueryCommand).resolves({ Items: [page(1, { textRef: { bucket: 'docs', key: 'results/x/1' } })] });
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => 'y'.repeat(5 * MB) } as never });

    const body = PageList.parse(json(await pages()));

    expect(body.pages[0]!.text).toBeUndefined();
    expect(body.pages[0]!.textUrl).toMatch(/results\/x\/1\?.*X-Amz-Signature=/);
  });

  it('answers 409 while the document is not COMPLETED, and 400 for a bad cursor', async () => {
    ddb.on(GetCommand).resolves({ Item: record({ status: 'PROCESSING' }) });

    expectError(await pages(), 409, 'DOCUMENT_NOT_READY');
    expectError(await pages({ cursor: 'garbage' }), 400, 'INVALID_CURSOR');
  });
});

describe('GET /v1/documents/{id}/file', () => {
  const file = () => call({ method: 'GET', resource: '/v1/documents/{id}/file', pathParameters: { id: DOC_ID } });

  it('redirects (303) to a short-lived presigned GET of the original version, named for download', async () => {
    ddb.on(GetCommand).resolves({ Item: record({ versionId: 'v-7', filename: 'Überblick.pdf' }) });

    const result = await file();

    expect(result.statusCode).toBe(303);
    const location = new URL(result.headers!.Location as string);
    expect(location.pathname).toContain(`uploads/${OWNER}/${DOC_ID}.pdf`);
    expect(location.searchParams.get('versionId')).toBe('v-7');
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(location.searchParams.get('response-content-disposition')).toContain("filename*=UTF-8''%C3%9Cberblick.pdf");
  });

  it('answers 409 while the original has not arrived', async () => {
    ddb.on(GetCommand).resolves({ Item: record({ status: 'UPLOADING' }) });

    expectError(await file(), 409, 'FILE_NOT_AVAILABLE');
  });
});

describe('DELETE /v1/documents/{id}', () => {
  const remove = () => call({ method: 'DELETE', resource: '/v1/documents/{id}', pathParameters: { id: DOC_ID } });

  it('tombstones the record at once, with its purge task, and queues the purge', async () => {
    // Arrange
    ddb.on(GetCommand).resolves({ Item: record() });
    sqs.on(SendMessageCommand).resolves({});

    // Act
    const result = await remove();

    // Assert
    expect(result.statusCode).toBe(202);
    const [transaction] = ddb.commandCalls(TransactWriteCommand);
    // One transaction: the record's change to a tombstone (what a tombstone is: document-store.test.ts) and the purge task.
    const [tombstone, purgeTask] = transaction!.args[0].input.TransactItems!;
    expect(tombstone!.Update!.Key).toEqual({ pk: `DOC#${DOC_ID}`, sk: 'DOCUMENT' });
    expect(purgeTask!.Put!.Item).toMatchObject({ kind: 'purge', documentId: DOC_ID });
    const [message] = sqs.commandCalls(SendMessageCommand);
    expect(JSON.parse(message!.args[0].input.MessageBody!)).toEqual({
      documentId: DOC_ID,
      bucket: 'docs',
      objectKey: `uploads/${OWNER}/${DOC_ID}.pdf`,
    });
  });

  it('still answers 202 when the purge request cannot be sent: the task left with the tombstone covers it', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    sqs.on(SendMessageCommand).rejects(new Error('queue down'));

    expect((await remove()).statusCode).toBe(202);
  });

  it('answers 409 while the document is being extracted', async () => {
    ddb.on(GetCommand).resolves({ Item: record({ status: 'PROCESSING' }) });

    expectError(await remove(), 409, 'DOCUMENT_BUSY');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
