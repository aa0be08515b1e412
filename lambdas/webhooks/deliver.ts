/**
 * The delivery core, with no Lambda or SQS in it: what a document event fans out to, and what
 * one attempt of one delivery does and decides. `handler.ts` adapts it to the queue.
 *
 * - Fan-out: an event reaches each of its owner's enabled subscriptions that asked for its type,
 *   as one delivery (message) each, recorded before it is queued. A duplicate event finds its
 *   deliveries recorded already and queues nothing new, so a receiver gets one message per event
 *   and subscription; a message sent twice (a crash between an attempt and its record) carries
 *   the same `webhook-id`.
 * - An attempt: signed with every active secret, posted through the SSRF-guarded client, logged.
 *   2xx is delivered; anything else (3xx included: redirects are not followed) is retried on the
 *   backoff schedule; when the schedule is used up the delivery has FAILED and the subscription
 *   is disabled, with the reason its owner sees.
 */
import type { DocumentEventDetail } from '../shared/document-events.js';
import type { DeliveryAttempt, DeliveryRef, WebhookDelivery, WebhookStore, WebhookSubscription } from '../shared/webhook-store.js';
import { activeSecrets, deliveryKeyOf } from '../shared/webhook-store.js';
import { documentPayload, EVENT_TYPE_OF_DETAIL_TYPE, messageIdFor } from '../shared/webhooks/events.js';
import { retryDelaySeconds, type RetrySchedule } from '../shared/webhooks/retry-schedule.js';
import { signedHeaders } from '../shared/webhooks/signature.js';
import type { DeliveryTask } from '../shared/webhooks/tasks.js';
import type { PostResult } from './http-client.js';

/** A document event as the EventBridge rule hands it to the queue. */
export interface DocumentBusEvent {
  readonly 'detail-type': string;
  readonly detail: DocumentEventDetail;
}

export type { DeliveryTask };

export interface DeliveryDependencies {
  readonly store: Pick<
    WebhookStore,
    'listByOwner' | 'get' | 'createDelivery' | 'getDelivery' | 'recordAttempt' | 'disable'
  >;
  /** Queues a delivery task for an immediate attempt. */
  readonly enqueue: (task: DeliveryTask) => Promise<void>;
  /** Posts one attempt (the guarded client, with its timeout and URL policy). */
  readonly post: (url: string, headers: Readonly<Record<string, string>>, body: string) => Promise<PostResult>;
  readonly now: () => Date;
  /** [0, 1), for the jitter. */
  readonly random: () => number;
  /** The API's base URL, for the links in payloads. */
  readonly apiUrl: string;
  readonly schedule: RetrySchedule;
}

const wants = (subscription: WebhookSubscription, type: string) =>
  subscription.status === 'ENABLED' && (subscription.events as readonly string[]).includes(type);

/**
 * Records and queues the deliveries of one document event; returns how many were queued.
 * Events of unknown types, and events without an owner (a drop-folder file outside an owner's
 * folder), reach no one.
 */
export async function fanOut(event: DocumentBusEvent, deps: DeliveryDependencies): Promise<number> {
  const type = EVENT_TYPE_OF_DETAIL_TYPE[event['detail-type']];
  const { detail } = event;
  if (!type || !detail?.ownerId || !detail.eventKey) return 0;
  const subscriptions = (await deps.store.listByOwner(detail.ownerId)).filter((subscription) => wants(subscription, type));
  const payload = JSON.stringify(documentPayload(type, detail, deps.apiUrl));
  let queued = 0;
  for (const subscription of subscriptions) {
    const messageId = messageIdFor(detail.eventKey, subscription.webhookId);
    const delivery: WebhookDelivery = {
      webhookId: subscription.webhookId,
      ownerId: subscription.ownerId,
      messageId,
      type,
      payload,
      createdAt: detail.occurredAt,
      status: 'PENDING',
      attemptCount: 0,
      attempts: [],
      updatedAt: deps.now().toISOString(),
    };
    const deliveryKey = deliveryKeyOf(delivery.createdAt, messageId);
    const created = await deps.store.createDelivery(delivery);
    if (!created) {
      // A duplicate event, or this same event again after a failure between record and queue:
      // queue it only if no attempt was ever made.
      const existing = await deps.store.getDelivery(subscription.webhookId, deliveryKey);
      if (!existing || existing.status !== 'PENDING' || existing.attemptCount > 0) continue;
    }
    await deps.enqueue({ kind: 'deliver', webhookId: subscription.webhookId, ownerId: subscription.ownerId, deliveryKey });
    queued += 1;
  }
  return queued;
}

/** What the queue does with a task after an attempt: nothing more, or show it again later. */
export type DeliveryStep = { readonly kind: 'done'; readonly status: 'DELIVERED' | 'FAILED' | 'SKIPPED' } | { readonly kind: 'retry'; readonly delaySeconds: number };

/** Why an answer is not a delivery, or undefined for a 2xx. */
export function failureOf(result: PostResult): string | undefined {
  const { statusCode } = result;
  if (statusCode >= 200 && statusCode < 300) return undefined;
  if (statusCode >= 300 && statusCode < 400) return `HTTP ${statusCode}: redirects are not followed`;
  return `HTTP ${statusCode}`;
}

/** Makes one attempt of a delivery and records it; says whether and when to try again. */
export async function attemptDelivery(task: DeliveryRef, deps: DeliveryDependencies): Promise<DeliveryStep> {
  const [subscription, delivery] = await Promise.all([
    deps.store.get(task.ownerId, task.webhookId),
    deps.store.getDelivery(task.webhookId, task.deliveryKey),
  ]);
  // Deleted, already delivered or given up: a late or duplicate task.
  if (!subscription || !delivery || delivery.status !== 'PENDING') return { kind: 'done', status: 'SKIPPED' };

  const attemptNumber = delivery.attemptCount + 1;
  const started = deps.now();
  if (subscription.status !== 'ENABLED') {
    const attempt: DeliveryAttempt = { attempt: attemptNumber, at: started.toISOString(), error: 'WEBHOOK_DISABLED: not sent', durationMs: 0 };
    await deps.store.recordAttempt(task, attempt, 'FAILED', undefined);
    return { kind: 'done', status: 'FAILED' };
  }

  let statusCode: number | undefined;
  let error: string | undefined;
  try {
    const headers = signedHeaders(activeSecrets(subscription, started), delivery.messageId, Math.floor(started.getTime() / 1000), delivery.payload);
    const result = await deps.post(subscription.url, { ...headers }, delivery.payload);
    statusCode = result.statusCode;
    error = failureOf(result);
  } catch (caught) {
    const { code, message } = caught as { code?: string; message?: string };
    error = code ? `${code}: ${message ?? ''}`.trim() : String(message ?? caught);
  }
  const finished = deps.now();
  const attempt: DeliveryAttempt = {
    attempt: attemptNumber,
    at: started.toISOString(),
    ...(statusCode !== undefined ? { statusCode } : {}),
    ...(error !== undefined ? { error } : {}),
    durationMs: Math.max(0, finished.getTime() - started.getTime()),
  };

  if (error === undefined) {
    await deps.store.recordAttempt(task, attempt, 'DELIVERED', undefined);
    return { kind: 'done', status: 'DELIVERED' };
  }
  const delaySeconds = retryDelaySeconds(attemptNumber, deps.random, deps.schedule);
  if (delaySeconds !== undefined) {
    await deps.store.recordAttempt(task, attempt, 'PENDING', new Date(finished.getTime() + delaySeconds * 1000).toISOString());
    return { kind: 'retry', delaySeconds };
  }
  await deps.store.recordAttempt(task, attempt, 'FAILED', undefined);
  const firstAttempt = delivery.attempts.find((earlier) => earlier.attempt === 1)?.at ?? attempt.at;
  const hours = ((finished.getTime() - Date.parse(firstAttempt)) / 3_600_000).toFixed(1);
  await deps.store.disable(
    task.ownerId,
    task.webhookId,
    `Disabled after ${attemptNumber} failed attempts over ${hours} h to deliver ${delivery.messageId}; last: ${error}`,
    finished.toISOString(),
  );
  return { kind: 'done', status: 'FAILED' };
}
