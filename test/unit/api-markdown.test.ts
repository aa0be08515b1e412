/**
 * `GET /v1/documents/{id}/markdown` and `/chunks` through the API function as deployed, over a
 * mocked SDK: the caller's own documents only, the scope, the document's state, pagination.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChunkList } from '../../lambdas/api/markdown-schemas.js';
import { ErrorResponse } from '../../lambdas/api/schemas.js';
import { API_SCOPES, fullScope } from '../../lambdas/api/routes.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { apiTestEnvironment } from '../support/api-environment.js';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const OWNER = 'user-1';
const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const MARKDOWN_KEY = `results/${DOC_ID}/g2/document.md`;
const CHUNKS_KEY = `results/${DOC_ID}/g2/chunks.jsonl`;

let handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

beforeAll(async () => {
  const env: Record<string, string> = {
    ...apiTestEnvironment({ PURGE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/purge' }),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  ({ handler } = (await import('../../lambdas/api/handler.js')) as never);
});

beforeEach(() => {
  ddb.reset();
  s3.reset();
  ddb.on(PutCommand).resolves({}); // the audit trail
});

const context = { getRemainingTimeInMillis: () => 29_000, functionName: 'api', awsRequestId: 'req-1' } as unknown as Context;

function call(resource: string, options: { query?: Record<string, string>; sub?: string; scope?: string } = {}) {
  const claims = { sub: options.sub ?? OWNER, scope: options.scope ?? fullScope(API_SCOPES.read), token_use: 'access' };
  return handler(
    {
      resource,
      path: resource.replace('{id}', DOC_ID),
      httpMethod: 'GET',
      headers: {},
      multiValueHeaders: {},
      queryStringParameters: options.query ?? null,
      multiValueQueryStringParameters: null,
      pathParameters: { id: DOC_ID },
      stageVariables: null,
      requestContext: { requestId: 'r-1', stage: 'api', authorizer: { claims } } as never,
      body: null,
      isBase64Encoded: false,
    },
    context,
  );
}

const MARKDOWN = '/v1/documents/{id}/markdown';
const CHUNKS = '/v1/documents/{id}/chunks';

function storeRecord(overrides: Partial<DocumentRecord> = {}) {
  ddb.on(GetCommand).resolves({
    Item: {
      pk: `DOC#${DOC_ID}`,
      sk: 'DOCUMENT',
      documentId: DOC_ID,
      ownerId: OWNER,
      status: 'COMPLETED',
      source: 'api',
      generation: 2,
      attempts: 1,
      pageCount: 3,
      markdownRef: { bucket: 'docs', key: MARKDOWN_KEY },
      chunksRef: { bucket: 'docs', key: CHUNKS_KEY },
      chunkCount: 5,
      createdAt: '2026-11-23T10:00:00.000Z',
      updatedAt: '2026-11-23T10:01:00.000Z',
      ...overrides,
    },
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

function expectError(result: APIGatewayProxyResult, statusCode: number, code: string) {
  expect(result.statusCode).toBe(statusCode);
  expect(ErrorResponse.parse(JSON.parse(result.body)).error.code).toBe(code);
}

describe('GET /v1/documents/{id}/markdown', () => {
  it("answers the owner the document's Markdown as text/markdown", async () => {
    // Arrange
    storeRecord();
    storeObject(MARKDOWN_KEY, '<!-- page 1 -->\n\n# Report\n\nText.\n');

    // Act
    const result = await call(MARKDOWN);

    // Assert
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['Content-Type']).toBe('text/markdown; charset=utf-8');
    expect(result.body).toBe('<!-- page 1 -->\n\n# Report\n\nText.\n');
  });

  it('answers another user exactly as for a missing document, and reads nothing', async () => {
    storeRecord();

    const result = await call(MARKDOWN, { sub: 'user-2' });

    expectError(result, 404, 'NOT_FOUND');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('refuses a token without the read scope', async () => {
    storeRecord();

    const result = await call(MARKDOWN, { scope: fullScope(API_SCOPES.write) });

    expectError(result, 403, 'INSUFFICIENT_SCOPE');
  });

  it('answers 409 until the document is COMPLETED, and 404 for one extracted without Markdown', async () => {
    storeRecord({ status: 'PROCESSING' });
    const processing = await call(MARKDOWN);
    storeRecord({ markdownRef: undefined, chunksRef: undefined, chunkCount: undefined });
    const withoutMarkdown = await call(MARKDOWN);

    expectError(processing, 409, 'DOCUMENT_NOT_READY');
    expectError(withoutMarkdown, 404, 'MARKDOWN_NOT_AVAILABLE');
  });

  it('redirects to a short-lived URL when the Markdown is too large for an answer', async () => {
    storeRecord();
    s3.on(GetObjectCommand, { Key: MARKDOWN_KEY }).resolves({ ContentLength: 5 * 1024 * 1024, Body: { transformToWebStream: () => new ReadableStream() } as never });

    const result = await call(MARKDOWN);

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
    const first = ChunkList.parse(JSON.parse((await call(CHUNKS, { query: { limit: '2' } })).body));
    const second = ChunkList.parse(JSON.parse((await call(CHUNKS, { query: { limit: '2', cursor: first.nextCursor! } })).body));
    const last = ChunkList.parse(JSON.parse((await call(CHUNKS, { query: { limit: '2', cursor: second.nextCursor! } })).body));

    // Assert
    expect([...first.chunks, ...second.chunks, ...last.chunks].map((each) => each.index)).toEqual([0, 1, 2, 3, 4]);
    expect(first.chunks[0]).toEqual(chunk(0));
    expect(first.chunkCount).toBe(5);
    expect(last.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not issue and a limit out of range', async () => {
    storeRecord();
    storeObject(CHUNKS_KEY, CHUNK_LINES);

    expectError(await call(CHUNKS, { query: { cursor: 'not-a-cursor' } }), 400, 'INVALID_CURSOR');
    expectError(await call(CHUNKS, { query: { limit: '101' } }), 400, 'INVALID_QUERY');
  });

  it('answers another user 404', async () => {
    storeRecord();

    expectError(await call(CHUNKS, { sub: 'user-2' }), 404, 'NOT_FOUND');
  });
});
