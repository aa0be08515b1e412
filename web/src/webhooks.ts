/**
 * The signed-in user's webhooks, as the page lists them: what each row says, decided without a
 * browser. Webhooks are added and removed with the CLI or the API; the page shows what exists,
 * and why one was disabled.
 */
import type { WebhookSummary } from '../../api-client/api-types.js';

/** What a row of the list shows. */
export interface WebhookRow {
  readonly title: string;
  readonly detail: string;
  /** For a disabled webhook: the status, and why. */
  readonly warning?: string;
}

export function webhookRow(webhook: WebhookSummary): WebhookRow {
  const title = webhook.description ? `${webhook.description} — ${webhook.url}` : webhook.url;
  const detail = `${webhook.events.join(', ')} · since ${webhook.createdAt.slice(0, 10)} · ${webhook.webhookId}`;
  if (webhook.status === 'ENABLED') return { title, detail };
  // The reason reads as a sentence of its own ("Disabled after 8 failed attempts …").
  return { title, detail, warning: webhook.disabledReason ?? 'Disabled.' };
}
