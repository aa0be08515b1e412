/**
 * The webhook routes through the router, against DynamoDB Local through the real SDK (the
 * delivery queue mocked): creating with the URL rules and the per-user limit, the secret shown
 * once, isolation between users (another's webhook answers 404), admins listing all, tests and
 * redeliveries queued, secret rotation, and enabling again.
 */
import { InMemoryUsageMeter } from '../support/usage-fake.js';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiDependencies } from '../../lambdas/api/dependencies.js';
import { ApiObjects } from '../../lambdas/api/object-access.js';
import { routeEvent } from '../../lambdas/api/router.js';
import { ALL_FULL_SCOPES, ROUTES, type OperationId } from '../../lambdas/api/routes.js';
import { DeliveryQueued, SecretRotated, WebhookCreated, WebhookDeliveryList, WebhookList } from '../../lambdas/api/webhook-schemas.js';
import { AuditRepository } from '../../lambdas/shared/audit-repository.js';
import { DocumentListing } from '../../lambdas/shared/document-listing.js';
import { DocumentStore } from '../../lambdas/shared/document-store.js';
import { IdempotencyStore } from '../../lambdas/shared/idempotency-store.js';
import { PageStore } from '../../lambdas/shared/page-store.js';
import { UploadQuotaStore } from '../../lambdas/shared/upload-quota-store.js';
import { deliveryKeyOf, WebhookStore } from '../../lambdas/shared/webhook-store.js';
import { startDynamoDbLocal, type DynamoDbLocalProcess } from '../../local/dynamodb-local.js';
import { auditTableDefinition, tableDefinition } from '../../local/resources.js';
import { LOCAL_CREDENTIALS } from '../../local/settings.js';
import { apiTestEnvironment } from '../support/api-environment.js';
import { makeStateDir, removeStateDir } from '../support/local-runtime.js';
import { loadApiSettings } from '../../lambdas/api/contract.js';

const WEBHOOK_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks';
const NOW = new Date('2026-12-04T12:00:00.000Z');
const sqs = mockClient(SQSClient);

let dynamoDb: DynamoDbLocalProcess;
let stateDir: string;
let raw: DynamoDBClient;
let deps: ApiDependencies;
let store: WebhookStore;

beforeAll(async () => {
  stateDir = makeStateDir();
  mkdirSync(join(stateDir, 'db'));
  dynamoDb = await startDynamoDbLocal({ port: 0, dbDir: join(stateDir, 'db'), logFile: join(stateDir, 'dynamodb.log'), region: 'eu-west-1' });
  raw = new DynamoDBClient({ region: 'eu-west-1', endpoint: dynamoDb.endpoint, credentials: { ...LOCAL_CREDENTIALS } });
  await raw.send(new CreateTableCommand(tableDefinition('documents')));
  await raw.send(new CreateTableCommand(auditTableDefinition('audit')));
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const settings = loadApiSettings(
    apiTestEnvironment({ WEBHOOK_QUEUE_URL, WEBHOOKS_PER_OWNER: '2', WEBHOOK_SECRET_OVERLAP_SECONDS: '3600', WEBHOOK_URL_POLICY: 'deployed' }),
  );
  store = new WebhookStore(client, 'documents', 86_400);
  let ids = 0;
  deps = {
    settings,
    documents: new DocumentStore(client, 'documents'),
    pages: new PageStore(client, 'documents'),
    listing: new DocumentListing(client, 'documents'),
    idempotency: new IdempotencyStore(client, 'documents'),
    quotas: new UploadQuotaStore(client, 'documents'),
    audit: new AuditRepository(client, 'audit', 30),
    webhooks: store,
    usage: new InMemoryUsageMeter(),
    objects: new ApiObjects(new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })),
    sqs: new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    now: () => NOW,
    newId: () => `00000000-0000-4000-8000-${String((ids += 1)).padStart(12, '0')}`,
  };
}, 90_000);

afterAll(async () => {
  raw?.destroy();
  await dynamoDb?.stop();
  if (stateDir) removeStateDir(stateDir);
});

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

const users = { alice: { sub: 'alice' }, mallory: { sub: 'mallory' }, admin: { sub: 'root', 'cognito:groups': 'admin' } } as const;
type Who = keyof typeof users;

async function call(operationId: OperationId, who: Who, options: { id?: string; messageId?: string; body?: unknown; query?: Record<string, string> } = {}) {
  const route = ROUTES.find((candidate) => candidate.operationId === operationId)!;
  const pathParameters = { ...(options.id ? { id: options.id } : {}), ...(options.messageId ? { messageId: options.messageId } : {}) };
  const event = {
    resource: route.path,
    path: route.path.replace('{id}', options.id ?? '').replace('{messageId}', options.messageId ?? ''),
    httpMethod: route.method,
    headers: { Authorization: 'Bearer t', ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
    stageVariables: null,
    requestContext: { requestId: 'req-1', stage: 'api', authorizer: { claims: { ...users[who], scope: ALL_FULL_SCOPES.join(' '), token_use: 'access' } } },
    body: options.body !== undefined ? JSON.stringify(options.body) : null,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEvent;
  const result = await routeEvent(event, deps);
  return { status: result.statusCode, body: result.body ? (JSON.parse(result.body) as Record<string, any>) : undefined };
}

const create = (who: Who, url = 'https://hooks.example.com/pdf') => call('createWebhook', who, { body: { url, events: ['document.completed'] } });

describe('POST /v1/webhooks', () => {
  it('creates a webhook and shows its secret once', async () => {
    const created = await create('alice');

    expect(created.status).toBe(201);
    const body = WebhookCreated.parse(created.body);
    expect(body).toMatchObject({ url: 'https://hooks.example.com/pdf', events: ['document.completed'], status: 'ENABLED' });
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await call('listWebhooks', 'alice');
    expect(JSON.stringify(listed.body)).not.toContain(body.secret);
  });

  it.each([
    ['plain http', 'http://hooks.example.com/', 'INSECURE_URL'],
    ['a private address', 'https://10.0.0.8/hook', 'FORBIDDEN_ADDRESS'],
    ['IPv6 loopback', 'https://[::1]/hook', 'FORBIDDEN_ADDRESS'],
    ['the metadata service', 'https://169.254.169.254/latest', 'FORBIDDEN_ADDRESS'],
  ])('refuses %s with 400', async (_case, url, code) => {
    const refused = await create('mallory', url);

    expect(refused).toMatchObject({ status: 400, body: { error: { code } } });
  });

  it('refuses unknown events and fields', async () => {
    const refused = await call('createWebhook', 'mallory', { body: { url: 'https://hooks.example.com/', events: ['document.deleted'], extra: 1 } });

    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
  });

  it('stops at the per-user limit with 409', async () => {
    await create('alice', 'https://hooks.example.com/second');

    const third = await create('alice', 'https://hooks.example.com/third');

    expect(third).toMatchObject({ status: 409, body: { error: { code: 'WEBHOOK_LIMIT_REACHED' } } });
  });
});

describe('isolation between users', () => {
  it('lists only the caller’s own webhooks; an admin lists all with all=true', async () => {
    await create('mallory', 'https://mallory.example.com/');

    const alices = WebhookList.parse((await call('listWebhooks', 'alice')).body);
    const all = WebhookList.parse((await call('listWebhooks', 'admin', { query: { all: 'true' } })).body);
    const notAdmin = await call('listWebhooks', 'alice', { query: { all: 'true' } });

    expect(alices.webhooks.map((webhook) => webhook.url).sort()).toEqual(['https://hooks.example.com/pdf', 'https://hooks.example.com/second'].sort());
    expect(all.webhooks.map((webhook) => webhook.ownerId).sort()).toEqual(['alice', 'alice', 'mallory']);
    expect(notAdmin).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it.each(['deleteWebhook', 'testWebhook', 'listWebhookDeliveries', 'rotateWebhookSecret', 'enableWebhook'] as const)(
    '%s on someone else’s webhook answers 404, as for a missing one',
    async (operationId) => {
      const [alicesWebhook] = (await store.listByOwner('alice'))!;

      const answer = await call(operationId, 'mallory', { id: alicesWebhook!.webhookId });
      const admin = await call(operationId, 'admin', { id: alicesWebhook!.webhookId });

      expect(answer).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
      expect(admin.status).toBe(404);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    },
  );
});

describe('test messages, the delivery log and redelivery', () => {
  it('queues a signed test message and shows it in the log', async () => {
    const [webhook] = await store.listByOwner('alice');

    const queued = await call('testWebhook', 'alice', { id: webhook!.webhookId });
    const log = WebhookDeliveryList.parse((await call('listWebhookDeliveries', 'alice', { id: webhook!.webhookId })).body);

    expect(queued.status).toBe(202);
    const { messageId } = DeliveryQueued.parse(queued.body);
    const task = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!);
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.QueueUrl).toBe(WEBHOOK_QUEUE_URL);
    expect(task).toEqual({ kind: 'deliver', webhookId: webhook!.webhookId, ownerId: 'alice', deliveryKey: deliveryKeyOf(NOW.toISOString(), messageId) });
    expect(log.deliveries).toEqual([{ messageId, type: 'webhook.test', createdAt: NOW.toISOString(), status: 'PENDING', attempts: [] }]);
  });

  it('redelivers a tried message with the same id, on a new round; not one never tried', async () => {
    const [webhook] = await store.listByOwner('alice');
    const [delivery] = await store.listDeliveries(webhook!.webhookId, 1);
    const ref = { webhookId: webhook!.webhookId, deliveryKey: deliveryKeyOf(delivery!.createdAt, delivery!.messageId) };
    const early = await call('redeliverWebhookMessage', 'alice', { id: webhook!.webhookId, messageId: delivery!.messageId });
    await store.recordAttempt(ref, { attempt: 8, at: NOW.toISOString(), statusCode: 500, error: 'HTTP 500', durationMs: 3 }, 'FAILED', undefined);

    const again = await call('redeliverWebhookMessage', 'alice', { id: webhook!.webhookId, messageId: delivery!.messageId });
    const unknown = await call('redeliverWebhookMessage', 'alice', { id: webhook!.webhookId, messageId: 'msg_nope' });

    expect(early).toMatchObject({ status: 409, body: { error: { code: 'DELIVERY_PENDING' } } });
    expect(again).toMatchObject({ status: 202, body: { messageId: delivery!.messageId, status: 'PENDING' } });
    expect(await store.getDelivery(ref.webhookId, ref.deliveryKey)).toMatchObject({ status: 'PENDING', attemptCount: 0 });
    expect(unknown.status).toBe(404);
  });

  it('refuses to redeliver to a disabled webhook until it is enabled', async () => {
    const [webhook] = await store.listByOwner('alice');
    const [delivery] = await store.listDeliveries(webhook!.webhookId, 1);
    await store.disable('alice', webhook!.webhookId, 'Disabled after 8 failed attempts', NOW.toISOString());

    const listed = WebhookList.parse((await call('listWebhooks', 'alice')).body);
    const refused = await call('redeliverWebhookMessage', 'alice', { id: webhook!.webhookId, messageId: delivery!.messageId });
    const enabled = await call('enableWebhook', 'alice', { id: webhook!.webhookId });

    expect(listed.webhooks.find((item) => item.webhookId === webhook!.webhookId)).toMatchObject({ status: 'DISABLED', disabledReason: 'Disabled after 8 failed attempts' });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'WEBHOOK_DISABLED' } } });
    expect(enabled).toMatchObject({ status: 200, body: { status: 'ENABLED' } });
  });
});

describe('secret rotation and deletion', () => {
  it('issues a new secret and keeps the previous one signing for the overlap', async () => {
    const [webhook] = await store.listByOwner('alice');

    const rotated = await call('rotateWebhookSecret', 'alice', { id: webhook!.webhookId });

    const body = SecretRotated.parse(rotated.body);
    expect(body.previousSecretExpiresAt).toBe('2026-12-04T13:00:00.000Z');
    const stored = await store.get('alice', webhook!.webhookId);
    expect(stored!.secrets.map((secret) => secret.secret)[0]).toBe(body.secret);
    expect(stored!.secrets).toHaveLength(2);
  });

  it('deletes a webhook, which then answers 404', async () => {
    const [webhook] = await store.listByOwner('alice');

    const deleted = await call('deleteWebhook', 'alice', { id: webhook!.webhookId });
    const again = await call('deleteWebhook', 'alice', { id: webhook!.webhookId });

    expect(deleted.status).toBe(204);
    expect(again.status).toBe(404);
  });
});
