/**
 * What DynamoDB TTL and the bucket's lifecycle rules do on AWS, for the local runtime, where
 * nothing does it: DynamoDB Local records the TTL setting but never expires an item, and fauxqs
 * has no lifecycle rules. Run by the sweeper's timer beside the sweeper function.
 *
 * An expired document's original and spilled results go first, then its pages, then the record
 * itself, so a run cut short leaves the record to find again. Every other expired item (a
 * tombstone, a task, an idempotency key, a quota counter) simply goes.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KEY_PREFIXES, TABLE_LAYOUT } from '../lambdas/shared/contract.js';
import { DOCUMENT_SORT_KEY, epochSeconds, toDocumentRecord } from '../lambdas/shared/document-keys.js';
import type { DocumentRecord } from '../lambdas/shared/document-model.js';
import { sendConditional } from '../lambdas/shared/dynamo-writes.js';
import { deleteAllVersions } from '../lambdas/shared/object-purge.js';
import type { PageStore } from '../lambdas/shared/page-store.js';

export interface TtlEmulationDependencies {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly pages: Pick<PageStore, 'deletePages'>;
  readonly s3: S3Client;
  /** The bucket spilled results live in. */
  readonly bucketName: string;
}

export interface ExpiryOutcome {
  /** Expired documents removed with their pages and objects. */
  readonly documentsExpired: number;
  /** Other expired items removed: tombstones, tasks, idempotency keys, quota counters. */
  readonly itemsExpired: number;
}

/** An item whose time to live has passed: what DynamoDB TTL deletes, eventually. */
interface ExpiredItem {
  readonly key: Record<string, unknown>;
  /** The document record, when the item is one. */
  readonly document?: DocumentRecord;
}

const EXPIRED_PER_ROUND = 100;

/** Removes every item of the document table expired at `now`, with what an expired document left in the bucket. */
export async function expireItems(deps: TtlEmulationDependencies, now: Date): Promise<ExpiryOutcome> {
  const outcome = { documentsExpired: 0, itemsExpired: 0 };
  for (;;) {
    const items = await expiredItems(deps, now, EXPIRED_PER_ROUND);
    for (const item of items) {
      const document = item.document;
      if (document) {
        if (document.bucket && document.objectKey) {
          await deleteAllVersions(deps.s3, document.bucket, { key: document.objectKey });
        }
        await deleteAllVersions(deps.s3, deps.bucketName, { prefix: `${KEY_PREFIXES.results}${document.documentId}/` });
        await deps.pages.deletePages(document.documentId);
      }
      // Written again since it was found (a fresh TTL): not expired after all, and left alone.
      if (!(await deleteExpired(deps, item.key, now))) continue;
      if (document && document.deletedAt === undefined) outcome.documentsExpired += 1;
      else outcome.itemsExpired += 1;
    }
    if (items.length < EXPIRED_PER_ROUND) return outcome;
  }
}

/** Up to `limit` items of any kind whose time to live has passed at `now`: a full scan. */
async function expiredItems(deps: TtlEmulationDependencies, now: Date, limit: number): Promise<ExpiredItem[]> {
  const found: ExpiredItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.client.send(
      new ScanCommand({
        TableName: deps.tableName,
        FilterExpression: '#ttl <= :now',
        ExpressionAttributeNames: { '#ttl': TABLE_LAYOUT.ttlAttribute },
        ExpressionAttributeValues: { ':now': epochSeconds(now.getTime()) },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const key = { [TABLE_LAYOUT.partitionKey]: item[TABLE_LAYOUT.partitionKey], [TABLE_LAYOUT.sortKey]: item[TABLE_LAYOUT.sortKey] };
      const isDocument = item[TABLE_LAYOUT.sortKey] === DOCUMENT_SORT_KEY && String(item[TABLE_LAYOUT.partitionKey]).startsWith('DOC#');
      found.push(isDocument ? { key, document: toDocumentRecord(item) } : { key });
      if (found.length >= limit) return found;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}

/** Deletes an item found expired, unless it was written again meanwhile (its TTL moved on). */
async function deleteExpired(deps: TtlEmulationDependencies, key: Record<string, unknown>, now: Date): Promise<boolean> {
  return sendConditional(
    deps.client,
    new DeleteCommand({
      TableName: deps.tableName,
      Key: key,
      ConditionExpression: '#ttl <= :now',
      ExpressionAttributeNames: { '#ttl': TABLE_LAYOUT.ttlAttribute },
      ExpressionAttributeValues: { ':now': epochSeconds(now.getTime()) },
    }),
  );
}
