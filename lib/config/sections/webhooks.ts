/** `webhooks`: signed webhooks: subscriptions per user and how deliveries are tried. */
import { z } from 'zod';
import { wholeNumber } from '../rules.js';

export const webhooksSchema = z.strictObject({
  maxPerUser: wholeNumber(1, 100).describe('webhook subscriptions one user may have'),
  secretOverlapHours: wholeNumber(0, 24 * 30).describe('how long a rotated-out secret still signs beside the new one'),
  deliveryRetentionDays: wholeNumber(1, 365).describe("how long a delivery stays in its webhook's log"),
  timeoutSeconds: wholeNumber(1, 60).describe("one attempt's deadline, connect to the end of the response"),
  maxAttempts: wholeNumber(1, 20).describe('attempts of one message (about 15 hours with 8) before its webhook is disabled'),
});
export type WebhooksConfig = z.infer<typeof webhooksSchema>;
