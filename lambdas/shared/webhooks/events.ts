/**
 * What a webhook says: the event types a subscription can ask for, the message id of each
 * (subscription, event) pair, and the payload. Plain data and pure functions, shared by the API
 * (subscriptions, test messages), the delivery function and the infrastructure (the rule's
 * pattern).
 *
 * A payload holds ids, status, counts and links to the API, never document content: a receiver
 * fetches the text with its own credentials, through the API, which checks them.
 */
import { createHash } from 'node:crypto';
import type { DocumentEventDetail } from '../document-events.js';
import { DOCUMENT_EVENT_TYPES } from '../document-events.js';

import { TEST_EVENT_TYPE, type WebhookEventType, type WebhookMessageType } from './webhook-contract.js';

export { TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES, type WebhookEventType, type WebhookMessageType } from './webhook-contract.js';

/** The webhook event type of each document event's `detail-type`. */
export const EVENT_TYPE_OF_DETAIL_TYPE: Readonly<Record<string, WebhookEventType>> = {
  [DOCUMENT_EVENT_TYPES.COMPLETED]: 'document.completed',
  [DOCUMENT_EVENT_TYPES.FAILED]: 'document.failed',
};

/** The payload of a message, as JSON: the Standard Webhooks `{ type, timestamp, data }` envelope. */
export interface WebhookPayload {
  readonly type: WebhookMessageType;
  /** When the event happened (not when this attempt was made: that is `webhook-timestamp`). */
  readonly timestamp: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * The message id of one event for one subscription: derived from the event's key, so a
 * duplicate of the same event (EventBridge and the table stream are at-least-once) carries the
 * same `webhook-id`, and the receiver can drop it.
 */
export function messageIdFor(eventKey: string, webhookId: string): string {
  return `msg_${createHash('sha256').update(`${webhookId}\n${eventKey}`).digest('base64url').slice(0, 27)}`;
}

/** The links a payload carries, to the document's resources in the API. */
function documentLinks(apiUrl: string, documentId: string, completed: boolean, markdown: boolean): Record<string, string> {
  const base = `${apiUrl.replace(/\/+$/, '')}/v1/documents/${encodeURIComponent(documentId)}`;
  if (!completed) return { document: base };
  return { document: base, pages: `${base}/pages`, ...(markdown ? { markdown: `${base}/markdown`, chunks: `${base}/chunks` } : {}) };
}

/** The payload of a document event: ids, status, page count or error code, links. */
export function documentPayload(type: WebhookEventType, detail: DocumentEventDetail, apiUrl: string): WebhookPayload {
  return {
    type,
    timestamp: detail.occurredAt,
    data: {
      documentId: detail.documentId,
      status: detail.status,
      ...(detail.pageCount !== undefined ? { pageCount: detail.pageCount } : {}),
      ...(detail.errorCode !== undefined ? { errorCode: detail.errorCode } : {}),
      generation: detail.generation,
      links: documentLinks(apiUrl, detail.documentId, detail.status === 'COMPLETED', detail.markdown !== undefined),
    },
  };
}

/** The payload of a test message. */
export function testPayload(webhookId: string, at: Date): WebhookPayload {
  return { type: TEST_EVENT_TYPE, timestamp: at.toISOString(), data: { webhookId, test: true } };
}

/**
 * The EventBridge pattern of the rule that feeds the delivery queue: this environment's document
 * events. The stack writes it as a rule; the local bus matches with it.
 */
export function webhookRulePattern(eventSource: string): { readonly source: string[]; readonly 'detail-type': string[] } {
  return { source: [eventSource], 'detail-type': Object.keys(EVENT_TYPE_OF_DETAIL_TYPE) };
}
