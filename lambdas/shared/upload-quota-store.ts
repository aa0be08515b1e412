/**
 * Upload quotas: a counter per owner and minute and per owner and day, expired by TTL, moved
 * together so an owner never passes either limit however many requests race.
 */
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_LAYOUT } from './contract.js';
import { cancellationReasons, cancelledByConditions } from './dynamo-writes.js';

export interface UploadQuota {
  readonly perMinute: number;
  readonly perDay: number;
}

export type QuotaDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly window: 'minute' | 'day'; readonly retryAfterSeconds: number };

export class UploadQuotaStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Counts one upload against both windows in one transaction: either both counters move or
   * neither does, and neither passes its limit however many requests race.
   */
  async consume(ownerId: string, now: Date, quota: UploadQuota): Promise<QuotaDecision> {
    const windows = quotaWindows(ownerId, now, quota);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: windows.map((window) => ({
            Update: {
              TableName: this.tableName,
              Key: window.key,
              UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
              ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
              ExpressionAttributeNames: { '#count': 'count', '#ttl': TABLE_LAYOUT.ttlAttribute },
              ExpressionAttributeValues: { ':one': 1, ':limit': window.limit, ':ttl': window.expiresAt },
            },
          })),
        }),
      );
      return { allowed: true };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons || !cancelledByConditions(reasons)) throw error;
      // The longest window that is full decides how long the caller must wait.
      const full = windows.filter((_, index) => reasons[index] === 'ConditionalCheckFailed');
      const window = full.at(-1) ?? windows.at(-1)!;
      return {
        allowed: false,
        window: window.name,
        retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now.getTime()) / 1000)),
      };
    }
  }
}

function quotaWindows(ownerId: string, now: Date, quota: UploadQuota) {
  const minuteStart = Math.floor(now.getTime() / 60_000) * 60_000;
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const window = (name: 'minute' | 'day', start: number, length: number, limit: number) => ({
    name,
    limit,
    endsAt: start + length,
    // Kept a little past its window, then removed by TTL.
    expiresAt: Math.floor((start + length) / 1000) + 3600,
    key: {
      [TABLE_LAYOUT.partitionKey]: `QUOTA#${ownerId}`,
      [TABLE_LAYOUT.sortKey]: `${name.toUpperCase()}#${new Date(start).toISOString()}`,
    },
  });
  return [
    window('minute', minuteStart, 60_000, quota.perMinute),
    window('day', dayStart, 24 * 60 * 60_000, quota.perDay),
  ];
}
