/**
 * The facts of webhooks that callers see, as plain data with no runtime dependencies: the API's
 * schemas use them, and so does the typed API client the web page bundles.
 */

export const WEBHOOK_EVENT_TYPES = ['document.completed', 'document.failed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** The type of a message sent by `POST /v1/webhooks/{id}/test`; every subscription receives it. */
export const TEST_EVENT_TYPE = 'webhook.test';
export type WebhookMessageType = WebhookEventType | typeof TEST_EVENT_TYPE;

/** Longest URL a subscription may have. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
