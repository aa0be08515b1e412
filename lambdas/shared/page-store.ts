/**
 * A document's pages: one item per page and generation beside the document record, written in
 * batches by the extractor, read a page range at a time, deleted with the document.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_LAYOUT } from './contract.js';
import { documentPartition, epochSeconds, MAX_QUERY_ROUNDS, NOT_EXPIRED, PAGE_SORT_PREFIX, pageKey, stripKeys } from './document-keys.js';
import type { PageRecord } from './document-model.js';
import { batchWrite, type BatchWriteOptions } from './dynamo-writes.js';

export interface PageStoreOptions extends BatchWriteOptions {
  /** The clock expiry is judged by, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** A run of pages and whether more follow it. */
export interface PageRun {
  readonly pages: readonly PageRecord[];
  readonly hasMore: boolean;
}

export class PageStore {
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: PageStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Writes page items in batches, retrying what DynamoDB leaves unprocessed. `expiresAt` is the
   * document's, so its pages expire with it.
   */
  async putPages(documentId: string, pages: readonly PageRecord[], expiresAt?: number): Promise<void> {
    const expiry = expiresAt === undefined ? {} : { [TABLE_LAYOUT.ttlAttribute]: expiresAt };
    const requests = pages.map((page) => ({
      PutRequest: { Item: { ...pageKey(documentId, page.pageNumber, page.generation), ...page, ...expiry } },
    }));
    await batchWrite(this.client, this.tableName, requests, this.options);
  }


  /**
   * Pages of one generation of a document in page order, after `afterPageNumber`. Items a
   * previous generation left behind (a longer earlier version) are skipped.
   */
  async listPages(
    documentId: string,
    generation: number,
    options: { readonly limit: number; readonly afterPageNumber: number },
  ): Promise<PageRun> {
    const pages: PageRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    const from = pageKey(documentId, options.afterPageNumber + 1)[TABLE_LAYOUT.sortKey];
    for (let round = 0; round < MAX_QUERY_ROUNDS && pages.length <= options.limit; round += 1) {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          FilterExpression: `#generation = :generation AND ${NOT_EXPIRED}`,
          ExpressionAttributeNames: {
            '#pk': TABLE_LAYOUT.partitionKey,
            '#sk': TABLE_LAYOUT.sortKey,
            '#generation': 'generation',
            '#ttl': TABLE_LAYOUT.ttlAttribute,
          },
          ExpressionAttributeValues: {
            ':pk': documentPartition(documentId),
            ':from': from,
            ':to': `${PAGE_SORT_PREFIX}999999~`,
            ':generation': generation,
            ':now': epochSeconds(this.now()),
          },
          ConsistentRead: true,
          Limit: options.limit + 1 - pages.length,
          ExclusiveStartKey: startKey,
        }),
      );
      pages.push(...(result.Items ?? []).map((item) => stripKeys(item) as unknown as PageRecord));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    const hasMore = pages.length > options.limit || startKey !== undefined;
    return { pages: pages.slice(0, options.limit), hasMore };
  }

  /** Deletes every page item of a document, whatever its generation; returns how many there were. */
  async deletePages(documentId: string): Promise<number> {
    let deleted = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :page)',
          ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey, '#sk': TABLE_LAYOUT.sortKey },
          ExpressionAttributeValues: { ':pk': documentPartition(documentId), ':page': PAGE_SORT_PREFIX },
          ProjectionExpression: '#pk, #sk',
          ExclusiveStartKey: startKey,
        }),
      );
      const keys = result.Items ?? [];
      await batchWrite(this.client, this.tableName, keys.map((Key) => ({ DeleteRequest: { Key } })), this.options);
      deleted += keys.length;
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return deleted;
  }
}
