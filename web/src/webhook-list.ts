/** The user's webhooks, read-only: where they go, what they carry, and why one was disabled. */
import type { PageContext } from './page-context.js';
import { webhookRow } from './webhooks.js';

export async function loadWebhooks({ api, ui, handleFailure }: PageContext): Promise<void> {
  try {
    const webhooks = await api.listWebhooks();
    ui.webhooks.replaceChildren(
      ...webhooks.map((webhook) => {
        const row = webhookRow(webhook);
        const item = document.createElement('li');
        const title = document.createElement('strong');
        title.textContent = row.title;
        const detail = document.createElement('span');
        detail.className = 'hint';
        detail.textContent = ` ${row.detail}`;
        item.append(title, detail);
        if (row.warning) {
          const warning = document.createElement('p');
          warning.className = 'webhook-warning';
          warning.textContent = row.warning;
          item.append(warning);
        }
        return item;
      }),
    );
    ui.webhooksEmpty.hidden = webhooks.length > 0;
  } catch (error) {
    handleFailure(error, 'Your webhooks could not be listed');
  }
}
