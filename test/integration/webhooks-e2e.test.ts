/**
 * Webhooks end to end on the local runtime: a user subscribes a receiver on 127.0.0.1, uploads a
 * PDF, and the receiver gets exactly one signed `document.completed` (through the table stream,
 * the event publisher, the local bus's rule, the delivery queue and function), verifiable with
 * `verifyWebhook` and without the extracted text; the delivery log shows it; a test message
 * arrives too; another user's upload reaches only that user's webhook; a failing endpoint is
 * retried after the backoff with the same `webhook-id`; and the CLI manages webhooks.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryDelaySeconds } from '../../lambdas/shared/webhooks/retry-schedule.js';
import { verifyWebhook } from '../../lambdas/shared/webhooks/signature.js';
import { clientsPerUser } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let local: TestRuntime;
let server: Server;
let receiverUrl: string;
const received: Received[] = [];
const as = clientsPerUser(() => local);

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      // `?fail=<n>`: the first n requests to that URL fail, as an endpoint that is down for a while.
      const failures = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('fail') ?? 0);
      const seen = received.filter((message) => message.path === request.url).length;
      response.writeHead(seen <= failures ? 503 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  local = await startTestRuntime();
}, 120_000);

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const typeOf = (message: Received) => (JSON.parse(message.body) as { type: string }).type;

describe('webhooks on the local runtime', () => {
  it('delivers exactly one signed document.completed for an upload, without the text', async () => {
    // Arrange
    const alice = await as('alice');
    const created = await alice.call('createWebhook', {
      body: JSON.stringify({ url: receiverUrl, events: ['document.completed', 'document.failed'] }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(created.status).toBe(201);
    const { webhookId, secret } = created.body as { webhookId: string; secret: string };

    // Act
    const upload = await uploadDirect(alice, makePdf(['Webhook secret sauce on page one']), { filename: 'hook.pdf' });
    const documentId = (upload.body as { documentId: string }).documentId;
    await documentIn(alice, documentId, ['COMPLETED']);
    const delivered = await waitFor(
      async () => {
        const log = await alice.call('listWebhookDeliveries', { id: webhookId });
        const deliveries = (log.body as { deliveries: { status: string; type: string }[] }).deliveries;
        return deliveries.find((delivery) => delivery.type === 'document.completed' && delivery.status === 'DELIVERED');
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'the document.completed delivery to be DELIVERED' },
    );

    // Assert
    const completions = received.filter((message) => typeOf(message) === 'document.completed');
    expect(new Set(completions.map((message) => message.headers['webhook-id'])).size).toBe(1);
    const [message] = completions;
    const payload = verifyWebhook(secret, message!.headers, message!.body) as { type: string; data: Record<string, any> };
    expect(payload).toMatchObject({
      type: 'document.completed',
      data: { documentId, status: 'COMPLETED', pageCount: 1, links: { document: `${local.outputs.ApiUrl}/v1/documents/${documentId}` } },
    });
    expect(message!.body).not.toContain('secret sauce');
    expect(delivered).toMatchObject({ status: 'DELIVERED', attempts: [{ attempt: 1, statusCode: 204 }] });
  });

  it('sends a test message on request', async () => {
    const alice = await as('alice');
    const [webhook] = ((await alice.call('listWebhooks')).body as { webhooks: { webhookId: string }[] }).webhooks;

    const queued = await alice.call('testWebhook', { id: webhook!.webhookId });
    const message = await waitFor(() => received.find((candidate) => candidate.headers['webhook-id'] === queued.body.messageId), {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: 'the test message',
    });

    expect(queued.status).toBe(202);
    expect(typeOf(message)).toBe('webhook.test');
  });

  it('sends bob’s documents to bob’s webhook only, not to alice’s', async () => {
    const bob = await as('bob');
    await bob.call('createWebhook', {
      body: JSON.stringify({ url: `${receiverUrl}?who=bob`, events: ['document.completed'] }),
      headers: { 'Content-Type': 'application/json' },
    });
    const before = received.length;

    const upload = await uploadDirect(bob, makePdf(['Bob only']), { filename: 'bob.pdf' });
    const documentId = (upload.body as { documentId: string }).documentId;
    // One event fans out to every subscription at once: once bob's message is here, alice's
    // would have been queued beside it.
    await waitFor(() => received.find((message) => message.body.includes(documentId)), {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: "bob's document.completed",
    });
    const alice = await as('alice');
    const [webhook] = ((await alice.call('listWebhooks')).body as { webhooks: { webhookId: string }[] }).webhooks;
    const log = await alice.call('listWebhookDeliveries', { id: webhook!.webhookId });

    expect((log.body as { deliveries: unknown[] }).deliveries).toHaveLength(2);
    expect(received.slice(before).map((message) => message.path)).toEqual(['/hook?who=bob']);
  });
});

const CLI = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin/pdf-pipeline.js');

/** Runs `pdf-pipeline <args>` as a user would, against the test runtime, as `carol`. */
function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { PDF_PIPELINE_TOKEN: _token, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...env, PDF_PIPELINE_STATE_DIR: local.stateDir, PDF_PIPELINE_USER: 'carol' }, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('retries on the local runtime', () => {
  it('retries an endpoint that fails, after the backoff, with the same webhook-id, until it answers', { timeout: 90_000 }, async () => {
    // Arrange: an endpoint that answers 503 to its first request
    const dave = await as('dave');
    const created = await dave.call('createWebhook', {
      body: JSON.stringify({ url: `${receiverUrl}?fail=1`, events: ['document.completed'] }),
      headers: { 'Content-Type': 'application/json' },
    });
    const { webhookId } = created.body as { webhookId: string };

    // Act
    const queued = await dave.call('testWebhook', { id: webhookId });
    const delivered = await waitFor(
      async () => {
        const log = await dave.call('listWebhookDeliveries', { id: webhookId });
        const [delivery] = (log.body as { deliveries: { status: string; attempts: { statusCode?: number }[] }[] }).deliveries;
        return delivery?.status === 'DELIVERED' ? delivery : undefined;
      },
      // The first retry waits 24–30 s (30 s less up to 20 % jitter).
      { timeoutMs: 75_000, intervalMs: 500, description: 'the retried delivery' },
    );

    // Assert
    const attempts = received.filter((message) => message.path === '/hook?fail=1');
    expect(attempts.map((message) => message.headers['webhook-id'])).toEqual([queued.body.messageId, queued.body.messageId]);
    expect(delivered.attempts.map((attempt) => attempt.statusCode)).toEqual([503, 204]);
    const waited = Number(attempts[1]!.headers['webhook-timestamp']) - Number(attempts[0]!.headers['webhook-timestamp']);
    // At least the shortest first wait the schedule draws (less a second of timestamp rounding).
    expect(waited).toBeGreaterThanOrEqual(retryDelaySeconds(1, () => 1)! - 1);
  });
});

describe('pdf-pipeline webhooks', () => {
  it('adds, lists, tests, shows the deliveries of and removes a webhook', async () => {
    const added = await cli(['webhooks', 'add', `${receiverUrl}?who=carol`, '--events', 'document.completed', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const { webhookId, secret } = JSON.parse(added.stdout) as { webhookId: string; secret: string };
    expect(secret).toMatch(/^whsec_/);

    const listed = await cli(['webhooks', 'list']);
    const tested = await cli(['webhooks', 'test', webhookId, '--json']);
    const { messageId } = JSON.parse(tested.stdout) as { messageId: string };
    await waitFor(() => received.find((message) => message.headers['webhook-id'] === messageId), { timeoutMs: 30_000, intervalMs: 100, description: 'the test message' });
    const deliveries = await waitFor(
      async () => {
        const answer = await cli(['webhooks', 'deliveries', webhookId]);
        return answer.stdout.includes('DELIVERED') ? answer : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'the delivery log to show it delivered' },
    );
    const removed = await cli(['webhooks', 'remove', webhookId]);
    const afterwards = await cli(['webhooks', 'list']);

    expect(listed.stdout).toContain(`${webhookId}  ENABLED  document.completed  ${receiverUrl}?who=carol`);
    expect(deliveries.stdout).toMatch(new RegExp(`^${messageId}  webhook.test\\s+DELIVERED .*\\[204\\]$`, 'm'));
    expect(removed.code).toBe(0);
    expect(afterwards.stderr).toContain('No webhooks.');
  });

  it('refuses an unknown event with a usage error', async () => {
    const refused = await cli(['webhooks', 'add', receiverUrl, '--events', 'document.deleted']);

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Unknown event(s) document.deleted');
  });
});
