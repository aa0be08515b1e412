/**
 * Listings of documents: an owner's, newest first, through the owner index with an opaque
 * cursor; the owner's documents of identical content; every record of the table, for operators' tools.
 */
import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DocumentStatus } from './contract.js';
import { TABLE_LAYOUT } from './contract.js';
import {
  DOCUMENT_SORT_KEY,
  documentIdOfItem,
  documentKey,
  epochSeconds,
  MAX_QUERY_ROUNDS,
  NOT_EXPIRED,
  ownerPartition,
  toDocumentRecord,
} from './document-keys.js';
import type { DocumentRecord } from './document-model.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Listing } from './listing.js';

export interface DocumentListingOptions {
  /** The clock expiry is judged by, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** Reads of many documents at once; expired records are left out of an owner's listing. */
export class DocumentListing {
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DocumentListingOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * An owner's documents, newest first, through the owner index (eventually consistent: a
   * document created a moment ago may not be listed yet). Tombstones are not in the index.
   */
  async listByOwner(
    ownerId: string,
    options: { readonly limit: number; readonly status?: DocumentStatus; readonly cursor?: string },
  ): Promise<Listing<DocumentRecord>> {
    const { ownerIndex } = TABLE_LAYOUT;
    const ownerPk = ownerPartition(ownerId);
    let startKey = options.cursor === undefined ? undefined : ownerCursorKey(options.cursor, ownerPk);
    const items: Record<string, unknown>[] = [];
    // One more than asked for tells whether a next page exists, so the last page has no cursor.
    for (let round = 0; round < MAX_QUERY_ROUNDS && items.length <= options.limit; round += 1) {
      const filter = options.status
        ? {
            FilterExpression: `#status = :status AND ${NOT_EXPIRED}`,
            ExpressionAttributeValues: { ':owner': ownerPk, ':status': options.status, ':now': epochSeconds(this.now()) },
          }
        : { FilterExpression: NOT_EXPIRED, ExpressionAttributeValues: { ':owner': ownerPk, ':now': epochSeconds(this.now()) } };
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: ownerIndex.name,
          KeyConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: {
            '#owner': ownerIndex.partitionKey,
            '#ttl': TABLE_LAYOUT.ttlAttribute,
            ...(options.status ? { '#status': 'status' } : {}),
          },
          ScanIndexForward: false,
          Limit: options.limit + 1 - items.length,
          ExclusiveStartKey: startKey,
          ...filter,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      if (!startKey) break;
    }

    if (items.length > options.limit) {
      const kept = items.slice(0, options.limit);
      return { items: kept.map(toDocumentRecord), nextCursor: ownerCursor(kept.at(-1)!) };
    }
    // Filtering may stop a long listing short of the limit; the cursor then resumes where DynamoDB stopped.
    return { items: items.map(toDocumentRecord), nextCursor: startKey ? ownerCursor(startKey) : undefined };
  }


  /**
   * Ids of the owner's documents whose content has this sha256, up to `limit`, through the
   * sparse `byContent` index: keys only and eventually consistent, so a caller reads each
   * candidate again before trusting it.
   */
  async withSameContent(ownerId: string, sha256: string, limit: number): Promise<string[]> {
    const { contentIndex } = TABLE_LAYOUT;
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: contentIndex.name,
        KeyConditionExpression: '#sha = :sha AND #owner = :owner',
        ExpressionAttributeNames: { '#sha': contentIndex.partitionKey, '#owner': contentIndex.sortKey },
        ExpressionAttributeValues: { ':sha': sha256, ':owner': ownerPartition(ownerId) },
        Limit: limit,
      }),
    );
    return Items.map(documentIdOfItem);
  }

  /**
   * Every document record (tombstones included), read a page of the table at a time: a full
   * scan, for operators' tools such as `npm run stats`, never for a request path.
   */
  async *scanDocuments(): AsyncGenerator<DocumentRecord> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#sk = :document',
          ExpressionAttributeNames: { '#sk': TABLE_LAYOUT.sortKey },
          ExpressionAttributeValues: { ':document': DOCUMENT_SORT_KEY },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) yield toDocumentRecord(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

const ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** An opaque cursor naming the last listed document: its creation time and id. */
function ownerCursor(item: Record<string, unknown>): string {
  return encodeCursor({ c: String(item[TABLE_LAYOUT.ownerIndex.sortKey]), d: documentIdOfItem(item) });
}

/** The start key a cursor stands for, always within the caller's own partition of the index. */
function ownerCursorKey(cursor: string, ownerPk: string): Record<string, unknown> {
  const { c, d } = decodeCursor(cursor, ({ c, d }) =>
    typeof c === 'string' && !Number.isNaN(Date.parse(c)) && typeof d === 'string' && ID_PATTERN.test(d) ? { c, d } : undefined,
  );
  return {
    ...documentKey(d),
    [TABLE_LAYOUT.ownerIndex.partitionKey]: ownerPk,
    [TABLE_LAYOUT.ownerIndex.sortKey]: c,
  };
}
