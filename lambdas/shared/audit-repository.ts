/**
 * The audit trail: who did what to which document (or whose documents they listed), when, and
 * how it ended. Append-only: entries are only ever put (never over an existing one) and read;
 * DynamoDB TTL removes them after the retention period. The key layout and why it is so are in
 * `AUDIT_TABLE_LAYOUT` (contract.ts).
 *
 * An entry never holds document content, filenames, tokens or request headers: only ids, the
 * operation, the outcome and the request id that ties it to the access and function logs.
 */
import { PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AUDIT_TABLE_LAYOUT } from './contract.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { batchWrite } from './dynamo-writes.js';
import type { Listing } from './listing.js';

/** One audited action. */
export interface AuditEntry {
  readonly entryId: string;
  /** ISO 8601, milliseconds, UTC. */
  readonly at: string;
  /** The caller's `sub`. */
  readonly actor: string;
  /** Whether the caller acted as an administrator (member of the admin group). */
  readonly actorIsAdmin: boolean;
  /** The API operation, e.g. `deleteDocument`. */
  readonly operation: string;
  /** The document acted on or read, when there is one. */
  readonly documentId?: string;
  /** Whose data it was: the document's owner, or the owner whose documents were listed. */
  readonly ownerId?: string;
  /** `POST /v1/admin/redrive`: the lanes redriven. */
  readonly lanes?: readonly string[];
  /** The HTTP status answered, and the error code when it was not a success. */
  readonly outcome: { readonly status: number; readonly code?: string };
  /** API Gateway's request id: the same request in the access and function logs. */
  readonly requestId: string;
}

export interface AuditQuery {
  readonly documentId?: string;
  readonly actor?: string;
  /** Inclusive lower bound, ISO 8601. @default the start of the retention period */
  readonly from?: string;
  /** Exclusive upper bound, ISO 8601. @default now */
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

const { partitionKey, sortKey, documentIndex, actorIndex, ttlAttribute } = AUDIT_TABLE_LAYOUT;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Day partitions a page of a time-range listing reads at most; an answer that reaches it before
 * filling the page hands a cursor that starts where it stopped.
 */
export const MAX_DAYS_PER_PAGE = 31;
const CURSOR_VERSION = 1;
/** `<ISO time>#<entry id>`: the sort key of every entry, in the table and both indexes. */
const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z(#[A-Za-z0-9-]{1,64})?$/;

const dayOf = (iso: string) => iso.slice(0, 10);
const dayPartition = (day: string) => `DAY#${day}`;

export class AuditRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Days an entry is kept; sets its TTL and the default start of a listing. */
    private readonly retentionDays: number,
  ) {}

  /**
   * Appends an entry. The write is conditional on no item having the key, so nothing already in
   * the trail can be overwritten, by this code or by anyone holding only this permission.
   */
  async record(entry: AuditEntry): Promise<void> {
    const expiresAt = Math.floor(Date.parse(entry.at) / 1000) + this.retentionDays * 24 * 60 * 60;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          [partitionKey]: dayPartition(dayOf(entry.at)),
          [sortKey]: `${entry.at}#${entry.entryId}`,
          ...entry,
          [ttlAttribute]: expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': partitionKey },
      }),
    );
  }

  /**
   * Entries newest first, filtered by document, actor and time range. A document or actor is one
   * index partition (the other filter, if both are given, is applied to it); without either,
   * the day partitions of the range are read newest first, at most `MAX_DAYS_PER_PAGE` a page.
   */
  async query(query: AuditQuery, now: Date): Promise<Listing<AuditEntry>> {
    const from = query.from ?? new Date(now.getTime() - this.retentionDays * DAY_MS).toISOString();
    const to = query.to ?? new Date(now.getTime() + 1).toISOString();
    // The cursor names the last entry listed; the next page reads strictly before it.
    const before = query.cursor === undefined ? to : minString(decodeAuditCursor(query.cursor), to);
    if (before <= from) return { items: [] };

    if (query.documentId !== undefined || query.actor !== undefined) {
      const byDocument = query.documentId !== undefined;
      const index = byDocument ? documentIndex : actorIndex;
      const filter =
        byDocument && query.actor !== undefined
          ? { FilterExpression: '#actor = :actor', names: { '#actor': 'actor' }, values: { ':actor': query.actor } }
          : undefined;
      const { items, more } = await this.queryPartition(
        {
          IndexName: index.name,
          KeyConditionExpression: '#key = :key AND #sk BETWEEN :from AND :before',
          ExpressionAttributeNames: { '#key': index.partitionKey, '#sk': sortKey, ...filter?.names },
          ExpressionAttributeValues: {
            ':key': byDocument ? query.documentId : query.actor,
            ':from': from,
            ':before': before,
            ...filter?.values,
          },
          ...(filter ? { FilterExpression: filter.FilterExpression } : {}),
        },
        before,
        query.limit + 1,
      );
      return page(items, query.limit, more);
    }

    const items: Record<string, unknown>[] = [];
    // The day of the last instant before the bound (a bound at midnight belongs to the day before).
    let day = dayOf(new Date(Date.parse(before.slice(0, 24)) - 1).toISOString());
    for (let read = 0; read < MAX_DAYS_PER_PAGE && day >= dayOf(from); read += 1) {
      const { items: found } = await this.queryPartition(
        {
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :before',
          ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
          ExpressionAttributeValues: { ':pk': dayPartition(day), ':from': from, ':before': before },
        },
        before,
        query.limit + 1 - items.length,
      );
      items.push(...found);
      if (items.length > query.limit) return page(items, query.limit, true);
      day = previousDay(day);
    }
    if (day < dayOf(from)) return page(items, query.limit, false);
    // Out of day partitions for this page: carry on from the end of the next day to read.
    return { items: items.map(toEntry), nextCursor: encodeAuditCursor(`${nextDayStart(day)}`) };
  }

  /**
   * Deletes entries whose TTL has passed, for where DynamoDB TTL does not run (DynamoDB Local).
   * A full scan: never called in AWS, where TTL removes entries and nothing may delete them.
   */
  async deleteExpired(now: Date): Promise<number> {
    let deleted = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#ttl < :now',
          ProjectionExpression: '#pk, #sk',
          ExpressionAttributeNames: { '#ttl': ttlAttribute, '#pk': partitionKey, '#sk': sortKey },
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
          ExclusiveStartKey: startKey,
        }),
      );
      const keys = result.Items ?? [];
      await batchWrite(this.client, this.tableName, keys.map((Key) => ({ DeleteRequest: { Key } })));
      deleted += keys.length;
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return deleted;
  }

  /** Up to `want` items of one partition below `before` (exclusive), newest first. */
  private async queryPartition(
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>,
    before: string,
    want: number,
  ): Promise<{ items: Record<string, unknown>[]; more: boolean }> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({ ...input, TableName: this.tableName, ScanIndexForward: false, ExclusiveStartKey: startKey, Limit: want + 1 }),
      );
      // BETWEEN is inclusive; the upper bound itself (the cursor's entry) was listed already.
      items.push(...(result.Items ?? []).filter((item) => (item[sortKey] as string) < before));
      startKey = result.LastEvaluatedKey;
    } while (startKey && items.length < want);
    return { items: items.slice(0, want), more: items.length >= want };
  }
}

function page(items: readonly Record<string, unknown>[], limit: number, more: boolean): Listing<AuditEntry> {
  const shown = items.slice(0, limit);
  const last = shown.at(-1);
  const hasMore = more && items.length > limit;
  return {
    items: shown.map(toEntry),
    ...(hasMore && last ? { nextCursor: encodeAuditCursor(last[sortKey] as string) } : {}),
  };
}

function toEntry(item: Record<string, unknown>): AuditEntry {
  const { [partitionKey]: _pk, [sortKey]: _sk, [ttlAttribute]: _ttl, ...entry } = item;
  return entry as unknown as AuditEntry;
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - DAY_MS).toISOString().slice(0, 10);
}

function nextDayStart(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString();
}

const minString = (a: string, b: string) => (a < b ? a : b);

function encodeAuditCursor(before: string): string {
  return encodeCursor({ b: before });
}

function decodeAuditCursor(cursor: string): string {
  return decodeCursor(cursor, ({ b }) => (typeof b === 'string' && SORT_KEY.test(b) ? b : undefined));
}
