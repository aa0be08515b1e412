/**
 * A sharded document's progress on its record: how many shards and pages are done. Every write
 * is conditional on the generation being the one the shards belong to and still PROCESSING,
 * and a shard counts once however often its message is delivered, so the document completes
 * exactly once: when the shard whose count reaches the total is recorded.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentKey } from './document-keys.js';

export type ShardRecording =
  | { readonly outcome: 'recorded'; readonly shardsDone: number; readonly shardCount: number }
  /** This shard was recorded before (a redelivery), or the document moved on (reprocessed, deleted, failed). */
  | { readonly outcome: 'not-recorded' };

const STILL_THIS_GENERATION = '#generation = :generation AND #status = :processing AND attribute_not_exists(#deletedAt)';
const NAMES = { '#generation': 'generation', '#status': 'status', '#deletedAt': 'deletedAt' };

export class ShardProgressStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Records the plan once per generation: `shardCount` and zero progress (a plan of an earlier
   * generation is replaced). A coordinator that is retried finds its generation's plan there and
   * leaves it, and the progress made since, alone: false.
   */
  async startShards(documentId: string, generation: number, shardCount: number, pageCount: number): Promise<boolean> {
    return this.conditional({
      UpdateExpression:
        'SET #shardGeneration = :generation, #shardCount = :shardCount, #shardsDone = :zero, #pagesDone = :zero, #pageCount = :pageCount, #updatedAt = :now REMOVE #doneShards',
      ConditionExpression: `${STILL_THIS_GENERATION} AND (attribute_not_exists(#shardGeneration) OR #shardGeneration <> :generation)`,
      ExpressionAttributeNames: {
        ...NAMES,
        '#shardGeneration': 'shardGeneration',
        '#shardCount': 'shardCount',
        '#shardsDone': 'shardsDone',
        '#pagesDone': 'pagesDone',
        '#pageCount': 'pageCount',
        '#updatedAt': 'updatedAt',
        '#doneShards': 'doneShards',
      },
      ExpressionAttributeValues: { ':generation': generation, ':processing': 'PROCESSING', ':shardCount': shardCount, ':zero': 0, ':pageCount': pageCount, ':now': this.now().toISOString() },
    }, documentId);
  }

  /** Adds to the pages done while the generation is in progress; progress on a document that moved on is dropped. */
  async addPagesDone(documentId: string, generation: number, pages: number): Promise<void> {
    await this.conditional({
      UpdateExpression: 'ADD #pagesDone :pages',
      ConditionExpression: `${STILL_THIS_GENERATION} AND #shardGeneration = :generation`,
      ExpressionAttributeNames: { ...NAMES, '#pagesDone': 'pagesDone', '#shardGeneration': 'shardGeneration' },
      ExpressionAttributeValues: { ':generation': generation, ':processing': 'PROCESSING', ':pages': pages },
    }, documentId);
  }

  /**
   * Counts shard `index` done, once, with the pages it read by OCR (added to the record's
   * `ocrPages` in the same conditional write, so a redelivered shard never counts them twice);
   * the caller whose count reaches `shardCount` completes the document.
   */
  async recordShardDone(documentId: string, generation: number, index: number, ocrPages = 0): Promise<ShardRecording> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: documentKey(documentId),
          UpdateExpression: 'ADD #shardsDone :one, #doneShards :shard, #ocrPages :ocrPages',
          ConditionExpression: `${STILL_THIS_GENERATION} AND #shardGeneration = :generation AND (attribute_not_exists(#doneShards) OR NOT contains(#doneShards, :index))`,
          ExpressionAttributeNames: { ...NAMES, '#shardsDone': 'shardsDone', '#doneShards': 'doneShards', '#shardGeneration': 'shardGeneration', '#ocrPages': 'ocrPages' },
          ExpressionAttributeValues: { ':generation': generation, ':processing': 'PROCESSING', ':one': 1, ':shard': new Set([index]), ':index': index, ':ocrPages': ocrPages },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { outcome: 'recorded', shardsDone: Number(Attributes?.shardsDone), shardCount: Number(Attributes?.shardCount) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return { outcome: 'not-recorded' };
      throw error;
    }
  }

  private async conditional(update: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>, documentId: string): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: documentKey(documentId), ...update }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
