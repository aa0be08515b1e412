/**
 * `pdf-pipeline webhooks add|list|remove|test|deliveries|redeliver|rotate-secret|enable`: the
 * caller's webhook subscriptions through the API. Each prints for people by default and JSON
 * with `--json`; `add` and `rotate-secret` print the signing secret, which the API shows once.
 */
import type { Command } from 'commander';
import { WEBHOOK_EVENT_TYPES } from '../../lambdas/shared/webhooks/events.js';
import type { WebhookDeliveryList, WebhookSummary as Webhook } from '../../api-client/api-types.js';
import type { ApiClient } from '../client/api-client.js';
import { connect, resolveClientTarget } from '../client/api-target.js';
import { positiveInteger, printJsonLine, withTargetOptions, type ClientCommandOptions } from '../client/command-options.js';
import { CliError, EXIT_CODES } from '../client/exit-codes.js';

/** The API calls behind the commands, so they can be used (and tested) without commander. */
export const webhookCalls = {
  add: (client: ApiClient, url: string, events: readonly string[], description?: string) =>
    client.createWebhook({ url, events: events as Webhook['events'], ...(description ? { description } : {}) }),
  list: (client: ApiClient, all = false) => client.listWebhooks({ all }),
  remove: (client: ApiClient, webhookId: string) => client.deleteWebhook(webhookId),
  test: (client: ApiClient, webhookId: string) => client.testWebhook(webhookId),
  deliveries: async (client: ApiClient, webhookId: string, limit?: number) => (await client.listWebhookDeliveries(webhookId, limit)).deliveries,
  redeliver: (client: ApiClient, webhookId: string, messageId: string) => client.redeliverWebhookMessage(webhookId, messageId),
  rotateSecret: (client: ApiClient, webhookId: string) => client.rotateWebhookSecret(webhookId),
  enable: (client: ApiClient, webhookId: string) => client.enableWebhook(webhookId),
};

/** One line per webhook: id, status, events, URL, and why it was disabled. */
export function formatWebhook(webhook: Webhook): string {
  const owner = webhook.ownerId ? `  owner ${webhook.ownerId}` : '';
  const reason = webhook.disabledReason ? `\n  ${webhook.disabledReason}` : '';
  return `${webhook.webhookId}  ${webhook.status.padEnd(8)} ${webhook.events.join(',')}  ${webhook.url}${owner}${reason}`;
}

/** One line per delivery, newest first: message id, type, status, and each attempt's answer. */
export function formatDelivery(delivery: WebhookDeliveryList['deliveries'][number]): string {
  const attempts = delivery.attempts.map((attempt) => attempt.statusCode ?? attempt.error?.split(':')[0] ?? '?').join(' ');
  const next = delivery.nextAttemptAt ? `  next ${delivery.nextAttemptAt}` : '';
  return `${delivery.messageId}  ${delivery.type.padEnd(18)} ${delivery.status.padEnd(9)} ${delivery.createdAt}  [${attempts}]${next}`;
}

const parseEvents = (value: string): string[] => {
  const events = value.split(',').map((event) => event.trim()).filter(Boolean);
  const unknown = events.filter((event) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(event));
  if (unknown.length > 0 || events.length === 0) {
    throw new CliError(`Unknown event(s) ${unknown.join(', ')}; choose from ${WEBHOOK_EVENT_TYPES.join(', ')}.`, EXIT_CODES.usage);
  }
  return events;
};

export function registerWebhooks(program: Command): void {
  const webhooks = program.command('webhooks').description('Your webhooks: signed document events POSTed to your HTTPS endpoint.');
  const client = (options: ClientCommandOptions) => connect(resolveClientTarget(options));

  withTargetOptions(
    webhooks
      .command('add')
      .description('Subscribes an endpoint; prints the signing secret (shown only now)')
      .argument('<url>', 'https URL (locally, http://127.0.0.1:… too)')
      .option('--events <list>', `comma-separated: ${WEBHOOK_EVENT_TYPES.join(', ')}`, WEBHOOK_EVENT_TYPES.join(','))
      .option('--description <text>', 'for your own reference')
      .option('--json', 'the answer as JSON'),
  ).action(async (url: string, options: ClientCommandOptions & { events: string; description?: string }) => {
    const created = await webhookCalls.add(client(options), url, parseEvents(options.events), options.description);
    if (options.json) return printJsonLine(created);
    process.stdout.write(`${formatWebhook(created)}\nsecret: ${created.secret}\n`);
    process.stderr.write('Keep the secret: it is not shown again (rotate-secret issues a new one).\n');
  });

  withTargetOptions(
    webhooks
      .command('list')
      .description('Your webhooks (admins: --all for everyone’s)')
      .option('--all', "admins: every owner's webhooks")
      .option('--json', 'one JSON document: { webhooks }'),
  ).action(async (options: ClientCommandOptions & { all?: boolean }) => {
    const listed = await webhookCalls.list(client(options), options.all);
    if (options.json) return printJsonLine({ webhooks: listed });
    for (const webhook of listed) process.stdout.write(`${formatWebhook(webhook)}\n`);
    if (listed.length === 0) process.stderr.write('No webhooks.\n');
  });

  withTargetOptions(webhooks.command('remove').description('Deletes a webhook').argument('<webhookId>')).action(
    async (webhookId: string, options: ClientCommandOptions) => {
      await webhookCalls.remove(client(options), webhookId);
      process.stderr.write(`Removed ${webhookId}.\n`);
    },
  );

  withTargetOptions(webhooks.command('test').description('Sends a signed webhook.test message').argument('<webhookId>').option('--json', 'the answer as JSON')).action(
    async (webhookId: string, options: ClientCommandOptions) => {
      const queued = await webhookCalls.test(client(options), webhookId);
      if (options.json) return printJsonLine(queued);
      process.stdout.write(`${queued.messageId}  queued\n`);
    },
  );

  withTargetOptions(
    webhooks
      .command('deliveries')
      .description("A webhook's latest deliveries, newest first, with each attempt's status code")
      .argument('<webhookId>')
      .option('--limit <n>', 'at most this many (1–100)', positiveInteger)
      .option('--json', 'one JSON document: { deliveries }'),
  ).action(async (webhookId: string, options: ClientCommandOptions & { limit?: number }) => {
    const deliveries = await webhookCalls.deliveries(client(options), webhookId, options.limit);
    if (options.json) return printJsonLine({ deliveries });
    for (const delivery of deliveries) process.stdout.write(`${formatDelivery(delivery)}\n`);
    if (deliveries.length === 0) process.stderr.write('No deliveries.\n');
  });

  withTargetOptions(
    webhooks.command('redeliver').description('Sends a message again, with the same webhook-id').argument('<webhookId>').argument('<messageId>'),
  ).action(async (webhookId: string, messageId: string, options: ClientCommandOptions) => {
    await webhookCalls.redeliver(client(options), webhookId, messageId);
    process.stdout.write(`${messageId}  queued\n`);
  });

  withTargetOptions(
    webhooks
      .command('rotate-secret')
      .description('Issues a new signing secret; the previous one keeps signing until the overlap ends')
      .argument('<webhookId>')
      .option('--json', 'the answer as JSON'),
  ).action(async (webhookId: string, options: ClientCommandOptions) => {
    const rotated = await webhookCalls.rotateSecret(client(options), webhookId);
    if (options.json) return printJsonLine(rotated);
    process.stdout.write(`secret: ${rotated.secret}\nprevious secret signs until ${rotated.previousSecretExpiresAt}\n`);
  });

  withTargetOptions(webhooks.command('enable').description('Enables a webhook disabled after persistent failure').argument('<webhookId>')).action(
    async (webhookId: string, options: ClientCommandOptions) => {
      process.stdout.write(`${formatWebhook(await webhookCalls.enable(client(options), webhookId))}\n`);
    },
  );
}
