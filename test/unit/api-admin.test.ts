/**
 * The admin role and the audit trail through the router: who may do what to whose document (the
 * authorization matrix of owner, another user and an admin, per operation), the admin-only
 * routes, what an audit entry holds (and never holds), and what a failed audit write does.
 */
import { S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  DeleteMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiDependencies } from '../../lambdas/api/dependencies.js';
import { parseGroups } from '../../lambdas/api/http.js';
import { ApiObjects } from '../../lambdas/api/object-access.js';
import { routeEvent } from '../../lambdas/api/router.js';
import { ALL_FULL_SCOPES, ROUTES, type OperationId } from '../../lambdas/api/routes.js';
import { AuditList, RedriveAccepted } from '../../lambdas/api/schemas.js';
import { AuditRepository } from '../../lambdas/shared/audit-repository.js';
import { WebhookStore } from '../../lambdas/shared/webhook-store.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { apiTestEnvironment } from '../support/api-environment.js';
import { inMemoryDocumentStores } from '../support/document-stores-fake.js';
import { InMemoryUsageMeter } from '../support/usage-fake.js';
import { type ApiSettings, loadApiSettings } from '../../lambdas/api/contract.js';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const OWNER = 'alice';
const OTHER = 'mallory';
const ADMIN = 'root-1';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/extract';
const DLQ_URL = `${QUEUE_URL}-dlq`;
const NOW = new Date('2026-11-23T12:00:00.000Z');
const TOKEN_TEXT = 'eyJhbGciOiJSUzI1NiJ9.secret-token-text';
const FILENAME = 'salary review 2026.pdf';

const callers = {
  owner: { sub: OWNER },
  other: { sub: OTHER },
  admin: { sub: ADMIN, 'cognito:groups': 'admin' },
} as const;
type Who = keyof typeof callers;

function deps(overrides: Partial<ApiSettings> = {}): ApiDependencies {
  const settings = loadApiSettings(apiTestEnvironment({ QUEUE_URL, DEAD_LETTER_QUEUE_URL: DLQ_URL, PURGE_QUEUE_URL: `${QUEUE_URL}-purge` }));
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  let ids = 0;
  return {
    settings: { ...settings, ...overrides },
    documents: stores.documents,
    pages: stores.pages,
    listing: stores.listing,
    idempotency: stores.idempotency,
    quotas: stores.quotas,
    audit: new AuditRepository(documentClient, 'audit', 30),
    webhooks: new WebhookStore(documentClient, 'documents', 86_400),
    objects: new ApiObjects(new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } })),
    usage: new InMemoryUsageMeter(),
    sqs: new SQSClient({ region: 'eu-west-1' }),
    now: () => NOW,
    newId: () => `00000000-0000-4000-8000-${String((ids += 1)).padStart(12, '0')}`,
  };
}

function event(operationId: OperationId, who: Who, query: Record<string, string> = {}): APIGatewayProxyEvent {
  const route = ROUTES.find((candidate) => candidate.operationId === operationId)!;
  return {
    resource: route.path,
    path: route.path.replace('{id}', DOC_ID),
    httpMethod: route.method,
    headers: { Authorization: `Bearer ${TOKEN_TEXT}`, 'User-Agent': 'test' },
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: route.path.includes('{id}') ? { id: DOC_ID } : null,
    stageVariables: null,
    requestContext: {
      requestId: 'req-42',
      stage: 'api',
      authorizer: { claims: { ...callers[who], scope: ALL_FULL_SCOPES.join(' '), token_use: 'access' } },
    },
    body: null,
    isBase64Encoded: false,
  } as never;
}

const documentRecord = (overrides: Partial<DocumentRecord> = {}): DocumentRecord => ({
  documentId: DOC_ID,
  ownerId: OWNER,
  status: 'COMPLETED',
  source: 'api',
  lane: 'interactive',
  filename: FILENAME,
  bucket: 'docs',
  objectKey: `uploads/${OWNER}/${DOC_ID}.pdf`,
  sequencer: '0001',
  size: 1234,
  generation: 1,
  attempts: 1,
  createdAt: '2026-11-20T00:00:00.000Z',
  updatedAt: '2026-11-20T00:00:00.000Z',
  ...overrides,
});

const body = (result: APIGatewayProxyResult) => JSON.parse(result.body || 'null') as Record<string, any>;
const auditPuts = () => ddb.commandCalls(PutCommand, { TableName: 'audit' }).map((call) => call.args[0].input);
/** How many generations the document moved on: a deletion or a reprocess each start one. */
const documentWrites = () => stores.table.records.get(DOC_ID)!.generation - documentRecord().generation;
/** The owners whose documents were listed. */
const listedOwners = () => vi.mocked(stores.listing.listByOwner).mock.calls.map(([ownerId]) => ownerId);

let stores: ReturnType<typeof inMemoryDocumentStores>;

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  stores = inMemoryDocumentStores({ now: () => NOW.getTime() });
  stores.table.put(documentRecord());
  vi.spyOn(stores.listing, 'listByOwner');
  vi.spyOn(stores.listing, 'scanDocuments');
  ddb.on(PutCommand, { TableName: 'audit' }).resolves({});
  sqs.on(SendMessageCommand).resolves({});
});

describe('authorization matrix: document operations', () => {
  const expected: Record<string, { status: number; writes: number }> = {
    getDocument: { status: 200, writes: 0 },
    listDocumentPages: { status: 200, writes: 0 },
    downloadDocumentFile: { status: 303, writes: 0 },
    deleteDocument: { status: 202, writes: 1 },
    reprocessDocument: { status: 202, writes: 1 },
  };

  describe.each(Object.keys(expected) as OperationId[])('%s', (operationId) => {
    it('lets the owner act on their document', async () => {
      const result = await routeEvent(event(operationId, 'owner'), deps());

      expect(result.statusCode).toBe(expected[operationId]!.status);
      expect(documentWrites()).toBe(expected[operationId]!.writes);
    });

    it('answers another user the missing-document 404 and changes nothing', async () => {
      const result = await routeEvent(event(operationId, 'other'), deps());

      expect(result.statusCode).toBe(404);
      expect(body(result).error.code).toBe('NOT_FOUND');
      expect(documentWrites()).toBe(0);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    });

    it('lets an admin act on anyone’s document', async () => {
      const result = await routeEvent(event(operationId, 'admin'), deps());

      expect(result.statusCode).toBe(expected[operationId]!.status);
      expect(documentWrites()).toBe(expected[operationId]!.writes);
    });
  });

  it('answers a deleted document 404 to an admin too', async () => {
    stores.table.put(documentRecord({ deletedAt: NOW.toISOString() }));

    const result = await routeEvent(event('getDocument', 'admin'), deps());

    expect(result.statusCode).toBe(404);
  });
});

describe('authorization matrix: listing documents', () => {
  it('lists the caller’s own documents without ownerId, or with their own', async () => {
    const answers = [await routeEvent(event('listDocuments', 'owner'), deps()), await routeEvent(event('listDocuments', 'owner', { ownerId: OWNER }), deps())];

    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
    expect(listedOwners()).toEqual([OWNER, OWNER]);
  });

  it('refuses another owner’s list to an ordinary user with 403, before reading anything', async () => {
    const result = await routeEvent(event('listDocuments', 'other', { ownerId: OWNER }), deps());

    expect(result.statusCode).toBe(403);
    expect(body(result).error.code).toBe('FORBIDDEN');
    expect(listedOwners()).toEqual([]);
  });

  it('lists any owner’s documents for an admin', async () => {
    const result = await routeEvent(event('listDocuments', 'admin', { ownerId: OWNER }), deps());

    expect(result.statusCode).toBe(200);
    expect(listedOwners()).toEqual([OWNER]);
  });
});

describe('admin-only routes', () => {
  it.each(['getHealthDetail', 'listAuditEntries', 'redriveDeadLetters'] as OperationId[])('%s answers 403 FORBIDDEN to a non-admin, touching nothing', async (operationId) => {
    const result = await routeEvent(event(operationId, 'owner'), deps());

    expect(result.statusCode).toBe(403);
    expect(body(result).error.code).toBe('FORBIDDEN');
    expect(stores.listing.scanDocuments).not.toHaveBeenCalled();
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('lists the audit trail for an admin, by document', async () => {
    ddb.on(QueryCommand, { TableName: 'audit' }).resolves({
      Items: [
        {
          pk: 'DAY#2026-11-23',
          sk: '2026-11-23T11:00:00.000Z#e1',
          expiresAt: 1,
          entryId: 'e1',
          at: '2026-11-23T11:00:00.000Z',
          actor: OWNER,
          actorIsAdmin: false,
          operation: 'deleteDocument',
          documentId: DOC_ID,
          outcome: { status: 202 },
          requestId: 'r-0',
        },
      ],
    });

    const result = await routeEvent(event('listAuditEntries', 'admin', { documentId: DOC_ID }), deps());

    expect(result.statusCode).toBe(200);
    expect(AuditList.parse(body(result)).entries.map((entry) => entry.operation)).toEqual(['deleteDocument']);
    expect(ddb.commandCalls(QueryCommand, { TableName: 'audit' })[0]!.args[0].input).toMatchObject({ IndexName: 'byDocument' });
  });

  it('refuses a bad audit query with 400', async () => {
    const answers = [
      await routeEvent(event('listAuditEntries', 'admin', { from: '2026-11-23T00:00:00Z', to: '2026-11-22T00:00:00Z' }), deps()),
      await routeEvent(event('listAuditEntries', 'admin', { actor: '../x' }), deps()),
      await routeEvent(event('listAuditEntries', 'admin', { cursor: 'bm90LWEtY3Vyc29y' }), deps()),
    ];

    expect(answers.map((answer) => [answer.statusCode, body(answer).error.code])).toEqual([
      [400, 'INVALID_QUERY'],
      [400, 'INVALID_QUERY'],
      [400, 'INVALID_CURSOR'],
    ]);
  });

  it('redrives on AWS by starting an SQS message move task at the asked rate', async () => {
    sqs.on(GetQueueAttributesCommand).callsFake((input) => ({
      Attributes: { ApproximateNumberOfMessages: '3', QueueArn: `arn:aws:sqs:eu-west-1:123456789012:${String(input.QueueUrl).split('/').at(-1)}` },
    }));
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });

    const result = await routeEvent(event('redriveDeadLetters', 'admin', { maxPerSecond: '25' }), deps());

    expect(result.statusCode).toBe(202);
    expect(RedriveAccepted.parse(body(result)).lanes).toEqual([
      { lane: 'interactive', strategy: 'move-task', waiting: 3, moved: 0, taskHandle: 'task-1', more: false },
    ]);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({
      SourceArn: 'arn:aws:sqs:eu-west-1:123456789012:extract-dlq',
      DestinationArn: 'arn:aws:sqs:eu-west-1:123456789012:extract',
      MaxNumberOfMessagesPerSecond: 25,
    });
  });

  it('reports a move task already running instead of starting a second', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '3', QueueArn: 'arn:aws:sqs:eu-west-1:1:extract-dlq' } });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ TaskHandle: 'running-1', Status: 'RUNNING' }] });

    const result = await routeEvent(event('redriveDeadLetters', 'admin'), deps());

    expect(body(result).lanes[0]).toMatchObject({ taskHandle: 'running-1' });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('redrives without move tasks by receive, send and delete', async () => {
    let waiting = 2;
    sqs.on(GetQueueAttributesCommand).callsFake(() => ({ Attributes: { ApproximateNumberOfMessages: String(waiting) } }));
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ Body: 'a', ReceiptHandle: 'h-a' }, { Body: 'b', ReceiptHandle: 'h-b' }] })
      .resolves({ Messages: [] });
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    sqs.on(DeleteMessageBatchCommand).callsFake(() => {
      waiting = 0;
      return {};
    });

    const result = await routeEvent(event('redriveDeadLetters', 'admin'), deps({ deadLetterRedrive: 'receive-send-delete' }));

    expect(body(result).lanes).toEqual([{ lane: 'interactive', strategy: 'receive-send-delete', waiting: 2, moved: 2, more: false }]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input).toMatchObject({ QueueUrl: QUEUE_URL });
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]!.args[0].input).toMatchObject({ QueueUrl: DLQ_URL });
  });

  it('answers 400 for a lane the deployment does not have', async () => {
    const result = await routeEvent(event('redriveDeadLetters', 'admin', { lane: 'bulk' }), deps());

    expect(result.statusCode).toBe(400);
    expect(sqs.calls()).toHaveLength(0);
  });
});

describe('audit trail: what is recorded', () => {
  it('records a state change with who, what, which document, when, the outcome and the request', async () => {
    await routeEvent(event('deleteDocument', 'owner'), deps());

    const [put] = auditPuts();
    expect(put).toMatchObject({
      TableName: 'audit',
      Item: {
        pk: 'DAY#2026-11-23',
        sk: `${NOW.toISOString()}#00000000-0000-4000-8000-000000000001`,
        actor: OWNER,
        actorIsAdmin: false,
        operation: 'deleteDocument',
        documentId: DOC_ID,
        ownerId: OWNER,
        at: NOW.toISOString(),
        outcome: { status: 202 },
        requestId: 'req-42',
        expiresAt: NOW.getTime() / 1000 + 30 * 86400,
      },
    });
  });

  it('never holds filenames, tokens or headers', async () => {
    for (const operationId of ['deleteDocument', 'getDocument', 'downloadDocumentFile', 'reprocessDocument'] as OperationId[]) {
      stores.table.put(documentRecord()); // each operation on the live document, the deletion undone
      await routeEvent(event(operationId, 'admin'), deps());
    }

    const written = JSON.stringify(auditPuts());
    expect(auditPuts()).toHaveLength(4);
    for (const secret of [FILENAME, TOKEN_TEXT, 'Bearer', 'User-Agent', 'test']) expect(written).not.toContain(secret);
  });

  it('records a refused state change with its error code, and the document asked for', async () => {
    await routeEvent(event('deleteDocument', 'other'), deps());

    expect(auditPuts()).toEqual([
      expect.objectContaining({
        Item: expect.objectContaining({ actor: OTHER, documentId: DOC_ID, outcome: { status: 404, code: 'NOT_FOUND' } }),
      }),
    ]);
    expect(auditPuts()[0]!.Item).not.toHaveProperty('ownerId');
  });

  it('records an admin’s reads of another owner’s document and list, with that owner', async () => {
    await routeEvent(event('getDocument', 'admin'), deps());
    await routeEvent(event('listDocuments', 'admin', { ownerId: OWNER }), deps());

    expect(auditPuts().map((put) => [put.Item!.operation, put.Item!.ownerId, put.Item!.actorIsAdmin])).toEqual([
      ['getDocument', OWNER, true],
      ['listDocuments', OWNER, true],
    ]);
  });

  it('does not record an owner reading their own documents, nor anyone’s failed read', async () => {
    await routeEvent(event('getDocument', 'owner'), deps());
    await routeEvent(event('listDocuments', 'owner'), deps());
    await routeEvent(event('getDocument', 'other'), deps());

    expect(auditPuts()).toHaveLength(0);
  });

  it('records a non-admin’s refused redrive and an admin’s redrive with its lanes', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });

    await routeEvent(event('redriveDeadLetters', 'owner'), deps());
    await routeEvent(event('redriveDeadLetters', 'admin'), deps());

    expect(auditPuts().map((put) => [put.Item!.actor, put.Item!.outcome, put.Item!.lanes])).toEqual([
      [OWNER, { status: 403, code: 'FORBIDDEN' }, undefined],
      [ADMIN, { status: 202 }, ['interactive']],
    ]);
  });
});

describe('audit trail: a failed write', () => {
  beforeEach(() => {
    ddb.on(PutCommand, { TableName: 'audit' }).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
  });

  it('keeps the answer of a state change that has happened', async () => {
    const result = await routeEvent(event('deleteDocument', 'owner'), deps());

    expect(result.statusCode).toBe(202);
    expect(stores.table.records.get(DOC_ID)).toMatchObject({ deletedAt: NOW.toISOString() });
  });

  it('refuses an admin’s read of another owner’s data with 503 rather than answer it untraced', async () => {
    const result = await routeEvent(event('downloadDocumentFile', 'admin'), deps());

    expect(result.statusCode).toBe(503);
    expect(result.headers?.Location).toBeUndefined();
    expect(result.body).not.toContain(DOC_ID);
  });

  it('does not touch an owner reading their own document', async () => {
    const result = await routeEvent(event('getDocument', 'owner'), deps());

    expect(result.statusCode).toBe(200);
  });
});

describe('parseGroups', () => {
  it('reads every form the authorizers pass cognito:groups in', () => {
    expect([...parseGroups('admin')]).toEqual(['admin']);
    expect([...parseGroups('ops,admin')]).toEqual(['ops', 'admin']);
    expect([...parseGroups('[ops admin]')]).toEqual(['ops', 'admin']);
    expect([...parseGroups('["ops","admin"]')]).toEqual(['ops', 'admin']);
    expect([...parseGroups(['admin'])]).toEqual(['admin']);
    expect([...parseGroups(undefined)]).toEqual([]);
  });

  it('does not take a group whose name merely contains admin', () => {
    expect(parseGroups('administrators,not-admin').has('admin')).toBe(false);
  });
});
