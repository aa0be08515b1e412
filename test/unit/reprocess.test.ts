/**
 * Reprocessing, over in-memory stores and a mocked SQS: the shared core (conditions, what it
 * writes and sends, every refusal), the extractor's claim of the message it sends, the API route
 * in front of it (owner only, 202/404/409) and the health detail's figures.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiDependencies } from '../../lambdas/api/dependencies.js';
import { ApiObjects } from '../../lambdas/api/object-access.js';
import { routeEvent } from '../../lambdas/api/router.js';
import { ALL_FULL_SCOPES, API_SCOPES, fullScope } from '../../lambdas/api/routes.js';
import { HealthDetailResponse, ReprocessAccepted } from '../../lambdas/api/schemas.js';
import { decideClaim } from '../../lambdas/extract/claim.js';
import { parseS3Message } from '../../lambdas/extract/s3-event.js';
import { AuditRepository } from '../../lambdas/shared/audit-repository.js';
import { countDocuments } from '../../lambdas/shared/document-counts.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { REPROCESS_CONFIGURATION_ID, REPROCESS_REMOVED_FIELDS, reprocessDocument } from '../../lambdas/shared/reprocess.js';
import { WebhookStore } from '../../lambdas/shared/webhook-store.js';
import { apiTestEnvironment } from '../support/api-environment.js';
import { inMemoryDocumentStores } from '../support/document-stores-fake.js';
import { InMemoryUsageMeter } from '../support/usage-fake.js';
import { loadApiSettings } from '../../lambdas/api/contract.js';

const sqs = mockClient(SQSClient);
// The audit trail's table: what it records is specified in api-admin.test.ts.
mockClient(DynamoDBDocumentClient);
const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const OWNER = 'user-1';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/extract';
const BULK_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/extract-bulk';
const QUEUE_URLS = { interactive: QUEUE_URL, bulk: BULK_QUEUE_URL } as const;
const NOW = new Date('2026-11-23T12:00:00.000Z');

const sqsClient = new SQSClient({ region: 'eu-west-1' });
let stores: ReturnType<typeof inMemoryDocumentStores>;
const deps = () => ({ documents: stores.documents, sqs: sqsClient, queueFor: (lane: keyof typeof QUEUE_URLS) => QUEUE_URLS[lane], now: () => NOW });

function record(overrides: Partial<DocumentRecord> = {}): DocumentRecord {
  return {
    documentId: DOC_ID,
    ownerId: OWNER,
    status: 'COMPLETED',
    source: 'drop-folder',
    lane: 'bulk',
    bucket: 'docs',
    objectKey: `incoming/${OWNER}/Q3 report (final).pdf`,
    versionId: 'v-1',
    sequencer: '00A1B2C3D4E5F60708',
    size: 1234,
    sha256: 'ab'.repeat(32),
    pageCount: 3,
    metadata: { title: 'Q3' },
    lastError: 'Timeout: earlier',
    generation: 2,
    attempts: 1,
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T11:00:00.000Z',
    ...overrides,
  };
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  stores = inMemoryDocumentStores({ now: () => NOW.getTime() });
});

describe('reprocessDocument', () => {
  it.each(['COMPLETED', 'FAILED'] as const)('starts a new generation of a %s document, then sends its object', async (status) => {
    // Arrange
    stores.table.put(record({ status, ...(status === 'FAILED' ? { error: { code: 'POISON', message: 'x' } } : {}) }));

    // Act
    const outcome = await reprocessDocument(DOC_ID, deps());

    // Assert: the record, a new generation waiting for its message, the last one's results gone
    expect(outcome).toEqual({ kind: 'queued', documentId: DOC_ID, generation: 3 });
    const stored = await stores.documents.get(DOC_ID);
    expect(stored).toMatchObject({ status: 'QUEUED', generation: 3, attempts: 0, updatedAt: NOW.toISOString() });
    expect(REPROCESS_REMOVED_FIELDS.filter((field) => stored![field] !== undefined)).toEqual([]);

    // Assert: the message, as the extractor reads it
    const [send] = sqs.commandCalls(SendMessageCommand);
    // A drop-folder document: the bulk lane's queue, where its first extraction went too.
    expect(send!.args[0].input.QueueUrl).toBe(BULK_QUEUE_URL);
    const body = JSON.parse(send!.args[0].input.MessageBody!);
    expect(body.Records[0].s3.configurationId).toBe(REPROCESS_CONFIGURATION_ID);
    expect(body.Records[0].s3.object.key).toBe(`incoming/${OWNER}/Q3+report+%28final%29.pdf`);
    expect(parseS3Message(send!.args[0].input.MessageBody!)).toEqual({
      kind: 'objects-created',
      objects: [
        expect.objectContaining({
          bucket: 'docs',
          key: `incoming/${OWNER}/Q3 report (final).pdf`,
          versionId: 'v-1',
          sequencer: '00A1B2C3D4E5F60708',
          size: 1234,
        }),
      ],
    });
  });

  it.each([
    ['interactive', `incoming/${OWNER}/moved.pdf`, QUEUE_URL],
    ['bulk', `uploads/${OWNER}/${DOC_ID}.pdf`, BULK_QUEUE_URL],
  ] as const)('sends a document to its recorded lane, %s, whatever its key (%s)', async (lane, objectKey, queueUrl) => {
    // Arrange
    stores.table.put(record({ lane, objectKey }));

    // Act
    await reprocessDocument(DOC_ID, deps());

    // Assert
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.QueueUrl)).toEqual([queueUrl]);
  });

  it('sends a message the extractor claims by the usual rules: same sequencer, QUEUED, attempt 1', () => {
    // Arrange
    const queued = record({ status: 'QUEUED', generation: 3, attempts: 0 });

    // Act
    const decisions = [
      decideClaim(queued, { sequencer: '00A1B2C3D4E5F60708', receiveCount: 1, maxAttempts: 3 }),
      // An older event of the same key still loses.
      decideClaim(queued, { sequencer: '00A1B2C3D4E5F60700', receiveCount: 1, maxAttempts: 3 }),
    ];

    // Assert
    expect(decisions).toEqual([
      { action: 'claim', attempt: 1 },
      { action: 'skip', reason: 'stale' },
    ]);
  });

  it.each(['UPLOADING', 'QUEUED', 'PROCESSING'] as const)('refuses a %s document (busy) and changes nothing', async (status) => {
    // Arrange
    stores.table.put(record({ status }));

    // Act
    const outcome = await reprocessDocument(DOC_ID, deps());

    // Assert
    expect(outcome).toEqual({ kind: 'busy', status });
    expect(await stores.documents.get(DOC_ID)).toEqual(record({ status }));
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers not-found for a missing record and for one the caller may not see; deleted for a tombstone', async () => {
    // Act
    const missing = await reprocessDocument(DOC_ID, deps());
    stores.table.put(record());
    const hidden = await reprocessDocument(DOC_ID, deps(), { canSee: (seen) => seen.ownerId === 'someone-else' });
    stores.table.put(record({ deletedAt: NOW.toISOString() }));
    const deleted = await reprocessDocument(DOC_ID, deps());

    // Assert
    expect([missing, hidden, deleted]).toEqual([{ kind: 'not-found' }, { kind: 'not-found' }, { kind: 'deleted' }]);
    expect(await stores.documents.get(DOC_ID)).toMatchObject({ generation: 2 });
  });

  it('refuses a document with nothing to extract again: an expired upload, a drop-folder file with no owner', async () => {
    // Arrange
    const expired = record({ status: 'FAILED', error: { code: 'UPLOAD_EXPIRED', message: 'x' }, sequencer: undefined, versionId: undefined });
    const ownerless = record({ status: 'FAILED', ownerId: undefined, error: { code: 'NO_OWNER', message: 'x' } });

    // Act
    stores.table.put(expired);
    const uploadExpired = await reprocessDocument(DOC_ID, deps());
    stores.table.put(ownerless);
    const noOwner = await reprocessDocument(DOC_ID, deps());

    // Assert
    expect(uploadExpired).toMatchObject({ kind: 'not-reprocessable', reason: expect.stringContaining('UPLOAD_EXPIRED') });
    expect(noOwner).toMatchObject({ kind: 'not-reprocessable', reason: expect.stringContaining('no owner') });
    expect(await stores.documents.get(DOC_ID)).toEqual(ownerless);
  });

  it('re-reads when the record changed under it, and gives up after three tries without sending', async () => {
    // Arrange: every write finds the record changed since it was read
    stores.table.put(record());
    const get = vi.fn((id: string) => stores.documents.get(id));
    const racing = { ...deps(), documents: { get, transition: async () => false } };

    // Act
    const outcome = await reprocessDocument(DOC_ID, racing);

    // Assert
    expect(outcome).toEqual({ kind: 'changed' });
    expect(get).toHaveBeenCalledTimes(3);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('ends the new generation FAILED when the message cannot be sent, so it can be reprocessed again', async () => {
    // Arrange
    stores.table.put(record());
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));

    // Act
    const reprocessing = reprocessDocument(DOC_ID, deps());

    // Assert
    await expect(reprocessing).rejects.toThrow('down');
    expect(await stores.documents.get(DOC_ID)).toMatchObject({ status: 'FAILED', generation: 3, error: { code: 'INTERNAL' } });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-2' });
    expect(await reprocessDocument(DOC_ID, deps())).toEqual({ kind: 'queued', documentId: DOC_ID, generation: 4 });
  });

  it('reports queued when the send failed but the extractor had already claimed the new generation', async () => {
    // Arrange: the extractor claims the new generation as the send times out
    stores.table.put(record());
    sqs.on(SendMessageCommand).callsFake(async () => {
      await stores.documents.transition(DOC_ID, { generation: 3, status: 'QUEUED' }, { status: 'PROCESSING', attempts: 1 });
      throw new Error('timed out after sending');
    });

    // Act
    const outcome = await reprocessDocument(DOC_ID, deps());

    // Assert
    expect(outcome).toEqual({ kind: 'queued', documentId: DOC_ID, generation: 3 });
    expect(await stores.documents.get(DOC_ID)).toMatchObject({ status: 'PROCESSING', generation: 3 });
  });
});

describe('countDocuments', () => {
  async function* records(...list: Partial<DocumentRecord>[]) {
    for (const record of list) yield record as DocumentRecord;
  }

  it('counts by status and error code, tombstones apart, and how long the oldest QUEUED document waited', async () => {
    const counts = await countDocuments(
      records(
        { status: 'COMPLETED' },
        { status: 'FAILED', error: { code: 'POISON', message: '' } },
        { status: 'FAILED', error: { code: 'POISON', message: '' } },
        { status: 'QUEUED', updatedAt: '2026-11-23T11:59:00.000Z' },
        { status: 'QUEUED', updatedAt: '2026-11-23T11:59:30.000Z' },
        { status: 'COMPLETED', deletedAt: '2026-11-23T11:00:00.000Z' },
      ),
      { now: () => NOW.getTime() },
    );

    expect(counts).toEqual({
      total: 5,
      byStatus: { UPLOADING: 0, QUEUED: 2, PROCESSING: 0, COMPLETED: 1, FAILED: 2 },
      failedByCode: { POISON: 2 },
      deleted: 1,
      oldestQueuedAgeMs: 60_000,
      complete: true,
    });
  });

  it('stops at its record budget and says the counts are incomplete', async () => {
    const counts = await countDocuments(records({ status: 'COMPLETED' }, { status: 'COMPLETED' }, { status: 'COMPLETED' }), { maxRecords: 2 });

    expect(counts).toMatchObject({ total: 2, complete: false });
  });
});

describe('API: POST /v1/documents/{id}/reprocess and GET /v1/health/detail', () => {
  const settings = loadApiSettings(apiTestEnvironment({ QUEUE_URL, DEAD_LETTER_QUEUE_URL: `${QUEUE_URL}-dlq`, PURGE_QUEUE_URL: `${QUEUE_URL}-purge` }));
  const apiDeps = (): ApiDependencies => ({
    settings,
    documents: stores.documents,
    pages: stores.pages,
    listing: stores.listing,
    idempotency: stores.idempotency,
    quotas: stores.quotas,
    audit: new AuditRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'audit', 30),
    webhooks: new WebhookStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'documents', 86_400),
    objects: new ApiObjects(new S3Client({ region: 'eu-west-1' })),
    usage: new InMemoryUsageMeter(),
    sqs: sqsClient,
    now: () => NOW,
    newId: () => DOC_ID,
  });
  const event = (
    method: string,
    resource: string,
    scopes: readonly string[] = ALL_FULL_SCOPES,
    id = DOC_ID,
    groups?: string,
  ): APIGatewayProxyEvent =>
    ({
      resource,
      path: resource.replace('{id}', id),
      httpMethod: method,
      headers: {},
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: resource.includes('{id}') ? { id } : null,
      stageVariables: null,
      requestContext: {
        requestId: 'r-1',
        stage: 'api',
        authorizer: { claims: { sub: OWNER, scope: scopes.join(' '), ...(groups ? { 'cognito:groups': groups } : {}) } },
      },
      body: null,
      isBase64Encoded: false,
    }) as never;
  const reprocess = (scopes?: readonly string[], id?: string) => routeEvent(event('POST', '/v1/documents/{id}/reprocess', scopes, id), apiDeps());

  it('answers 202 with the new generation for the owner', async () => {
    // Arrange
    stores.table.put(record());

    // Act
    const result = await reprocess();

    // Assert
    expect(result.statusCode).toBe(202);
    expect(ReprocessAccepted.parse(JSON.parse(result.body))).toEqual({ documentId: DOC_ID, status: 'QUEUED', generation: 3 });
  });

  it('answers 409 DOCUMENT_BUSY while the document is on its way', async () => {
    // Arrange
    stores.table.put(record({ status: 'PROCESSING' }));

    // Act
    const result = await reprocess();

    // Assert
    expect(result.statusCode).toBe(409);
    expect(JSON.parse(result.body).error.code).toBe('DOCUMENT_BUSY');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers the missing-document 404 for another user’s, a deleted and a malformed id, without writing', async () => {
    // Act
    stores.table.put(record({ ownerId: 'someone-else' }));
    const othersAnswer = await reprocess();
    stores.table.put(record({ deletedAt: NOW.toISOString() }));
    const answers = [othersAnswer, await reprocess(), await reprocess(undefined, 'not-a-uuid')];

    // Assert

    expect(answers.map((answer) => [answer.statusCode, JSON.parse(answer.body).error.code])).toEqual([
      [404, 'NOT_FOUND'],
      [404, 'NOT_FOUND'],
      [404, 'NOT_FOUND'],
    ]);
    expect(await stores.documents.get(DOC_ID)).toMatchObject({ generation: 2 });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('needs the write scope (403 with read only)', async () => {
    // Arrange
    stores.table.put(record());

    // Act
    const result = await reprocess([fullScope(API_SCOPES.read)]);

    // Assert
    expect(result.statusCode).toBe(403);
    expect(await stores.documents.get(DOC_ID)).toEqual(record());
  });

  it('health detail (admins): both queues’ depth and the document counts, aggregates only', async () => {
    // Arrange
    sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL }).resolves({
      Attributes: { ApproximateNumberOfMessages: '4', ApproximateNumberOfMessagesNotVisible: '1', ApproximateNumberOfMessagesDelayed: '0' },
    });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: `${QUEUE_URL}-dlq` }).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    stores.table.put(record(), record({ documentId: 'd-2', status: 'QUEUED', updatedAt: '2026-11-23T11:58:00.000Z' }));

    // Act
    const result = await routeEvent(event('GET', '/v1/health/detail', [fullScope(API_SCOPES.read)], DOC_ID, 'admin'), apiDeps());
    const body = HealthDetailResponse.parse(JSON.parse(result.body));

    // Assert

    expect(result.statusCode).toBe(200);
    expect(body.queues).toEqual({ extraction: { visible: 4, inFlight: 1, delayed: 0 }, deadLetter: { visible: 2, inFlight: 0, delayed: 0 } });
    expect(body.documents).toMatchObject({ total: 2, byStatus: { COMPLETED: 1, QUEUED: 1 }, oldestQueuedAgeSeconds: 120, complete: true });
    expect(result.body).not.toContain(DOC_ID);
  });

  describe('with a bulk lane', () => {
    const withBulk = (): ApiDependencies => ({
      ...apiDeps(),
      settings: { ...settings, bulkQueueUrl: BULK_QUEUE_URL, bulkDeadLetterQueueUrl: `${BULK_QUEUE_URL}-dlq` },
    });

    it('reprocesses a drop-folder document through the bulk lane and an API upload through the interactive one', async () => {
      // Arrange
      const UPLOAD_ID = '00000000-0000-4000-8000-000000000002';
      stores.table.put(record(), record({ documentId: UPLOAD_ID, source: 'api', lane: 'interactive', objectKey: `uploads/${OWNER}/${UPLOAD_ID}.pdf` }));

      // Act
      await routeEvent(event('POST', '/v1/documents/{id}/reprocess'), withBulk());
      await routeEvent(event('POST', '/v1/documents/{id}/reprocess', ALL_FULL_SCOPES, UPLOAD_ID), withBulk());

      // Assert
      expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.QueueUrl)).toEqual([BULK_QUEUE_URL, QUEUE_URL]);
    });

    it('health detail reports each lane’s queue and dead-letter queue', async () => {
      // Arrange
      const depth = (visible: number) => ({ Attributes: { ApproximateNumberOfMessages: String(visible) } });
      sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL }).resolves(depth(1));
      sqs.on(GetQueueAttributesCommand, { QueueUrl: `${QUEUE_URL}-dlq` }).resolves(depth(0));
      sqs.on(GetQueueAttributesCommand, { QueueUrl: BULK_QUEUE_URL }).resolves(depth(900));
      sqs.on(GetQueueAttributesCommand, { QueueUrl: `${BULK_QUEUE_URL}-dlq` }).resolves(depth(3));

      // Act
      const result = await routeEvent(event('GET', '/v1/health/detail', [fullScope(API_SCOPES.read)], DOC_ID, 'admin'), withBulk());

      // Assert
      const visible = (queue: { visible: number }) => queue.visible;
      const { queues } = HealthDetailResponse.parse(JSON.parse(result.body));
      expect([queues.extraction, queues.deadLetter, queues.bulkExtraction!, queues.bulkDeadLetter!].map(visible)).toEqual([1, 0, 900, 3]);
    });
  });

  it('health detail needs a token (401 without a caller)', async () => {
    const unauthenticated = { ...event('GET', '/v1/health/detail'), requestContext: { requestId: 'r-1', stage: 'api', authorizer: null } } as never;

    const result = await routeEvent(unauthenticated, apiDeps());

    expect(result.statusCode).toBe(401);
  });
});
