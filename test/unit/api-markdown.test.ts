/**
 * `GET /v1/documents/{id}/markdown` and `/chunks` through the API function as deployed, over a
 * mocked SDK: the caller's own documents only, the scope, the document's state, pagination.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { ChunkList } from '../../lambdas/api/markdown-schemas.js';
import { API_SCOPES, fullScope } from '../../lambdas/api/routes.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { call, ddb, DOC_ID, expectError, json, OWNER, record, s3, useApiHandler } from '../support/api-handler-harness.js';

const MARKDOWN_KEY = `results/${DOC_ID}/g2/document.md`;
const CHUNKS_KEY = `results/${DOC_ID}/g2/chunks.jsonl`;

useApiHandler();

beforeEach(() => {
  ddb.on(PutCommand).resolves({}); // the audit trail
});

/** A GET of one of the document's routes by its owner, with the read scope unless told otherwise. */
function get(resource: string, options: { query?: Record<string, string>; sub?: string; scope?: string } = {}) {
  return call({
    method: 'GET',
    resource,
    pathParameters: { id: DOC_ID },
    query: options.query,
    claims: { sub: options.sub ?? OWNER, scope: options.scope ?? fullScope(API_SCOPES.read), token_use: 'access' },
  });
}

const MARKDOWN = '/v1/documents/{id}/markdown';
const CHUNKS = '/v1/documents/{id}/chunks';

/** The document, COMPLETED with its Markdown and five chunks. */
function storeRecord(overrides: Partial<DocumentRecord> = {}) {
  ddb.on(GetCommand).resolves({
    Item: record({ markdownRef: { bucket: 'docs', key: MARKDOWN_KEY }, chunksRef: { bucket: 'docs', key: CHUNKS_KEY }, chunkCount: 5, ...overrides }),
  });
}

function storeObject(key: string, text: string) {
  s3.on(GetObjectCommand, { Key: key }).resolves({
    ContentLength: Buffer.byteLength(text),
    Body: { transformToString: async () => text, transformToWebStream: () => new ReadableStream() } as never,
  });
}

const chunk = (index: number) => ({
  id: index.toString(16).padStart(32, '0'),
  index,
  headingPath: ['Results'],
  pageNumbers: [index + 1],
  boxes: [{ pageNumber: index + 1, box: [72, 90, 540, 120] }],
  tokenCount: 12,
  text: `Chunk ${index}.`,
});
const CHUNK_LINES = [0, 1, 2, 3, 4].map((index) => JSON.stringify(chunk(index))).join('\n') + '\n';

describe('GET /v1/documents/{id}/markdown', () => {
  it("answers the owner the document's Markdown as text/markdown", async () => {
    // Arrange
    storeRecord();
    storeObject(MARKDOWN_KEY, '<!-- page 1 -->\n\n# Report\n\nText.\n');

    // Act
    const result = await get(MARKDOWN);

    // Assert
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['Content-Type']).toBe('text/markdown; charset=utf-8');
    expect(result.body).toBe('<!-- page 1 -->\n\n# Report\n\nText.\n');
  });

  it('answers another user exactly as for a missing document, and reads nothing', async () => {
    storeRecord();

    const result = await get(MARKDOWN, { sub: 'user-2' });

    expectError(result, 404, 'NOT_FOUND');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('refuses a token without the read scope', async () => {
    storeRecord();

    const result = await get(MARKDOWN, { scope: fullScope(API_SCOPES.write) });

    expectError(result, 403, 'INSUFFICIENT_SCOPE');
  });

  it('answers 409 until the document is COMPLETED, and 404 for one extracted without Markdown', async () => {
    storeRecord({ status: 'PROCESSING' });
    const processing = await get(MARKDOWN);
    storeRecord({ markdownRef: undefined, chunksRef: undefined, chunkCount: undefined });
    const withoutMarkdown = await get(MARKDOWN);

    expectError(processing, 409, 'DOCUMENT_NOT_READY');
    expectError(withoutMarkdown, 404, 'MARKDOWN_NOT_AVAILABLE');
  });

  it('redirects to a short-lived URL when the Markdown is too large for an answer', async () => {
    storeRecord();
    s3.on(GetObjectCommand, { Key: MARKDOWN_KEY }).resolves({ ContentLength: 5 * 1024 * 1024, Body: { transformToWebStream: () => new ReadableStream() } as never });

    const result = await get(MARKDOWN);

    expect(result.statusCode).toBe(303);
    expect(result.headers?.Location).toContain(encodeURIComponent(MARKDOWN_KEY).replaceAll('%2F', '/'));
  });
});

describe('GET /v1/documents/{id}/chunks', () => {
  it('pages through every chunk in order with the cursor, the last page without one', async () => {
    // Arrange
    storeRecord();
    storeObject(CHUNKS_KEY, CHUNK_LINES);

    // Act
    const first = ChunkList.parse(json(await get(CHUNKS, { query: { limit: '2' } })));
    const second = ChunkList.parse(json(await get(CHUNKS, { query: { limit: '2', cursor: first.nextCursor! } })));
    const last = ChunkList.parse(json(await get(CHUNKS, { query: { limit: '2', cursor: second.nextCursor! } })));

    // Assert
    expect([...first.chunks, ...second.chunks, ...last.chunks].map((each) => each.index)).toEqual([0, 1, 2, 3, 4]);
    expect(first.chunks[0]).toEqual(chunk(0));
    expect(first.chunkCount).toBe(5);
    expect(last.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not issue and a limit out of range', async () => {
    storeRecord();
    storeObject(CHUNKS_KEY, CHUNK_LINES);

    expectError(await get(CHUNKS, { query: { cursor: 'not-a-cursor' } }), 400, 'INVALID_CURSOR');
    expectError(await get(CHUNKS, { query: { limit: '101' } }), 400, 'INVALID_QUERY');
  });

  it('answers another user 404', async () => {
    storeRecord();

    expectError(await get(CHUNKS, { sub: 'user-2' }), 404, 'NOT_FOUND');
  });
});
