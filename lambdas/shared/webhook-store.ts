/**
 * Webhook subscriptions and their delivery log, in the document table beside the documents.
 *
 * Layout (the table's `pk`/`sk`; the stream filter passes only `sk = DOCUMENT`, so none of these
 * ever becomes a document event):
 * - a subscription: `WEBHOOKS` / `SUB#<ownerId>#<webhookId>`. One partition holds every
 *   subscription: an owner's are one query (`begins_with`), and an admin lists all without a
 *   scan. Subscriptions are few (a per-user limit) and read once per event, far below one
 *   partition's throughput.
 * - an owner's subscription count: `WEBHOOKS` / `COUNT#<ownerId>`, changed in the same
 *   transaction as a create or delete, so the per-user limit holds under concurrent requests.
 * - a delivery (one message to one subscription, all its attempts): `WEBHOOK#<webhookId>` /
 *   `DELIVERY#<createdAt>#<messageId>`, newest last; listed newest first, and removed by TTL
 *   after the retention period. `createdAt` is the event's time, so a duplicate of an event
 *   finds its delivery already there and is not delivered twice.
 *
 * Secrets are stored as issued (the signature needs them); the table is encrypted at rest and
 * only the API and the delivery function may read it. Listings never return them.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TABLE_LAYOUT } from './contract.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { isConditionFailure } from './dynamo-writes.js';
import type { Listing } from './listing.js';
import type { DeliveryAttempt, DeliveryRef, DeliveryStatus, WebhookDelivery, WebhookSecret, WebhookSubscription } from './webhooks/model.js';

export type {
  DeliveryAttempt,
  DeliveryRef,
  DeliveryStatus,
  WebhookDelivery,
  WebhookSecret,
  WebhookStatus,
  WebhookSubscription,
} from './webhooks/model.js';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_LAYOUT;
const SUBSCRIPTIONS_PARTITION = 'WEBHOOKS';
/** Attempts kept on a delivery item, the latest ones. */
export const MAX_ATTEMPTS_KEPT = 20;

export class WebhookLimitError extends Error {
  override readonly name = 'WebhookLimitError';
}

const subscriptionKey = (ownerId: string, webhookId: string) => ({ [PK]: SUBSCRIPTIONS_PARTITION, [SK]: `SUB#${ownerId}#${webhookId}` });
const countKey = (ownerId: string) => ({ [PK]: SUBSCRIPTIONS_PARTITION, [SK]: `COUNT#${ownerId}` });
const deliveryPartition = (webhookId: string) => `WEBHOOK#${webhookId}`;
export const deliveryKeyOf = (createdAt: string, messageId: string) => `DELIVERY#${createdAt}#${messageId}`;

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { [PK]: _pk, [SK]: _sk, [TTL]: _ttl, ...rest } = item;
  return rest as T;
}

/** The secrets that sign at `now`: the newest, and older ones still in their overlap. */
export function activeSecrets(subscription: Pick<WebhookSubscription, 'secrets'>, now: Date): string[] {
  return subscription.secrets.filter((secret) => secret.expiresAt === undefined || Date.parse(secret.expiresAt) > now.getTime()).map((secret) => secret.secret);
}

export class WebhookStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** How long a delivery stays in the log, in seconds. */
    private readonly deliveryRetentionSeconds: number,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // Subscriptions
  // ---------------------------------------------------------------------------------------------

  /** Creates a subscription, unless its owner already has `maxPerOwner` (`WebhookLimitError`). */
  async create(subscription: WebhookSubscription, maxPerOwner: number): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: countKey(subscription.ownerId),
                UpdateExpression: 'ADD #n :one',
                ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
                ExpressionAttributeNames: { '#n': 'subscriptions' },
                ExpressionAttributeValues: { ':one': 1, ':max': maxPerOwner },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...subscriptionKey(subscription.ownerId, subscription.webhookId), ...subscription },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PK },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new WebhookLimitError(`An owner may have at most ${maxPerOwner} webhooks.`);
      throw error;
    }
  }

  async get(ownerId: string, webhookId: string): Promise<WebhookSubscription | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: subscriptionKey(ownerId, webhookId), ConsistentRead: true }));
    return strip<WebhookSubscription>(Item);
  }

  /** An owner's subscriptions, oldest first (at most the per-owner limit, so one page). */
  async listByOwner(ownerId: string): Promise<WebhookSubscription[]> {
    return this.querySubscriptions(`SUB#${ownerId}#`);
  }

  /** Every owner's subscriptions (admins), a page at a time. */
  async listAll(limit: number, cursor?: string): Promise<Listing<WebhookSubscription>> {
    const startKey = cursor === undefined ? undefined : decodeWebhookCursor(cursor);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sub)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': SUBSCRIPTIONS_PARTITION, ':sub': 'SUB#' },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => strip<WebhookSubscription>(item)!),
      ...(result.LastEvaluatedKey ? { nextCursor: encodeWebhookCursor(String(result.LastEvaluatedKey[SK])) } : {}),
    };
  }

  private async querySubscriptions(prefix: string): Promise<WebhookSubscription[]> {
    const items: WebhookSubscription[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': SUBSCRIPTIONS_PARTITION, ':prefix': prefix },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []).map((item) => strip<WebhookSubscription>(item)!));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** Deletes a subscription and frees its place in the owner's limit; false if it was not there. */
  async delete(ownerId: string, webhookId: string): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: subscriptionKey(ownerId, webhookId),
                ConditionExpression: 'attribute_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PK },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: countKey(ownerId),
                UpdateExpression: 'ADD #n :minus',
                ExpressionAttributeNames: { '#n': 'subscriptions' },
                ExpressionAttributeValues: { ':minus': -1 },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Replaces the secrets with `secret` and the previous ones, each of which now expires at
   * `overlapUntil` at the latest (so a receiver can switch over while both sign). Returns the
   * updated subscription, or undefined if it does not exist.
   */
  async rotateSecret(
    ownerId: string,
    webhookId: string,
    secret: WebhookSecret,
    overlapUntil: string,
    attemptsLeft = 3,
  ): Promise<WebhookSubscription | undefined> {
    const current = await this.get(ownerId, webhookId);
    if (!current) return undefined;
    const previous = current.secrets
      .filter((old) => old.expiresAt === undefined || old.expiresAt > secret.createdAt)
      .map((old) => ({ ...old, expiresAt: old.expiresAt !== undefined && old.expiresAt < overlapUntil ? old.expiresAt : overlapUntil }));
    const secrets = [secret, ...previous];
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(ownerId, webhookId),
          UpdateExpression: 'SET #secrets = :secrets, #updatedAt = :now',
          // Optimistic: a concurrent rotation must not be lost.
          ConditionExpression: '#updatedAt = :seen',
          ExpressionAttributeNames: { '#secrets': 'secrets', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':secrets': secrets, ':now': secret.createdAt, ':seen': current.updatedAt },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip<WebhookSubscription>(Attributes);
    } catch (error) {
      // Changed meanwhile (another rotation, a disable): read it again and apply on top.
      if (isConditionFailure(error) && attemptsLeft > 1) return this.rotateSecret(ownerId, webhookId, secret, overlapUntil, attemptsLeft - 1);
      throw error;
    }
  }

  /** Disables a subscription with the reason its owner sees. */
  async disable(ownerId: string, webhookId: string, reason: string, at: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(ownerId, webhookId),
          UpdateExpression: 'SET #status = :disabled, #reason = :reason, #disabledAt = :at, #updatedAt = :at',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK, '#status': 'status', '#reason': 'disabledReason', '#disabledAt': 'disabledAt', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':disabled': 'DISABLED', ':reason': reason, ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Enables a subscription again (its owner fixed the endpoint); false if it does not exist. */
  async enable(ownerId: string, webhookId: string, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(ownerId, webhookId),
          UpdateExpression: 'SET #status = :enabled, #updatedAt = :at REMOVE #reason, #disabledAt',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK, '#status': 'status', '#reason': 'disabledReason', '#disabledAt': 'disabledAt', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':enabled': 'ENABLED', ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Deliveries
  // ---------------------------------------------------------------------------------------------

  /** Records a new delivery; false when it exists already (a duplicate of the same event). */
  async createDelivery(delivery: WebhookDelivery): Promise<boolean> {
    const expiresAt = Math.floor(Date.parse(delivery.createdAt) / 1000) + this.deliveryRetentionSeconds;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: deliveryPartition(delivery.webhookId),
            [SK]: deliveryKeyOf(delivery.createdAt, delivery.messageId),
            ...delivery,
            // Kept at least as long as a message can be retried after an old event.
            [TTL]: Math.max(expiresAt, Math.floor(Date.parse(delivery.updatedAt) / 1000) + this.deliveryRetentionSeconds),
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getDelivery(webhookId: string, deliveryKey: string): Promise<WebhookDelivery | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: deliveryPartition(webhookId), [SK]: deliveryKey }, ConsistentRead: true }),
    );
    return strip<WebhookDelivery>(Item);
  }

  /** The delivery with this message id, among the latest `searchLimit` of a subscription. */
  async findDelivery(webhookId: string, messageId: string, searchLimit = 500): Promise<{ delivery: WebhookDelivery; deliveryKey: string } | undefined> {
    let startKey: Record<string, unknown> | undefined;
    let seen = 0;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          FilterExpression: '#messageId = :messageId',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK, '#messageId': 'messageId' },
          ExpressionAttributeValues: { ':pk': deliveryPartition(webhookId), ':prefix': 'DELIVERY#', ':messageId': messageId },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }),
      );
      const found = result.Items?.[0];
      if (found) return { delivery: strip<WebhookDelivery>(found)!, deliveryKey: String(found[SK]) };
      seen += result.ScannedCount ?? 0;
      startKey = result.LastEvaluatedKey;
    } while (startKey && seen < searchLimit);
    return undefined;
  }

  /** A subscription's latest deliveries, newest first. */
  async listDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': deliveryPartition(webhookId), ':prefix': 'DELIVERY#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => strip<WebhookDelivery>(item)!);
  }

  /** Appends an attempt and sets the delivery's status (and when the next attempt is due, if any). */
  async recordAttempt(
    ref: Pick<DeliveryRef, 'webhookId' | 'deliveryKey'>,
    attempt: DeliveryAttempt,
    status: DeliveryStatus,
    nextAttemptAt: string | undefined,
  ): Promise<void> {
    const current = await this.getDelivery(ref.webhookId, ref.deliveryKey);
    if (!current) return;
    const attempts = [...current.attempts, attempt].slice(-MAX_ATTEMPTS_KEPT);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [PK]: deliveryPartition(ref.webhookId), [SK]: ref.deliveryKey },
        UpdateExpression: `SET #attempts = :attempts, #count = :count, #status = :status, #updatedAt = :at, #ttl = :ttl${
          nextAttemptAt ? ', #next = :next' : ' REMOVE #next'
        }`,
        ExpressionAttributeNames: {
          '#attempts': 'attempts',
          '#count': 'attemptCount',
          '#status': 'status',
          '#updatedAt': 'updatedAt',
          '#next': 'nextAttemptAt',
          '#ttl': TTL,
        },
        ExpressionAttributeValues: {
          ':attempts': attempts,
          ':count': attempt.attempt,
          ':status': status,
          ':at': attempt.at,
          ':ttl': Math.floor(Date.parse(attempt.at) / 1000) + this.deliveryRetentionSeconds,
          ...(nextAttemptAt ? { ':next': nextAttemptAt } : {}),
        },
      }),
    );
  }

  /** Starts a new round of attempts (a redelivery asked for by the owner). */
  async restartDelivery(ref: Pick<DeliveryRef, 'webhookId' | 'deliveryKey'>, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [PK]: deliveryPartition(ref.webhookId), [SK]: ref.deliveryKey },
        UpdateExpression: 'SET #status = :pending, #count = :zero, #updatedAt = :at, #ttl = :ttl REMOVE #next',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK, '#status': 'status', '#count': 'attemptCount', '#updatedAt': 'updatedAt', '#next': 'nextAttemptAt', '#ttl': TTL },
        ExpressionAttributeValues: {
          ':pending': 'PENDING',
          ':zero': 0,
          ':at': at,
          ':ttl': Math.floor(Date.parse(at) / 1000) + this.deliveryRetentionSeconds,
        },
      }),
    );
  }
}

function encodeWebhookCursor(sortKey: string): string {
  return encodeCursor({ k: sortKey });
}

function decodeWebhookCursor(cursor: string): Record<string, unknown> {
  return decodeCursor(cursor, ({ k }) => (typeof k === 'string' && k.startsWith('SUB#') ? { [PK]: SUBSCRIPTIONS_PARTITION, [SK]: k } : undefined));
}
