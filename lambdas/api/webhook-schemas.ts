/** Request and response bodies of the webhook routes (`/v1/webhooks`), as zod schemas. */
import { z } from 'zod';
import { MAX_WEBHOOK_URL_LENGTH, TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from '../shared/webhooks/webhook-contract.js';

/** `wh_` and 32 hex digits. */
export const WEBHOOK_ID = /^wh_[0-9a-f]{32}$/;
export const WebhookId = z.string().regex(WEBHOOK_ID).describe('Webhook id (`wh_` and 32 hex digits)');
export const MessageId = z.string().regex(/^msg_[A-Za-z0-9_-]{1,64}$/).describe('Message id: the `webhook-id` header of its deliveries');

export const CreateWebhookRequest = z.strictObject({
  url: z
    .string()
    .min(1)
    .max(MAX_WEBHOOK_URL_LENGTH)
    .describe('Where to POST messages: https, on a public address (locally, plain http to loopback is allowed too)'),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .min(1)
    .max(WEBHOOK_EVENT_TYPES.length)
    .describe('The events to receive'),
  description: z.string().max(200).optional().describe('For your own reference'),
});
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

export const WebhookSummary = z.strictObject({
  webhookId: WebhookId,
  ownerId: z.string().optional().describe('Admins listing every webhook: whose it is'),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  description: z.string().optional(),
  status: z.enum(['ENABLED', 'DISABLED']),
  disabledReason: z.string().optional().describe('Why it was disabled (persistent delivery failure)'),
  disabledAt: z.iso.datetime().optional(),
  createdAt: z.iso.datetime(),
  secretRotatedAt: z.iso.datetime().optional().describe('When the current secret was issued, if by a rotation'),
});

export const WebhookCreated = WebhookSummary.extend({
  secret: z.string().describe('The signing secret (`whsec_…`): shown only now; keep it'),
});

export const WebhookList = z.strictObject({
  webhooks: z.array(WebhookSummary),
  nextCursor: z.string().optional().describe('Admins listing all: pass as `cursor` for more'),
});

export const SecretRotated = z.strictObject({
  webhookId: WebhookId,
  secret: z.string().describe('The new signing secret: shown only now'),
  previousSecretExpiresAt: z.iso.datetime().describe('Until then, messages are signed with the previous secret too'),
});

export const DeliveryAttemptView = z.strictObject({
  attempt: z.number().int(),
  at: z.iso.datetime(),
  statusCode: z.number().int().optional().describe("The receiver's HTTP status, when it answered"),
  error: z.string().optional().describe('Why the attempt failed'),
  durationMs: z.number().int(),
});

export const WebhookDeliveryView = z.strictObject({
  messageId: MessageId,
  type: z.enum([...WEBHOOK_EVENT_TYPES, TEST_EVENT_TYPE]),
  createdAt: z.iso.datetime(),
  status: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
  attempts: z.array(DeliveryAttemptView),
  lastStatusCode: z.number().int().optional(),
  nextAttemptAt: z.iso.datetime().optional(),
});

export const WebhookDeliveryList = z.strictObject({ deliveries: z.array(WebhookDeliveryView) });

export const DeliveryQueued = z.strictObject({
  webhookId: WebhookId,
  messageId: MessageId,
  status: z.literal('PENDING'),
});

/** Query string of `GET /v1/webhooks`. */
export const ListWebhooksQuery = z.object({
  all: z.enum(['true', 'false']).optional().describe("Admins: every owner's webhooks"),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

/** Query string of `GET /v1/webhooks/{id}/deliveries`. */
export const ListDeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
