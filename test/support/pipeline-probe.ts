/**
 * Reads the pipeline's results the way a user would: document records and pages from the
 * table, through the project's own store so the tests speak the contract's names.
 */
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_LAYOUT, TERMINAL_STATUSES } from '../../lambdas/shared/contract.js';
import { DocumentStore } from '../../lambdas/shared/document-store.js';
import type { DocumentRecord, PageRecord } from '../../lambdas/shared/document-model.js';
import { deriveDocumentId } from '../../lambdas/extract/document-id.js';
import type { TestRuntime } from './local-runtime.js';
import { waitFor } from './local-runtime.js';

export class PipelineProbe {
  readonly documents: DocumentStore;
  private readonly client: DynamoDBDocumentClient;

  /** Any runtime's clients and outputs: one started in this process, or one in a process of its own. */
  constructor(private readonly local: Pick<TestRuntime, 'clients' | 'outputs'>) {
    this.client = DynamoDBDocumentClient.from(local.clients.dynamoDb);
    this.documents = new DocumentStore(this.client, local.outputs.TableName);
  }

  /** The id a drop-folder object gets (the emulator has no versioning, so no version id). */
  dropFolderId(key: string): string {
    return deriveDocumentId(this.local.outputs.BucketName, key, undefined);
  }

  /** Every page item of a document, as stored (keys included). */
  async pages(documentId: string): Promise<PageRecord[]> {
    return this.all<PageRecord>(
      (ExclusiveStartKey) =>
        new QueryCommand({
          TableName: this.local.outputs.TableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :page)',
          ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey, '#sk': TABLE_LAYOUT.sortKey },
          ExpressionAttributeValues: { ':pk': `DOC#${documentId}`, ':page': 'PAGE#' },
          ExclusiveStartKey,
          ConsistentRead: true,
        }),
    );
  }

  /** Every document record in the table. */
  async allDocuments(): Promise<DocumentRecord[]> {
    return this.all<DocumentRecord>(
      (ExclusiveStartKey) =>
        new ScanCommand({
          TableName: this.local.outputs.TableName,
          FilterExpression: 'begins_with(#pk, :doc) AND #sk = :document',
          ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey, '#sk': TABLE_LAYOUT.sortKey },
          ExpressionAttributeValues: { ':doc': 'DOC#', ':document': 'DOCUMENT' },
          ExclusiveStartKey,
          ConsistentRead: true,
        }),
    );
  }

  /** Follows a query or scan through all its pages. */
  private async all<T>(command: (startKey: Record<string, unknown> | undefined) => QueryCommand | ScanCommand): Promise<T[]> {
    const items: T[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(command(startKey) as QueryCommand);
      items.push(...((page.Items ?? []) as T[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** Waits until the document exists and is COMPLETED or FAILED. */
  async terminal(documentId: string, timeoutMs = 60_000): Promise<DocumentRecord> {
    return waitFor(
      async () => {
        const record = await this.documents.get(documentId);
        return record && TERMINAL_STATUSES.includes(record.status) ? record : undefined;
      },
      { timeoutMs, intervalMs: 200, description: `document ${documentId} to reach a terminal status` },
    );
  }
}
