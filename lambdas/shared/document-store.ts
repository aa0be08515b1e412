/**
 * The document record and its state changes. Every change is a conditional write against what
 * the caller last read, so a duplicate or stale event can never move a document backwards: a
 * failed condition returns `false` and the caller re-reads.
 *
 * Retention: a document carries `expiresAt`, the table's TTL attribute. DynamoDB may remove an
 * item days after that time, so a read here leaves an expired record out (unless asked not to)
 * and no state change applies to an expired record.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_LAYOUT } from './contract.js';
import { documentKey, epochSeconds, NOT_EXPIRED, ownerIndexKey, toDocumentRecord } from './document-keys.js';
import { hasExpired, type DocumentRecord, type RecordExpectation } from './document-model.js';
import { sendConditional, transact } from './dynamo-writes.js';
import { taskItem, type PendingTask } from './task-store.js';

export interface DocumentStoreOptions {
  /**
   * How long a document is kept after its creation, in seconds: records written by `create` and
   * `createWithTask` get `expiresAt` = creation + this, unless they carry one already.
   * @default - records are written without an expiry
   */
  readonly documentRetentionSeconds?: number;
  /** The clock expiry is judged by, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

export interface GetOptions {
  /**
   * Return a record even once it has expired: for the writers that must tell an expired document
   * from a missing one (the extractor never revives an expired document). @default false
   */
  readonly includeExpired?: boolean;
}

export class DocumentStore {
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DocumentStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async get(documentId: string, options: GetOptions = {}): Promise<DocumentRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: documentKey(documentId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    if (!options.includeExpired && hasExpired(Item[TABLE_LAYOUT.ttlAttribute], epochSeconds(this.now()))) return undefined;
    return toDocumentRecord(Item);
  }

  /**
   * When a document created at `createdAt` (ISO 8601) expires, in epoch seconds; `undefined`
   * when this store writes no expiry.
   */
  expiryFor(createdAt: string): number | undefined {
    const retention = this.options.documentRetentionSeconds;
    return retention === undefined ? undefined : Math.floor(Date.parse(createdAt) / 1000) + retention;
  }

  /** Reads one (absent) item, proving the table answers; for health checks. */
  async ping(abortSignal: AbortSignal): Promise<void> {
    await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [TABLE_LAYOUT.partitionKey]: 'HEALTH', [TABLE_LAYOUT.sortKey]: 'HEALTH' } }),
      { abortSignal },
    );
  }

  /**
   * Writes a new record, with its expiry; `false` when one already exists (an expired record that
   * DynamoDB has not removed yet counts: an expired document is never revived).
   */
  async create(record: DocumentRecord): Promise<boolean> {
    return sendConditional(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...documentKey(record.documentId), ...ownerIndexKey(record), ...this.withExpiry(record) },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey },
      }),
    );
  }

  /**
   * Writes `record` in place of what is stored under its id, for an operator restoring a document
   * whose record is missing or damaged: conditional on the stored record as read (`undefined`:
   * nothing stored; otherwise its `generation`, which may itself be missing), so a writer that
   * changed it meanwhile is never overwritten. `false` when it was.
   */
  async replace(record: DocumentRecord, stored: { readonly generation?: unknown } | undefined): Promise<boolean> {
    const names: Record<string, string> = { '#pk': TABLE_LAYOUT.partitionKey, '#generation': 'generation' };
    const condition =
      stored === undefined
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': names['#pk']! } }
        : stored.generation === undefined
          ? { ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#generation)', ExpressionAttributeNames: names }
          : {
              ConditionExpression: '#generation = :generation',
              ExpressionAttributeNames: { '#generation': 'generation' },
              ExpressionAttributeValues: { ':generation': stored.generation },
            };
    return sendConditional(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...documentKey(record.documentId), ...ownerIndexKey(record), ...this.withExpiry(record) },
        ...condition,
      }),
    );
  }

  /**
   * Sets `changes` (and removes `removals`) when the record still matches `expected`;
   * `false` when it does not (another writer got there first).
   */
  async transition(
    documentId: string,
    expected: RecordExpectation,
    changes: Partial<DocumentRecord>,
    removals: readonly (keyof DocumentRecord)[] = [],
  ): Promise<boolean> {
    const names: Record<string, string> = { '#pk': TABLE_LAYOUT.partitionKey, '#ttl': TABLE_LAYOUT.ttlAttribute };
    const values: Record<string, unknown> = { ':now': epochSeconds(this.now()) };
    // An expired record takes no more changes, whatever DynamoDB TTL has yet to remove.
    const conditions = ['attribute_exists(#pk)', NOT_EXPIRED];

    const { statusIn, ...exact } = expected;
    for (const [field, value] of Object.entries(exact)) {
      names[`#e_${field}`] = field;
      values[`:e_${field}`] = value;
      conditions.push(`#e_${field} = :e_${field}`);
    }
    if (statusIn) {
      names['#e_statusIn'] = 'status';
      const placeholders = statusIn.map((status, index) => {
        values[`:e_statusIn${index}`] = status;
        return `:e_statusIn${index}`;
      });
      conditions.push(`#e_statusIn IN (${placeholders.join(', ')})`);
    }

    const sets = Object.entries({ ...changes, updatedAt: changes.updatedAt ?? new Date(this.now()).toISOString() })
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => {
        names[`#s_${field}`] = field;
        values[`:s_${field}`] = value;
        return `#s_${field} = :s_${field}`;
      });
    const removes = removals.map((field) => {
      names[`#r_${field}`] = field;
      return `#r_${field}`;
    });

    return sendConditional(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: documentKey(documentId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Writes a new record and the task that checks on it later, atomically; `false` when the
   * record already exists.
   */
  async createWithTask(record: DocumentRecord, task: PendingTask): Promise<boolean> {
    return transact(this.client, [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...documentKey(record.documentId), ...ownerIndexKey(record), ...this.withExpiry(record) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey },
        },
      },
      { Put: { TableName: this.tableName, Item: taskItem(task) } },
    ]);
  }

  /**
   * Turns the record into a tombstone, conditional on the status and generation last read:
   * `deletedAt` is set, the generation bumped (so in-flight extraction writes fail their
   * condition), the owner index key removed (so it leaves every listing) and a TTL set. The
   * purge task is written in the same transaction, so a lost purge request is still found.
   */
  async markDeleted(
    documentId: string,
    expected: Pick<DocumentRecord, 'generation' | 'status'>,
    deletion: { readonly deletedAt: string; readonly tombstoneExpiresAt: number; readonly purgeTask: PendingTask },
  ): Promise<boolean> {
    return transact(this.client, [
      {
        Update: {
          TableName: this.tableName,
          Key: documentKey(documentId),
          UpdateExpression:
            'SET #deletedAt = :deletedAt, #updatedAt = :deletedAt, #generation = #generation + :one, #ttl = :ttl REMOVE #owner',
          ConditionExpression:
            'attribute_exists(#pk) AND attribute_not_exists(#deletedAt) AND #generation = :generation AND #status = :status',
          ExpressionAttributeNames: {
            '#pk': TABLE_LAYOUT.partitionKey,
            '#deletedAt': 'deletedAt',
            '#updatedAt': 'updatedAt',
            '#generation': 'generation',
            '#status': 'status',
            '#ttl': TABLE_LAYOUT.ttlAttribute,
            '#owner': TABLE_LAYOUT.ownerIndex.partitionKey,
          },
          ExpressionAttributeValues: {
            ':deletedAt': deletion.deletedAt,
            ':one': 1,
            ':ttl': deletion.tombstoneExpiresAt,
            ':generation': expected.generation,
            ':status': expected.status,
          },
        },
      },
      { Put: { TableName: this.tableName, Item: taskItem(deletion.purgeTask) } },
    ]);
  }

  /** Notes on a tombstone that its purge finished; nothing happens if the tombstone has expired. */
  async markPurged(documentId: string, purgedAt: string): Promise<void> {
    await sendConditional(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: documentKey(documentId),
        UpdateExpression: 'SET #purgedAt = :purgedAt',
        ConditionExpression: 'attribute_exists(#deletedAt)',
        ExpressionAttributeNames: { '#purgedAt': 'purgedAt', '#deletedAt': 'deletedAt' },
        ExpressionAttributeValues: { ':purgedAt': purgedAt },
      }),
    );
  }

  /** The record with its expiry: the one it carries, else its creation plus the retention. */
  private withExpiry(record: DocumentRecord): DocumentRecord {
    if (record.expiresAt !== undefined) return record;
    const expiresAt = this.expiryFor(record.createdAt);
    return expiresAt === undefined ? record : { ...record, expiresAt };
  }
}
