/**
 * Webhook subscriptions (`/v1/webhooks`): create, list, delete, test, the delivery log,
 * redelivery, secret rotation and re-enabling.
 *
 * A caller sees and manages only their own webhooks: every lookup is keyed by the caller's own
 * id, so someone else's webhook answers exactly like a missing one (404). Admins may list every
 * owner's (`all=true`); they manage only their own.
 */
import { randomBytes } from 'node:crypto';
import { InvalidCursorError } from '../../shared/listing.js';
import { deliveryKeyOf, WebhookLimitError, type WebhookDelivery, type WebhookSubscription } from '../../shared/webhook-store.js';
import { messageIdFor, testPayload } from '../../shared/webhooks/events.js';
import { generateSecret } from '../../shared/webhooks/signature.js';
import { sendDeliveryTask } from '../../shared/webhooks/tasks.js';
import { checkWebhookUrl, ForbiddenTargetError } from '../../shared/webhooks/url-guard.js';
import type { ApiDependencies } from '../dependencies.js';
import { ApiError, badRequest } from '../errors.js';
import { jsonBody, type ApiRequest, type ApiResult } from '../http.js';
import { describeIssues } from '../schemas.js';
import { CreateWebhookRequest, ListDeliveriesQuery, ListWebhooksQuery, MessageId, WebhookId } from '../webhook-schemas.js';
import { requireCaller } from './guards.js';

const webhookNotFound = () => new ApiError(404, 'NOT_FOUND', 'No such webhook.');

/** The summary a listing shows: never a secret. */
function webhookSummary(subscription: WebhookSubscription, withOwner = false) {
  const [current] = subscription.secrets;
  return {
    webhookId: subscription.webhookId,
    ...(withOwner ? { ownerId: subscription.ownerId } : {}),
    url: subscription.url,
    events: [...subscription.events],
    ...(subscription.description !== undefined ? { description: subscription.description } : {}),
    status: subscription.status,
    ...(subscription.disabledReason !== undefined ? { disabledReason: subscription.disabledReason } : {}),
    ...(subscription.disabledAt !== undefined ? { disabledAt: subscription.disabledAt } : {}),
    createdAt: subscription.createdAt,
    ...(current && current.createdAt !== subscription.createdAt ? { secretRotatedAt: current.createdAt } : {}),
  };
}

function deliveryView(delivery: WebhookDelivery) {
  const last = delivery.attempts.at(-1);
  return {
    messageId: delivery.messageId,
    type: delivery.type,
    createdAt: delivery.createdAt,
    status: delivery.status,
    attempts: delivery.attempts.map((attempt) => ({ ...attempt })),
    ...(last?.statusCode !== undefined ? { lastStatusCode: last.statusCode } : {}),
    ...(delivery.nextAttemptAt !== undefined ? { nextAttemptAt: delivery.nextAttemptAt } : {}),
  };
}

/** The caller's webhook named by `{id}`, or 404. */
async function ownWebhook(request: ApiRequest, deps: ApiDependencies): Promise<WebhookSubscription> {
  const caller = requireCaller(request);
  const id = request.pathParameters.id ?? '';
  if (!WebhookId.safeParse(id).success) throw webhookNotFound();
  const subscription = await deps.webhooks.get(caller.ownerId, id);
  if (!subscription) throw webhookNotFound();
  request.audit.ownerId = caller.ownerId;
  return subscription;
}

function deliveryQueue(deps: ApiDependencies): string {
  const { queueUrl } = deps.settings.webhooks;
  if (!queueUrl) throw new ApiError(503, 'UNAVAILABLE', 'Webhook delivery is not configured here.');
  return queueUrl;
}

/** `POST /v1/webhooks`: a new subscription, and its secret, shown this once. */
export async function createWebhook(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const caller = requireCaller(request);
  const parsed = CreateWebhookRequest.safeParse(jsonBody(request));
  if (!parsed.success) throw badRequest('INVALID_REQUEST', `Invalid webhook: ${describeIssues(parsed.error)}.`);
  let url: URL;
  try {
    url = checkWebhookUrl(parsed.data.url, deps.settings.webhooks.urlPolicy);
  } catch (error) {
    if (error instanceof ForbiddenTargetError) throw badRequest(error.code, error.message);
    throw error;
  }
  const now = deps.now().toISOString();
  const secret = generateSecret();
  const subscription: WebhookSubscription = {
    webhookId: `wh_${randomBytes(16).toString('hex')}`,
    ownerId: caller.ownerId,
    url: url.href,
    events: [...new Set(parsed.data.events)],
    ...(parsed.data.description !== undefined ? { description: parsed.data.description } : {}),
    status: 'ENABLED',
    createdAt: now,
    updatedAt: now,
    secrets: [{ secret, createdAt: now }],
  };
  try {
    await deps.webhooks.create(subscription, deps.settings.webhooks.maxPerOwner);
  } catch (error) {
    if (error instanceof WebhookLimitError) {
      throw new ApiError(409, 'WEBHOOK_LIMIT_REACHED', `You have ${deps.settings.webhooks.maxPerOwner} webhooks, the most allowed; delete one first.`);
    }
    throw error;
  }
  request.audit.ownerId = caller.ownerId;
  return {
    statusCode: 201,
    body: { ...webhookSummary(subscription), secret },
    headers: { Location: `/v1/webhooks/${subscription.webhookId}` },
  };
}

/** `GET /v1/webhooks`: the caller's webhooks; an admin's, with `all=true`, every owner's. */
export async function listWebhooks(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const caller = requireCaller(request);
  const query = ListWebhooksQuery.safeParse(request.query);
  if (!query.success) throw badRequest('INVALID_QUERY', `Invalid query: ${describeIssues(query.error)}.`);
  if (query.data.all === 'true') {
    if (!caller.isAdmin) throw new ApiError(403, 'FORBIDDEN', "Only administrators may list every owner's webhooks.");
    const listing = await deps.webhooks.listAll(query.data.limit, query.data.cursor).catch((error: unknown) => {
      if (error instanceof InvalidCursorError) throw badRequest('INVALID_CURSOR', error.message);
      throw error;
    });
    request.audit.ownerId = '*';
    return {
      statusCode: 200,
      body: {
        webhooks: listing.items.map((subscription) => webhookSummary(subscription, true)),
        ...(listing.nextCursor ? { nextCursor: listing.nextCursor } : {}),
      },
    };
  }
  const subscriptions = await deps.webhooks.listByOwner(caller.ownerId);
  request.audit.ownerId = caller.ownerId;
  return { statusCode: 200, body: { webhooks: subscriptions.map((subscription) => webhookSummary(subscription)) } };
}

/** `DELETE /v1/webhooks/{id}`. */
export async function deleteWebhook(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const subscription = await ownWebhook(request, deps);
  if (!(await deps.webhooks.delete(subscription.ownerId, subscription.webhookId))) throw webhookNotFound();
  return { statusCode: 204 };
}

/** `POST /v1/webhooks/{id}/test`: a signed `webhook.test` message, through the delivery queue. */
export async function testWebhook(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const subscription = await ownWebhook(request, deps);
  const queueUrl = deliveryQueue(deps);
  const at = deps.now();
  const messageId = messageIdFor(`test:${deps.newId()}`, subscription.webhookId);
  const createdAt = at.toISOString();
  await deps.webhooks.createDelivery({
    webhookId: subscription.webhookId,
    ownerId: subscription.ownerId,
    messageId,
    type: 'webhook.test',
    payload: JSON.stringify(testPayload(subscription.webhookId, at)),
    createdAt,
    status: 'PENDING',
    attemptCount: 0,
    attempts: [],
    updatedAt: createdAt,
  });
  await sendDeliveryTask(deps.sqs, queueUrl, { webhookId: subscription.webhookId, ownerId: subscription.ownerId, deliveryKey: deliveryKeyOf(createdAt, messageId) });
  return { statusCode: 202, body: { webhookId: subscription.webhookId, messageId, status: 'PENDING' } };
}

/** `GET /v1/webhooks/{id}/deliveries`: the latest deliveries, newest first. */
export async function listWebhookDeliveries(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const query = ListDeliveriesQuery.safeParse(request.query);
  if (!query.success) throw badRequest('INVALID_QUERY', `Invalid query: ${describeIssues(query.error)}.`);
  const subscription = await ownWebhook(request, deps);
  const deliveries = await deps.webhooks.listDeliveries(subscription.webhookId, query.data.limit);
  return { statusCode: 200, body: { deliveries: deliveries.map(deliveryView) } };
}

/**
 * `POST /v1/webhooks/{id}/deliveries/{messageId}/redeliver`: the same message (same
 * `webhook-id`), on a fresh schedule. Only to an enabled webhook: enable it first.
 */
export async function redeliverWebhookMessage(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const subscription = await ownWebhook(request, deps);
  const queueUrl = deliveryQueue(deps);
  const messageId = request.pathParameters.messageId ?? '';
  const notFound = new ApiError(404, 'NOT_FOUND', 'No such message in this webhook’s delivery log.');
  if (!MessageId.safeParse(messageId).success) throw notFound;
  if (subscription.status !== 'ENABLED') {
    throw new ApiError(409, 'WEBHOOK_DISABLED', 'The webhook is disabled; enable it (POST …/enable) before redelivering.');
  }
  const found = await deps.webhooks.findDelivery(subscription.webhookId, messageId);
  if (!found) throw notFound;
  if (found.delivery.status === 'PENDING' && found.delivery.attemptCount === 0) {
    throw new ApiError(409, 'DELIVERY_PENDING', 'This message has not been tried yet.');
  }
  await deps.webhooks.restartDelivery({ webhookId: subscription.webhookId, deliveryKey: found.deliveryKey }, deps.now().toISOString());
  await sendDeliveryTask(deps.sqs, queueUrl, { webhookId: subscription.webhookId, ownerId: subscription.ownerId, deliveryKey: found.deliveryKey });
  return { statusCode: 202, body: { webhookId: subscription.webhookId, messageId, status: 'PENDING' } };
}

/** `POST /v1/webhooks/{id}/rotate-secret`: a new secret; the previous one signs too until the overlap ends. */
export async function rotateWebhookSecret(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const subscription = await ownWebhook(request, deps);
  const now = deps.now();
  const secret = generateSecret();
  const overlapUntil = new Date(now.getTime() + deps.settings.webhooks.secretOverlapSeconds * 1000).toISOString();
  const rotated = await deps.webhooks.rotateSecret(subscription.ownerId, subscription.webhookId, { secret, createdAt: now.toISOString() }, overlapUntil);
  if (!rotated) throw webhookNotFound();
  return { statusCode: 200, body: { webhookId: subscription.webhookId, secret, previousSecretExpiresAt: overlapUntil } };
}

/** `POST /v1/webhooks/{id}/enable`: back on after it was disabled. */
export async function enableWebhook(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const subscription = await ownWebhook(request, deps);
  if (!(await deps.webhooks.enable(subscription.ownerId, subscription.webhookId, deps.now().toISOString()))) throw webhookNotFound();
  const { disabledReason: _reason, disabledAt: _at, ...enabled } = subscription;
  return { statusCode: 200, body: webhookSummary({ ...enabled, status: 'ENABLED' }) };
}
