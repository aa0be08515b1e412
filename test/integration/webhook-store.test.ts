/**
 * The webhook store against DynamoDB Local, through the real SDK: subscriptions and the per-owner
 * limit under concurrent creates, owner isolation and the admin listing, secret rotation with an
 * overlap, disabling, and the delivery log (idempotent creation, attempts, newest first).
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeSecrets,
  deliveryKeyOf,
  WebhookLimitError,
  WebhookStore,
  type WebhookDelivery,
  type WebhookSubscription,
} from '../../lambdas/shared/webhook-store.js';
import { startDynamoDbLocal, type DynamoDbLocalProcess } from '../../local/dynamodb-local.js';
import { tableDefinition } from '../../local/resources.js';
import { LOCAL_CREDENTIALS } from '../../local/settings.js';
import { makeStateDir, removeStateDir } from '../support/local-runtime.js';

const TABLE = 'webhook-store-test';
const NOW = '2026-12-04T10:00:00.000Z';
let dynamoDb: DynamoDbLocalProcess;
let stateDir: string;
let raw: DynamoDBClient;
let store: WebhookStore;

beforeAll(async () => {
  stateDir = makeStateDir();
  mkdirSync(join(stateDir, 'db'));
  dynamoDb = await startDynamoDbLocal({ port: 0, dbDir: join(stateDir, 'db'), logFile: join(stateDir, 'dynamodb.log'), region: 'eu-west-1' });
  raw = new DynamoDBClient({ region: 'eu-west-1', endpoint: dynamoDb.endpoint, credentials: { ...LOCAL_CREDENTIALS } });
  await raw.send(new CreateTableCommand(tableDefinition(TABLE)));
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  store = new WebhookStore(client, TABLE, 7 * 86_400);
}, 90_000);

afterAll(async () => {
  raw?.destroy();
  await dynamoDb?.stop();
  if (stateDir) removeStateDir(stateDir);
});

const subscription = (ownerId: string, webhookId: string, overrides: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  webhookId,
  ownerId,
  url: 'https://hooks.example.com/pdf',
  events: ['document.completed'],
  status: 'ENABLED',
  createdAt: NOW,
  updatedAt: NOW,
  secrets: [{ secret: 'whsec_b2xk', createdAt: NOW }],
  ...overrides,
});

const delivery = (webhookId: string, messageId: string, createdAt: string): WebhookDelivery => ({
  webhookId,
  ownerId: 'carol',
  messageId,
  type: 'document.completed',
  payload: '{"type":"document.completed"}',
  createdAt,
  status: 'PENDING',
  attemptCount: 0,
  attempts: [],
  updatedAt: createdAt,
});

describe('WebhookStore subscriptions', () => {
  it('keeps each owner to the limit, even when creates race', async () => {
    const creates = Array.from({ length: 5 }, (_, index) => store.create(subscription('alice', `wh_a${index}`), 3));

    const outcomes = await Promise.allSettled(creates);

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(refused.every((outcome) => outcome.reason instanceof WebhookLimitError)).toBe(true);
    expect(await store.listByOwner('alice')).toHaveLength(3);
  });

  it('frees a place in the limit when one is deleted, and deletes only what exists', async () => {
    const [first] = await store.listByOwner('alice');

    expect(await store.delete('alice', first!.webhookId)).toBe(true);
    expect(await store.delete('alice', first!.webhookId)).toBe(false);
    await store.create(subscription('alice', 'wh_again'), 3);
    await expect(store.create(subscription('alice', 'wh_over'), 3)).rejects.toBeInstanceOf(WebhookLimitError);
  });

  it('shows an owner only their own, and an admin every owner’s, a page at a time', async () => {
    await store.create(subscription('bob', 'wh_b1'), 3);

    const bobs = await store.listByOwner('bob');
    const firstPage = await store.listAll(2);
    const secondPage = await store.listAll(10, firstPage.nextCursor);

    expect(bobs.map((item) => item.webhookId)).toEqual(['wh_b1']);
    expect(await store.get('alice', 'wh_b1')).toBeUndefined();
    expect(firstPage.items).toHaveLength(2);
    expect([...firstPage.items, ...secondPage.items].map((item) => item.ownerId).sort()).toEqual(['alice', 'alice', 'alice', 'bob']);
  });

  it('rotates a secret: the new one signs at once, the old one until the overlap ends', async () => {
    await store.create(subscription('dave', 'wh_d'), 3);

    const rotated = await store.rotateSecret('dave', 'wh_d', { secret: 'whsec_bmV3', createdAt: '2026-12-04T11:00:00.000Z' }, '2026-12-05T11:00:00.000Z');

    expect(rotated!.secrets.map((secret) => secret.secret)).toEqual(['whsec_bmV3', 'whsec_b2xk']);
    expect(activeSecrets(rotated!, new Date('2026-12-05T10:59:59.000Z'))).toEqual(['whsec_bmV3', 'whsec_b2xk']);
    expect(activeSecrets(rotated!, new Date('2026-12-05T11:00:00.000Z'))).toEqual(['whsec_bmV3']);
    expect(await store.rotateSecret('dave', 'wh_missing', { secret: 'x', createdAt: NOW }, NOW)).toBeUndefined();
  });

  it('disables with a reason and enables again', async () => {
    await store.create(subscription('erin', 'wh_e'), 3);

    await store.disable('erin', 'wh_e', 'Disabled after 8 failed attempts', '2026-12-04T12:00:00.000Z');
    const disabled = await store.get('erin', 'wh_e');
    await store.enable('erin', 'wh_e', '2026-12-04T13:00:00.000Z');
    const enabled = await store.get('erin', 'wh_e');

    expect(disabled).toMatchObject({ status: 'DISABLED', disabledReason: 'Disabled after 8 failed attempts' });
    expect(enabled).toMatchObject({ status: 'ENABLED' });
    expect(enabled!.disabledReason).toBeUndefined();
  });
});

describe('WebhookStore deliveries', () => {
  it('records a delivery once per event: a duplicate finds it there', async () => {
    expect(await store.createDelivery(delivery('wh_c', 'msg_1', '2026-12-04T10:00:01.000Z'))).toBe(true);
    expect(await store.createDelivery(delivery('wh_c', 'msg_1', '2026-12-04T10:00:01.000Z'))).toBe(false);
  });

  it('appends attempts and settles the status', async () => {
    const ref = { webhookId: 'wh_c', deliveryKey: deliveryKeyOf('2026-12-04T10:00:01.000Z', 'msg_1') };

    await store.recordAttempt(ref, { attempt: 1, at: '2026-12-04T10:00:02.000Z', statusCode: 500, error: 'HTTP 500', durationMs: 12 }, 'PENDING', '2026-12-04T10:00:32.000Z');
    await store.recordAttempt(ref, { attempt: 2, at: '2026-12-04T10:00:33.000Z', statusCode: 200, durationMs: 9 }, 'DELIVERED', undefined);

    const stored = await store.getDelivery(ref.webhookId, ref.deliveryKey);
    expect(stored).toMatchObject({ status: 'DELIVERED', attemptCount: 2, attempts: [{ statusCode: 500 }, { statusCode: 200 }] });
    expect(stored!.nextAttemptAt).toBeUndefined();
  });

  it('lists the latest deliveries newest first, and finds one by message id', async () => {
    await store.createDelivery(delivery('wh_c', 'msg_2', '2026-12-04T10:05:00.000Z'));
    await store.createDelivery(delivery('wh_c', 'msg_3', '2026-12-04T10:10:00.000Z'));

    const latestTwo = await store.listDeliveries('wh_c', 2);
    const found = await store.findDelivery('wh_c', 'msg_1');

    expect(latestTwo.map((item) => item.messageId)).toEqual(['msg_3', 'msg_2']);
    expect(found?.deliveryKey).toBe(deliveryKeyOf('2026-12-04T10:00:01.000Z', 'msg_1'));
    expect(await store.findDelivery('wh_c', 'msg_none')).toBeUndefined();
  });

  it('starts a new round of attempts on redelivery', async () => {
    const ref = { webhookId: 'wh_c', deliveryKey: deliveryKeyOf('2026-12-04T10:00:01.000Z', 'msg_1') };

    await store.restartDelivery(ref, '2026-12-04T14:00:00.000Z');

    expect(await store.getDelivery(ref.webhookId, ref.deliveryKey)).toMatchObject({ status: 'PENDING', attemptCount: 0, attempts: [{}, {}] });
  });
});
