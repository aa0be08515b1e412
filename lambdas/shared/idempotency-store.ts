/**
 * Idempotency keys of API requests: one item per owner and key, expired by TTL. A retried
 * request with the same key gets the first answer again instead of creating a second document.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { TABLE_LAYOUT } from './contract.js';
import { stripKeys } from './document-keys.js';
import { sendConditional } from './dynamo-writes.js';

/** A response the API stored under an idempotency key, returned again for a retried request. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface IdempotencyRecord {
  readonly status: 'IN_PROGRESS' | 'COMPLETED';
  /** Hash of the request the key was first used with; the same key with another request is refused. */
  readonly requestHash: string;
  /** The document the request creates, chosen when the key is first claimed, so a takeover reuses it. */
  readonly documentId: string;
  readonly response?: StoredResponse;
  /** Epoch milliseconds after which an unfinished claim may be taken over (its request died). */
  readonly lockedUntil: number;
  /** Epoch seconds; the table's TTL attribute. */
  readonly expiresAt: number;
}

export type IdempotencyClaim =
  | { readonly claimed: true; readonly documentId: string }
  | { readonly claimed: false; readonly existing: IdempotencyRecord };

/** What a new claim of a key records. */
export interface IdempotencyClaimRequest {
  readonly requestHash: string;
  readonly documentId: string;
  readonly lockedUntil: number;
  readonly expiresAt: number;
  /** Epoch milliseconds the claim is judged at. */
  readonly now: number;
}

export class IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Claims an idempotency key for a request. The key is free when it was never used, when its
   * item expired, or when an earlier claim was never finished and its lock ran out; a takeover
   * keeps the earlier claim's document id, so a retry never makes a second document.
   */
  async claim(
    ownerId: string,
    key: string,
    claim: IdempotencyClaimRequest,
  ): Promise<IdempotencyClaim> {
    const itemKey = idempotencyKey(ownerId, key);
    for (let tries = 0; tries < 3; tries += 1) {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: itemKey, ConsistentRead: true }));
      const existing = Item ? (stripKeys(Item) as unknown as IdempotencyRecord) : undefined;
      const expired = existing !== undefined && existing.expiresAt * 1000 <= claim.now;
      const abandoned =
        existing !== undefined && existing.status === 'IN_PROGRESS' && existing.lockedUntil <= claim.now && existing.requestHash === claim.requestHash;
      if (existing && !expired && !abandoned) return { claimed: false, existing };

      const documentId = abandoned ? existing.documentId : claim.documentId;
      const record: IdempotencyRecord = {
        status: 'IN_PROGRESS',
        requestHash: claim.requestHash,
        documentId,
        lockedUntil: claim.lockedUntil,
        expiresAt: claim.expiresAt,
      };
      const written = await sendConditional(
        this.client,
        new PutCommand({
          TableName: this.tableName,
          Item: { ...itemKey, ...record },
          // Written over exactly what was read, or over nothing: a concurrent claim loses.
          ...(existing
            ? {
                ConditionExpression: '#lockedUntil = :lockedUntil AND #status = :status',
                ExpressionAttributeNames: { '#lockedUntil': 'lockedUntil', '#status': 'status' },
                ExpressionAttributeValues: { ':lockedUntil': existing.lockedUntil, ':status': existing.status },
              }
            : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey } }),
        }),
      );
      if (written) return { claimed: true, documentId };
    }
    throw new Error('Could not claim the idempotency key: it kept changing');
  }

  /** Stores the response of a finished request under its key. */
  async complete(ownerId: string, key: string, response: StoredResponse): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: idempotencyKey(ownerId, key),
        UpdateExpression: 'SET #status = :completed, #response = :response',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: { ':completed': 'COMPLETED', ':response': response },
      }),
    );
  }

  /** Frees a key whose request failed, so that a retry runs it again. */
  async release(ownerId: string, key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: idempotencyKey(ownerId, key) }));
  }
}

/** Keys are hashed: they are the client's strings, of any length and alphabet. */
function idempotencyKey(ownerId: string, key: string): Record<string, string> {
  const digest = createHash('sha256').update(`${ownerId}\n${key}`).digest('hex');
  return { [TABLE_LAYOUT.partitionKey]: `IDEMPOTENCY#${digest}`, [TABLE_LAYOUT.sortKey]: 'IDEMPOTENCY' };
}
