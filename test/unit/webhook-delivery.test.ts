/**
 * The webhook delivery core: fan-out of a document event, one attempt at a time against a real
 * HTTP receiver on loopback, retries on the backoff schedule, giving up and disabling, and the
 * guarded client's refusals (private addresses after DNS, redirects, timeouts).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentEventDetail } from '../../lambdas/shared/document-events.js';
import type { DeliveryAttempt, DeliveryStatus, WebhookDelivery, WebhookSubscription } from '../../lambdas/shared/webhook-store.js';
import { deliveryKeyOf } from '../../lambdas/shared/webhook-store.js';
import { messageIdFor } from '../../lambdas/shared/webhooks/events.js';
import { DEFAULT_RETRY_SCHEDULE, retryDelaySeconds, scheduleSpanSeconds } from '../../lambdas/shared/webhooks/retry-schedule.js';
import { verifyWebhook } from '../../lambdas/shared/webhooks/signature.js';
import { attemptDelivery, fanOut, type DeliveryDependencies, type DeliveryTask } from '../../lambdas/webhooks/deliver.js';
import { DeliveryError, postWebhook, type Resolver } from '../../lambdas/webhooks/http-client.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const T0 = new Date('2026-12-04T10:00:00.000Z');

/** A receiver on 127.0.0.1 that answers each request with the next status of `statuses` (the last repeats). */
async function startReceiver(statuses: number[], extraHeaders: Record<string, string> = {}) {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      response.writeHead(status, extraHeaders).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An in-memory store with the methods the core uses. */
function memoryStore(subscriptions: WebhookSubscription[]) {
  const deliveries = new Map<string, WebhookDelivery>();
  const keyOf = (webhookId: string, deliveryKey: string) => `${webhookId}|${deliveryKey}`;
  const store: DeliveryDependencies['store'] = {
    listByOwner: async (ownerId) => subscriptions.filter((s) => s.ownerId === ownerId),
    get: async (ownerId, webhookId) => subscriptions.find((s) => s.ownerId === ownerId && s.webhookId === webhookId),
    createDelivery: async (delivery) => {
      const key = keyOf(delivery.webhookId, deliveryKeyOf(delivery.createdAt, delivery.messageId));
      if (deliveries.has(key)) return false;
      deliveries.set(key, delivery);
      return true;
    },
    getDelivery: async (webhookId, deliveryKey) => deliveries.get(keyOf(webhookId, deliveryKey)),
    recordAttempt: async (ref, attempt: DeliveryAttempt, status: DeliveryStatus, nextAttemptAt) => {
      const key = keyOf(ref.webhookId, ref.deliveryKey);
      const current = deliveries.get(key)!;
      deliveries.set(key, { ...current, attempts: [...current.attempts, attempt], attemptCount: attempt.attempt, status, ...(nextAttemptAt ? { nextAttemptAt } : {}) });
    },
    disable: async (ownerId, webhookId, reason, at) => {
      const index = subscriptions.findIndex((s) => s.ownerId === ownerId && s.webhookId === webhookId);
      subscriptions[index] = { ...subscriptions[index]!, status: 'DISABLED', disabledReason: reason, disabledAt: at };
    },
  };
  return { store, deliveries, subscriptions };
}

const subscription = (url: string, overrides: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  webhookId: 'wh_1',
  ownerId: 'alice',
  url,
  events: ['document.completed', 'document.failed'],
  status: 'ENABLED',
  createdAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
  secrets: [{ secret: SECRET, createdAt: T0.toISOString() }],
  ...overrides,
});

const completed: DocumentEventDetail = {
  documentId: '0b5c2a1e-1111-4222-8333-444455556666',
  ownerId: 'alice',
  status: 'COMPLETED',
  pageCount: 3,
  generation: 1,
  occurredAt: '2026-12-04T09:59:58.000Z',
  eventKey: '0b5c2a1e-1111-4222-8333-444455556666:1:COMPLETED:2026-12-04T09:59:58.000Z',
};

/** Dependencies over a clock the test moves. */
function dependencies(store: DeliveryDependencies['store'], clock: { now: Date }) {
  const queued: DeliveryTask[] = [];
  const deps: DeliveryDependencies = {
    store,
    enqueue: async (task) => {
      queued.push(task);
    },
    post: (url, headers, body) => postWebhook(url, headers, body, { policy: 'local', timeoutMs: 2_000 }),
    now: () => clock.now,
    random: () => 0.5,
    apiUrl: 'https://api.example.com/api/',
    schedule: DEFAULT_RETRY_SCHEDULE,
  };
  return { deps, queued };
}

describe('retryDelaySeconds', () => {
  it('backs off exponentially with jitter and gives up after the last attempt', () => {
    const noJitter = () => 0;
    const delays = [1, 2, 3, 4, 5, 6, 7].map((failed) => retryDelaySeconds(failed, noJitter));

    expect(delays).toEqual([30, 120, 480, 1920, 7680, 21600, 21600]);
    expect(retryDelaySeconds(8, noJitter)).toBeUndefined();
    expect(scheduleSpanSeconds() / 3600).toBeGreaterThan(12);
  });

  it('draws each wait within the jitter below its nominal value', () => {
    expect(retryDelaySeconds(1, () => 0.999)).toBe(24);
    expect(retryDelaySeconds(3, () => 0.5)).toBe(432);
  });
});

describe('fanOut', () => {
  it('records and queues one delivery per enabled subscription that asked for the type', async () => {
    const { store, deliveries } = memoryStore([
      subscription('http://127.0.0.1:1/a'),
      subscription('http://127.0.0.1:1/b', { webhookId: 'wh_failed_only', events: ['document.failed'] }),
      subscription('http://127.0.0.1:1/c', { webhookId: 'wh_off', status: 'DISABLED' }),
      subscription('http://127.0.0.1:1/d', { webhookId: 'wh_bob', ownerId: 'bob' }),
    ]);
    const { deps, queued } = dependencies(store, { now: T0 });

    const count = await fanOut({ 'detail-type': 'Document Completed', detail: completed }, deps);

    expect(count).toBe(1);
    expect(queued).toEqual([{ kind: 'deliver', webhookId: 'wh_1', ownerId: 'alice', deliveryKey: deliveryKeyOf(completed.occurredAt, messageIdFor(completed.eventKey, 'wh_1')) }]);
    const [delivery] = [...deliveries.values()];
    expect(JSON.parse(delivery!.payload)).toEqual({
      type: 'document.completed',
      timestamp: completed.occurredAt,
      data: {
        documentId: completed.documentId,
        status: 'COMPLETED',
        pageCount: 3,
        generation: 1,
        links: {
          document: `https://api.example.com/api/v1/documents/${completed.documentId}`,
          pages: `https://api.example.com/api/v1/documents/${completed.documentId}/pages`,
        },
      },
    });
  });

  it('queues nothing for a duplicate of an event already delivered', async () => {
    const { store, deliveries } = memoryStore([subscription('http://127.0.0.1:1/a')]);
    const { deps, queued } = dependencies(store, { now: T0 });
    await fanOut({ 'detail-type': 'Document Completed', detail: completed }, deps);
    const [key] = [...deliveries.keys()];
    deliveries.set(key!, { ...deliveries.get(key!)!, status: 'DELIVERED', attemptCount: 1 });

    const count = await fanOut({ 'detail-type': 'Document Completed', detail: completed }, deps);

    expect(count).toBe(0);
    expect(queued).toHaveLength(1);
  });

  it('reaches no one for an event without an owner or of another type', async () => {
    const { store } = memoryStore([subscription('http://127.0.0.1:1/a')]);
    const { deps, queued } = dependencies(store, { now: T0 });
    const { ownerId: _owner, ...ownerless } = completed;

    await fanOut({ 'detail-type': 'Document Completed', detail: ownerless }, deps);
    await fanOut({ 'detail-type': 'Something Else', detail: completed }, deps);

    expect(queued).toEqual([]);
  });
});

describe('attemptDelivery', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  async function queuedDelivery(statuses: number[], overrides: Partial<WebhookSubscription> = {}) {
    receiver = await startReceiver(statuses);
    const memory = memoryStore([subscription(receiver.url, overrides)]);
    const clock = { now: T0 };
    const { deps, queued } = dependencies(memory.store, clock);
    await fanOut({ 'detail-type': 'Document Completed', detail: completed }, deps);
    return { ...memory, deps, task: queued[0]!, clock };
  }

  it('sends a Standard Webhooks message the receiver can verify, and records it delivered', async () => {
    const { deps, task, deliveries } = await queuedDelivery([204]);

    const step = await attemptDelivery(task, deps);

    expect(step).toEqual({ kind: 'done', status: 'DELIVERED' });
    const [request] = receiver!.received;
    expect(request!.headers['webhook-id']).toBe(messageIdFor(completed.eventKey, 'wh_1'));
    expect(request!.headers['webhook-timestamp']).toBe(String(T0.getTime() / 1000));
    expect(request!.headers['content-type']).toBe('application/json');
    expect(verifyWebhook(SECRET, request!.headers, request!.body, { now: () => T0.getTime() })).toMatchObject({ type: 'document.completed' });
    expect(request!.body).not.toMatch(/"text"/);
    expect([...deliveries.values()][0]).toMatchObject({ status: 'DELIVERED', attemptCount: 1, attempts: [{ attempt: 1, statusCode: 204 }] });
  });

  it('retries an endpoint that fails on the backoff schedule, with the same webhook-id, until it succeeds', async () => {
    const { deps, task, deliveries, clock } = await queuedDelivery([500, 503, 200]);

    const first = await attemptDelivery(task, deps);
    clock.now = new Date(T0.getTime() + 60_000);
    const second = await attemptDelivery(task, deps);
    clock.now = new Date(T0.getTime() + 600_000);
    const third = await attemptDelivery(task, deps);

    expect([first, second, third]).toEqual([
      { kind: 'retry', delaySeconds: 27 },
      { kind: 'retry', delaySeconds: 108 },
      { kind: 'done', status: 'DELIVERED' },
    ]);
    const ids = receiver!.received.map((request) => request.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    expect(receiver!.received.map((request) => request.headers['webhook-timestamp'])).toEqual(['1796378400', '1796378460', '1796379000']);
    expect([...deliveries.values()][0]).toMatchObject({
      status: 'DELIVERED',
      attempts: [
        { attempt: 1, statusCode: 500, error: 'HTTP 500' },
        { attempt: 2, statusCode: 503, error: 'HTTP 503' },
        { attempt: 3, statusCode: 200 },
      ],
    });
  });

  it('gives up after the last attempt and disables the subscription with the reason', async () => {
    const { deps, task, deliveries, subscriptions, clock } = await queuedDelivery([500]);

    const steps = [];
    for (let attempt = 1; attempt <= DEFAULT_RETRY_SCHEDULE.maxAttempts; attempt += 1) {
      steps.push(await attemptDelivery(task, deps));
      clock.now = new Date(clock.now.getTime() + 2 * 3_600_000);
    }

    expect(steps.at(-1)).toEqual({ kind: 'done', status: 'FAILED' });
    expect(steps.slice(0, -1).every((step) => step.kind === 'retry')).toBe(true);
    expect([...deliveries.values()][0]).toMatchObject({ status: 'FAILED', attemptCount: 8 });
    expect(subscriptions[0]).toMatchObject({ status: 'DISABLED' });
    expect(subscriptions[0]!.disabledReason).toMatch(/^Disabled after 8 failed attempts over 14\.0 h to deliver msg_.+; last: HTTP 500$/);
    // A later task for a given-up delivery sends nothing.
    expect(await attemptDelivery(task, deps)).toEqual({ kind: 'done', status: 'SKIPPED' });
    expect(receiver!.received).toHaveLength(8);
  });

  it('does not send to a disabled subscription, and records why', async () => {
    const { deps, task, deliveries, subscriptions } = await queuedDelivery([200]);
    subscriptions[0] = { ...subscriptions[0]!, status: 'DISABLED' };

    const step = await attemptDelivery(task, deps);

    expect(step).toEqual({ kind: 'done', status: 'FAILED' });
    expect(receiver!.received).toHaveLength(0);
    expect([...deliveries.values()][0]!.attempts[0]!.error).toMatch(/WEBHOOK_DISABLED/);
  });

  it('counts a redirect as a failure and does not follow it', async () => {
    const { deps, task, deliveries } = await queuedDelivery([302]);

    const step = await attemptDelivery(task, deps);

    expect(step.kind).toBe('retry');
    expect(receiver!.received).toHaveLength(1);
    expect([...deliveries.values()][0]!.attempts[0]).toMatchObject({ statusCode: 302, error: 'HTTP 302: redirects are not followed' });
  });
});

describe('postWebhook', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver([200], {});
  });
  afterEach(() => receiver.close());

  const refusal = async (run: Promise<unknown>) => {
    try {
      await run;
    } catch (error) {
      return error instanceof DeliveryError ? error.code : String(error);
    }
    return 'SENT';
  };

  it('refuses, in deployed mode, a name that resolves to 127.0.0.1, before connecting', async () => {
    const resolve: Resolver = async () => ['127.0.0.1'];

    const code = await refusal(postWebhook('https://hooks.example.com/', {}, '{}', { policy: 'deployed', timeoutMs: 2_000, resolve }));

    expect(code).toBe('FORBIDDEN_ADDRESS');
  });

  it.each(['10.0.0.7', '169.254.169.254', '::1', 'fd00::5', '::ffff:192.168.0.1'])(
    'refuses, in deployed mode, a name that resolves to %s',
    async (address) => {
      const code = await refusal(postWebhook('https://hooks.example.com/', {}, '{}', { policy: 'deployed', timeoutMs: 2_000, resolve: async () => [address] }));

      expect(code).toBe('FORBIDDEN_ADDRESS');
    },
  );

  it('refuses plain http and literal private addresses in deployed mode', async () => {
    expect(await refusal(postWebhook(receiver.url, {}, '{}', { policy: 'deployed', timeoutMs: 2_000 }))).toBe('INSECURE_URL');
    expect(await refusal(postWebhook('https://[::1]:1/', {}, '{}', { policy: 'deployed', timeoutMs: 2_000 }))).toBe('FORBIDDEN_ADDRESS');
    expect(receiver.received).toHaveLength(0);
  });

  it('connects to the address the resolver vouched for (local: a loopback name)', async () => {
    const resolve: Resolver = async () => ['127.0.0.1'];

    const result = await postWebhook(`http://localhost:${receiver.port}/hook`, { 'webhook-id': 'msg_1' }, '{"a":1}', { policy: 'local', timeoutMs: 2_000, resolve });

    expect(result).toEqual({ statusCode: 200 });
    expect(receiver.received[0]).toMatchObject({ body: '{"a":1}' });
  });

  it('gives up at the deadline', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;

    const code = await refusal(postWebhook(`http://127.0.0.1:${port}/`, {}, '{}', { policy: 'local', timeoutMs: 200 }));

    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    expect(code).toBe('TIMEOUT');
  });
});
