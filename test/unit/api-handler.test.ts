/**
 * The API function as deployed (the real handler module, middy and Powertools included) over a
 * mocked SDK: routing, scopes, the one error shape, each operation's rules and what it writes.
 */
import { GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALL_FULL_SCOPES, fullScope, API_SCOPES } from '../../lambdas/api/routes.js';
import { DocumentList, DocumentResponse, ErrorResponse, PageList, UploadCreated } from '../../lambdas/api/schemas.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { makePdf } from '../support/pdf-factory.js';
import { apiTestEnvironment } from '../support/api-environment.js';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

const MB = 1024 * 1024;
const OWNER = 'user-1';
const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const ORIGIN = 'https://app.example.com';

let handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

beforeAll(async () => {
  const env: Record<string, string> = {
    ...apiTestEnvironment({
      PURGE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/purge',
      MAX_DIRECT_UPLOAD_BYTES: String(4 * MB),
      MAX_PRESIGNED_UPLOAD_BYTES: String(100 * MB),
      ALLOWED_ORIGINS: `${ORIGIN},http://localhost:5173`,
    }),
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
  sqs.reset();
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(GetCommand).resolves({});
});

const context = { getRemainingTimeInMillis: () => 29_000, functionName: 'api', awsRequestId: 'req-1' } as unknown as Context;

interface EventInput {
  readonly method: string;
  readonly resource: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** `null` for no authorizer; default: user-1 with every scope. */
  readonly claims?: Record<string, string> | null;
}

function apiEvent(input: EventInput): APIGatewayProxyEvent {
  const binary = Buffer.isBuffer(input.body);
  const path = input.resource.replace('{id}', input.pathParameters?.id ?? '');
  const claims = input.claims === undefined ? { sub: OWNER, scope: ALL_FULL_SCOPES.join(' '), token_use: 'access' } : input.claims;
  return {
    resource: input.resource,
    path,
    httpMethod: input.method,
    headers: input.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    requestContext: { requestId: 'r-1', stage: 'api', authorizer: claims ? { claims } : null } as never,
    body: input.body === undefined ? null : binary ? (input.body as Buffer).toString('base64') : (input.body as string),
    isBase64Encoded: binary,
  };
}

const call = (input: EventInput) => handler(apiEvent(input), context);
/** Calls that touched documents: audit entries (their own table) are specified in api-admin.test.ts. */
const documentTableCalls = () => ddb.calls().filter((sent) => (sent.args[0].input as { TableName?: string }).TableName !== 'audit');
const json = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, any>;

function record(overrides: Partial<DocumentRecord> = {}): Record<string, unknown> {
  return {
    pk: `DOC#${DOC_ID}`,
    sk: 'DOCUMENT',
    ownerPk: `OWNER#${OWNER}`,
    documentId: DOC_ID,
    ownerId: OWNER,
    status: 'COMPLETED',
    source: 'api',
    filename: 'report.pdf',
    bucket: 'docs',
    objectKey: `uploads/${OWNER}/${DOC_ID}.pdf`,
    generation: 2,
    attempts: 1,
    sequencer: '0001',
    size: 1234,
    sha256: 'ab'.repeat(32),
    pageCount: 3,
    metadata: { title: 'Report' },
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:01:00.000Z',
    ...overrides,
  };
}

function expectError(result: APIGatewayProxyResult, statusCode: number, code: string) {
  expect(result.statusCode).toBe(statusCode);
  const body = ErrorResponse.parse(json(result));
  expect(body.error.code).toBe(code);
  return body;
}

describe('routing and authorization', () => {
  it('answers a route it does not know with the error shape', async () => {
    // Act
    const result = await call({ method: 'PUT', resource: '/v1/documents' });

    // Assert
    expectError(result, 404, 'NOT_FOUND');
  });

  it('answers 401 when the authorizer passed no subject', async () => {
    const result = await call({ method: 'GET', resource: '/v1/documents', claims: null });

    expectError(result, 401, 'UNAUTHORIZED');
  });

  it('answers 403 when the token lacks the route’s scope (authenticated but not allowed)', async () => {
    // Arrange: a read-only token on a write route
    const claims = { sub: OWNER, scope: fullScope(API_SCOPES.read) };

    // Act
    const result = await call({ method: 'DELETE', resource: '/v1/documents/{id}', pathParameters: { id: DOC_ID }, claims });

    // Assert
    expectError(result, 403, 'INSUFFICIENT_SCOPE');
    expect(documentTableCalls()).toHaveLength(0);
  });

  it('refuses a subject that could escape its key segment', async () => {
    const result = await call({ method: 'GET', resource: '/v1/documents', claims: { sub: '../other', scope: ALL_FULL_SCOPES.join(' ') } });

    expectError(result, 403, 'FORBIDDEN');
  });

  it('adds CORS headers for an allowed origin only', async () => {
    // Arrange
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    const allowed = await call({ method: 'GET', resource: '/v1/documents', headers: { Origin: ORIGIN } });
    const other = await call({ method: 'GET', resource: '/v1/documents', headers: { origin: 'https://evil.example' } });

    // Assert
    expect(allowed.headers).toMatchObject({ 'Access-Control-Allow-Origin': ORIGIN, Vary: 'Origin' });
    expect(other.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('answers 503 with Retry-After when DynamoDB throttles, and 500 without details otherwise', async () => {
    // Arrange
    ddb
      .on(GetCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException', $metadata: {} }))
      .rejectsOnce(new Error('secret internal detail'));
    const get = { method: 'GET', resource: '/v1/documents/{id}', pathParameters: { id: DOC_ID } };

    // Act
    const throttled = await call(get);
    const broken = await call(get);

    // Assert
    expectError(throttled, 503, 'UNAVAILABLE');
    expect(throttled.headers?.['Retry-After']).toBe('1');
    expect(expectError(broken, 500, 'INTERNAL').error.message).not.toContain('secret');
  });
});

describe('POST /v1/documents (direct upload)', () => {
  const pdf = Buffer.from(makePdf(['hello']));
  const upload = (body: Buffer, headers: Record<string, string> = { 'Content-Type': 'application/pdf' }, query?: Record<string, string>) =>
    call({ method: 'POST', resource: '/v1/documents', body, headers, query });

  it('writes the QUEUED record (with its expiry task) before the object, and answers 202', async () => {
    // Arrange: note the order of the writes
    const order: string[] = [];
    ddb.on(TransactWriteCommand).callsFake((input) => {
      order.push(input.TransactItems[0].Put ? 'record' : 'quota');
      return {};
    });
    s3.on(PutObjectCommand).callsFake(() => {
      order.push('object');
      return {};
    });

    // Act
    const result = await upload(pdf, { 'content-type': 'application/pdf' }, { filename: '../../etc/Rapport\u202Efdp.exe.pdf' });

    // Assert
    expect(result.statusCode).toBe(202);
    const { documentId, status } = json(result);
    expect(status).toBe('QUEUED');
    expect(order).toEqual(['quota', 'record', 'object']);
    const transaction = ddb.commandCalls(TransactWriteCommand).find((call) => call.args[0].input.TransactItems![0]!.Put);
    const [recordPut, taskPut] = transaction!.args[0].input.TransactItems!;
    expect(recordPut!.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#pk)',
      Item: {
        pk: `DOC#${documentId}`,
        sk: 'DOCUMENT',
        ownerPk: `OWNER#${OWNER}`,
        documentId,
        ownerId: OWNER,
        status: 'QUEUED',
        source: 'api',
        filename: 'Rapportfdp.exe.pdf',
        generation: 1,
        attempts: 0,
        bucket: 'docs',
        objectKey: `uploads/${OWNER}/${documentId}.pdf`,
        uploadExpiresAt: expect.any(String),
      },
    });
    expect(taskPut!.Put!.Item).toMatchObject({ kind: 'upload', documentId, objectKey: `uploads/${OWNER}/${documentId}.pdf` });
    const [put] = s3.commandCalls(PutObjectCommand);
    expect(put!.args[0].input).toMatchObject({ Bucket: 'docs', Key: `uploads/${OWNER}/${documentId}.pdf`, ContentType: 'application/pdf' });
  });

  it('answers 413 pointing to /v1/uploads above the limit, without writing anything', async () => {
    const result = await upload(Buffer.concat([pdf, Buffer.alloc(4 * MB)]));

    expect(expectError(result, 413, 'PAYLOAD_TOO_LARGE').error.message).toContain('/v1/uploads');
    expect(documentTableCalls()).toHaveLength(0);
  });

  it.each([
    ['another content type', Buffer.from('%PDF-1.4'), { 'Content-Type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a body that is not a PDF', Buffer.from('<html>not a pdf</html>'), { 'Content-Type': 'application/pdf' }, 415, 'NOT_A_PDF'],
    ['an empty body', Buffer.alloc(0), { 'Content-Type': 'application/pdf' }, 400, 'EMPTY_BODY'],
  ])('refuses %s', async (_name, body, headers, status, code) => {
    const result = await upload(body, headers);

    expectError(result, status, code);
    expect(documentTableCalls()).toHaveLength(0);
  });

  it('refuses a filename with nothing usable left', async () => {
    const result = await upload(pdf, { 'Content-Type': 'application/pdf' }, { filename: '../../' });

    expectError(result, 400, 'INVALID_FILENAME');
  });

  it('answers 429 with Retry-After when the quota transaction is cancelled, and writes nothing else', async () => {
    // Arrange: the minute counter's condition fails
    ddb.on(TransactWriteCommand).rejects(
      Object.assign(new Error('cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );

    // Act
    const result = await upload(pdf);

    // Assert
    expectError(result, 429, 'UPLOAD_QUOTA_EXCEEDED');
    const retryAfter = Number(result.headers?.['Retry-After']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const [quota] = ddb.commandCalls(TransactWriteCommand);
    expect(quota!.args[0].input.TransactItems!.map((item) => item.Update!.Key!.sk)).toEqual([
      expect.stringMatching(/^MINUTE#/),
      expect.stringMatching(/^DAY#/),
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('returns the first answer again for a repeated Idempotency-Key and request', async () => {
    // Arrange: the key was completed with a stored answer for the same request
    let stored: Record<string, unknown> | undefined;
    ddb.on(PutCommand, { TableName: 'documents' }).callsFake((input) => {
      stored = input.Item;
      return {};
    });
    ddb.on(UpdateCommand).callsFake((input) => {
      stored = { ...stored, status: 'COMPLETED', response: input.ExpressionAttributeValues[':response'] };
      return {};
    });
    ddb.on(GetCommand).callsFake((input) => (String(input.Key.pk).startsWith('IDEMPOTENCY#') && stored ? { Item: stored } : {}));
    s3.on(PutObjectCommand).resolves({});
    const headers = { 'Content-Type': 'application/pdf', 'Idempotency-Key': 'retry-1' };

    // Act
    const first = await upload(pdf, headers);
    const second = await upload(pdf, headers);
    const otherBody = await upload(Buffer.from(makePdf(['other'])), headers);

    // Assert
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(json(second)).toEqual(json(first));
    expect(second.headers?.['Idempotent-Replayed']).toBe('true');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expectError(otherBody, 409, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('releases the key when the request fails, so a retry runs again', async () => {
    // Arrange
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    s3.on(PutObjectCommand).rejects(new Error('boom'));

    // Act
    const result = await upload(pdf, { 'Content-Type': 'application/pdf', 'Idempotency-Key': 'k-2' });

    // Assert
    expect(result.statusCode).toBe(500);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input.Key!.pk).toMatch(/^IDEMPOTENCY#/);
  });
});

describe('POST /v1/uploads (presigned POST)', () => {
  const create = (body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    call({ method: 'POST', resource: '/v1/uploads', body: typeof body === 'string' ? body : JSON.stringify(body), headers });

  it('creates an UPLOADING record and a POST whose policy pins key, type and size', async () => {
    // Act
    const result = await create({ filename: 'Big report.pdf', size: 50 * MB });

    // Assert
    expect(result.statusCode).toBe(201);
    const body = UploadCreated.parse(json(result));
    const key = `uploads/${OWNER}/${body.documentId}.pdf`;
    expect(body.upload.fields).toMatchObject({ key, 'Content-Type': 'application/pdf' });
    const policy = JSON.parse(Buffer.from(body.upload.fields.Policy!, 'base64').toString('utf8')) as {
      expiration: string;
      conditions: unknown[];
    };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'docs' },
        ['eq', '$key', key],
        ['eq', '$Content-Type', 'application/pdf'],
        ['content-length-range', 1, 100 * MB],
      ]),
    );
    const expiresIn = Date.parse(policy.expiration) - Date.now();
    expect(expiresIn).toBeGreaterThan(890_000);
    expect(expiresIn).toBeLessThanOrEqual(900_000);
    expect(Math.abs(Date.parse(body.expiresAt) - Date.parse(policy.expiration))).toBeLessThan(1_000);
    const [transaction] = ddb.commandCalls(TransactWriteCommand).slice(-1);
    expect(transaction!.args[0].input.TransactItems![0]!.Put!.Item).toMatchObject({
      status: 'UPLOADING',
      source: 'presigned',
      filename: 'Big report.pdf',
      uploadExpiresAt: body.expiresAt,
    });
  });

  it.each([
    ['unknown fields', { filename: 'a.pdf', size: 10, bucket: 'other' }],
    ['wrong types', { filename: 'a.pdf', size: '10' }],
    ['a missing field', { filename: 'a.pdf' }],
    ['a fractional size', { filename: 'a.pdf', size: 1.5 }],
  ])('refuses %s with 400', async (_name, body) => {
    const result = await create(body);

    expectError(result, 400, 'VALIDATION_FAILED');
  });

  it('refuses bad JSON with 400, another media type with 415, and a size above the limit with 413', async () => {
    expectError(await create('{"filename": "a.pdf",'), 400, 'INVALID_JSON');
    expectError(await create({ filename: 'a.pdf', size: 10 }, { 'Content-Type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await create({ filename: 'a.pdf', size: 100 * MB + 1 }), 413, 'PAYLOAD_TOO_LARGE');
    expect(documentTableCalls()).toHaveLength(0);
  });
});

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

  it('lists the caller’s documents newest first through the owner index, with a cursor', async () => {
    // Arrange: three items for a limit of two
    const items = [3, 2, 1].map((n) => record({ documentId: `00000000-0000-4000-8000-00000000000${n}`, createdAt: `2026-11-2${n}T00:00:00.000Z` }));
    items.forEach((item, index) => Object.assign(item, { pk: `DOC#00000000-0000-4000-8000-00000000000${3 - index}` }));
    ddb.on(QueryCommand).resolves({ Items: items });

    // Act
    const result = await call({ method: 'GET', resource: '/v1/documents', query: { limit: '2', status: 'COMPLETED' } });

    // Assert
    const body = DocumentList.parse(json(result));
    expect(body.documents).toHaveLength(2);
    expect(body.nextCursor).toEqual(expect.any(String));
    const [query] = ddb.commandCalls(QueryCommand);
    expect(query!.args[0].input).toMatchObject({
      IndexName: 'byOwner',
      ScanIndexForward: false,
      Limit: 3,
      // Expired documents stay out of lists until DynamoDB's TTL gets round to deleting them.
      FilterExpression: '#status = :status AND (attribute_not_exists(#ttl) OR #ttl > :now)',
      ExpressionAttributeValues: { ':owner': `OWNER#${OWNER}`, ':status': 'COMPLETED' },
    });
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

  it('inlines spilled text and tables, and queries only the current generation', async () => {
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
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':generation': 2 });
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

  it('tombstones the record at once (generation bumped, out of the owner index, TTL) and queues the purge', async () => {
    // Arrange
    ddb.on(GetCommand).resolves({ Item: record() });
    sqs.on(SendMessageCommand).resolves({});

    // Act
    const result = await remove();

    // Assert
    expect(result.statusCode).toBe(202);
    const [transaction] = ddb.commandCalls(TransactWriteCommand);
    const [tombstone, purgeTask] = transaction!.args[0].input.TransactItems!;
    expect(tombstone!.Update!.UpdateExpression).toContain('#generation = #generation + :one');
    expect(tombstone!.Update!.UpdateExpression).toContain('REMOVE #owner');
    expect(tombstone!.Update!.ExpressionAttributeNames).toMatchObject({ '#owner': 'ownerPk', '#ttl': 'expiresAt' });
    expect(tombstone!.Update!.ExpressionAttributeValues).toMatchObject({ ':generation': 2, ':status': 'COMPLETED' });
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

describe('GET /v1/health', () => {
  const health = () => call({ method: 'GET', resource: '/v1/health', claims: null });

  it('answers ok when table, bucket and queue answer', async () => {
    s3.on(HeadBucketCommand).resolves({});
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });

    const result = await health();

    expect({ status: result.statusCode, body: json(result) }).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers 503 naming what did not answer within 2 s', async () => {
    s3.on(HeadBucketCommand).resolves({});
    sqs.on(GetQueueAttributesCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();

    const result = await health();

    expect(expectError(result, 503, 'UNAVAILABLE').error.message).toContain('queue');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
