/**
 * The lane an upload asks for, over in-memory stores and a mocked S3: `?lane=` on `POST /v1/documents` and `lane` in
 * the `POST /v1/uploads` body pick the key's prefix (and so the queue), the record keeps the
 * lane, and the API's document representation shows it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiDependencies } from '../../lambdas/api/dependencies.js';
import { ApiObjects } from '../../lambdas/api/object-access.js';
import { documentSummary } from '../../lambdas/api/operations/documents.js';
import { routeEvent } from '../../lambdas/api/router.js';
import { ALL_FULL_SCOPES } from '../../lambdas/api/routes.js';
import { DocumentSummary, UploadCreated } from '../../lambdas/api/schemas.js';
import { AuditRepository } from '../../lambdas/shared/audit-repository.js';
import { WebhookStore } from '../../lambdas/shared/webhook-store.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { makePdf } from '../support/pdf-factory.js';
import { apiTestEnvironment } from '../support/api-environment.js';
import { inMemoryDocumentStores } from '../support/document-stores-fake.js';
import { InMemoryUsageMeter } from '../support/usage-fake.js';
import { loadApiSettings } from '../../lambdas/api/contract.js';

// The audit trail's table: what it records is specified in api-admin.test.ts.
mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const OWNER = 'user-1';
const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const NOW = new Date('2026-11-23T12:00:00.000Z');
const PDF = Buffer.from(makePdf(['lane test']));

const settings = loadApiSettings(
  apiTestEnvironment({
    BULK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/extract-bulk',
    BULK_DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/extract-bulk-dlq',
    PURGE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/purge',
  }),
);
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
let stores: ReturnType<typeof inMemoryDocumentStores>;
const deps = (): ApiDependencies => ({
  settings,
  documents: stores.documents,
  pages: stores.pages,
  listing: stores.listing,
  idempotency: stores.idempotency,
  quotas: stores.quotas,
  audit: new AuditRepository(documentClient, 'audit', 30),
  webhooks: new WebhookStore(documentClient, 'documents', 86_400),
  objects: new ApiObjects(new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })),
  usage: new InMemoryUsageMeter(),
  sqs: new SQSClient({ region: 'eu-west-1' }),
  now: () => NOW,
  newId: () => DOC_ID,
});

interface Request {
  readonly resource: '/v1/documents' | '/v1/uploads';
  readonly body: Buffer | string;
  readonly contentType: string;
  readonly query?: Record<string, string>;
}

function post({ resource, body, contentType, query }: Request) {
  const binary = Buffer.isBuffer(body);
  const event = {
    resource,
    path: resource,
    httpMethod: 'POST',
    headers: { 'Content-Type': contentType },
    multiValueHeaders: {},
    queryStringParameters: query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { requestId: 'r-1', stage: 'api', authorizer: { claims: { sub: OWNER, scope: ALL_FULL_SCOPES.join(' ') } } },
    body: binary ? body.toString('base64') : body,
    isBase64Encoded: binary,
  } as unknown as APIGatewayProxyEvent;
  return routeEvent(event, deps());
}

/** The document record the upload wrote. */
const writtenRecord = () => stores.documents.get(DOC_ID);

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  stores = inMemoryDocumentStores({ now: () => NOW.getTime() });
});

describe('POST /v1/documents lane', () => {
  const upload = (query?: Record<string, string>) => post({ resource: '/v1/documents', body: PDF, contentType: 'application/pdf', query });

  it('puts an upload in the interactive lane by default: under uploads/', async () => {
    // Act
    const result = await upload({ filename: 'a.pdf' });

    // Assert
    expect(result.statusCode).toBe(202);
    expect(await writtenRecord()).toMatchObject({ lane: 'interactive', objectKey: `uploads/${OWNER}/${DOC_ID}.pdf` });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key).toBe(`uploads/${OWNER}/${DOC_ID}.pdf`);
  });

  it('puts an upload with ?lane=bulk under bulk-uploads/, whose notifications feed the bulk queue', async () => {
    // Act
    const result = await upload({ lane: 'bulk' });

    // Assert
    expect(result.statusCode).toBe(202);
    expect(await writtenRecord()).toMatchObject({ lane: 'bulk', source: 'api', objectKey: `bulk-uploads/${OWNER}/${DOC_ID}.pdf` });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key).toBe(`bulk-uploads/${OWNER}/${DOC_ID}.pdf`);
  });

  it('refuses a lane that does not exist with 400, writing nothing', async () => {
    // Act
    const result = await upload({ lane: 'express' });

    // Assert
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.code).toBe('INVALID_QUERY');
    expect(await writtenRecord()).toBeUndefined();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('POST /v1/uploads lane', () => {
  const create = (body: unknown) => post({ resource: '/v1/uploads', body: JSON.stringify(body), contentType: 'application/json' });

  it.each([
    [undefined, 'interactive', 'uploads/'],
    ['interactive', 'interactive', 'uploads/'],
    ['bulk', 'bulk', 'bulk-uploads/'],
  ] as const)('with lane %s: records the %s lane and pins the key under %s', async (lane, recorded, prefix) => {
    // Act
    const result = await create({ filename: 'big.pdf', size: 10_000, ...(lane ? { lane } : {}) });

    // Assert
    expect(result.statusCode).toBe(201);
    const body = UploadCreated.parse(JSON.parse(result.body));
    const key = `${prefix}${OWNER}/${DOC_ID}.pdf`;
    expect(body.upload.fields.key).toBe(key);
    const policy = JSON.parse(Buffer.from(body.upload.fields.Policy!, 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions).toContainEqual(['eq', '$key', key]);
    expect(await writtenRecord()).toMatchObject({ lane: recorded, source: 'presigned', status: 'UPLOADING', objectKey: key });
  });

  it('refuses a lane that does not exist with 400', async () => {
    // Act
    const result = await create({ filename: 'big.pdf', size: 10_000, lane: 'express' });

    // Assert
    expect(result.statusCode).toBe(400);
    expect(await writtenRecord()).toBeUndefined();
  });
});

describe('documentSummary lane', () => {
  const record = (fields: Partial<DocumentRecord>): DocumentRecord => ({
    documentId: DOC_ID,
    ownerId: OWNER,
    status: 'COMPLETED',
    source: 'drop-folder',
    lane: 'interactive',
    generation: 1,
    attempts: 1,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...fields,
  });

  it.each([
    ['bulk', { lane: 'bulk', objectKey: `uploads/${OWNER}/${DOC_ID}.pdf` }],
    ['interactive', { lane: 'interactive', objectKey: `incoming/${OWNER}/a.pdf` }],
  ] as const)('shows the recorded lane, %s, whatever the key', (lane, fields) => {
    // Act
    const summary = documentSummary(record(fields as Partial<DocumentRecord>));

    // Assert
    expect(DocumentSummary.parse(summary).lane).toBe(lane);
  });
});
