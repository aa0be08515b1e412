/**
 * Webhook subscriptions and deliveries as plain data: what the store keeps, the API shows and the
 * delivery function works on.
 */
import type { WebhookEventType, WebhookMessageType } from './events.js';

export interface WebhookSecret {
  readonly secret: string;
  readonly createdAt: string;
  /** Set on the previous secret by a rotation: it signs alongside the new one until then. */
  readonly expiresAt?: string;
}

export type WebhookStatus = 'ENABLED' | 'DISABLED';

export interface WebhookSubscription {
  readonly webhookId: string;
  readonly ownerId: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description?: string;
  readonly status: WebhookStatus;
  /** Why it was disabled (persistent failure), shown to its owner. */
  readonly disabledReason?: string;
  readonly disabledAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Newest first. */
  readonly secrets: readonly WebhookSecret[];
}

export interface DeliveryAttempt {
  readonly attempt: number;
  readonly at: string;
  /** The receiver's HTTP status, when it answered. */
  readonly statusCode?: number;
  /** Why the attempt failed (`HTTP 500`, `TIMEOUT: …`, `FORBIDDEN_ADDRESS: …`). */
  readonly error?: string;
  readonly durationMs: number;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

export interface WebhookDelivery {
  readonly webhookId: string;
  readonly ownerId: string;
  /** The `webhook-id` header: the same on every attempt and redelivery. */
  readonly messageId: string;
  readonly type: WebhookMessageType;
  /** The exact body sent. */
  readonly payload: string;
  readonly createdAt: string;
  readonly status: DeliveryStatus;
  /** Attempts in the current round (a redelivery starts a new round). */
  readonly attemptCount: number;
  /** The latest attempts, oldest first (at most `MAX_ATTEMPTS_KEPT`). */
  readonly attempts: readonly DeliveryAttempt[];
  readonly nextAttemptAt?: string;
  readonly updatedAt: string;
}

/** A delivery's key, as the delivery queue's messages carry it. */
export interface DeliveryRef {
  readonly webhookId: string;
  readonly ownerId: string;
  readonly deliveryKey: string;
}
