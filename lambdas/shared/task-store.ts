/**
 * Pending tasks: work due at a time, found by due time, spread over a few partitions. Written
 * together with the document change that makes them due (`DocumentStore.createWithTask`,
 * `markDeleted`), read and removed by the sweeper.
 */
import { DeleteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { TABLE_LAYOUT } from './contract.js';
import { stripKeys } from './document-keys.js';

/**
 * Work due at a time: an upload that must have arrived by `dueAt`, or a deleted document whose
 * purge must have finished by then. Stored as its own item so a sweeper finds due work with a
 * query instead of a table scan; deleted once the work is done.
 */
export interface PendingTask {
  readonly kind: 'upload' | 'purge';
  readonly documentId: string;
  readonly ownerId?: string;
  readonly bucket?: string;
  readonly objectKey?: string;
  /** ISO 8601. */
  readonly dueAt: string;
}

/** Partitions pending tasks are spread over, so a burst of uploads does not load one key. */
const TASK_SHARDS = 4;
/** A task item expires a week after it was due, in case nothing ever deletes it. */
const TASK_TTL_SECONDS = 7 * 24 * 60 * 60;

const taskPartition = (kind: PendingTask['kind'], shard: number) => `TASK#${kind}#${shard}`;

function taskKey(task: PendingTask): Record<string, string> {
  const shard = Number.parseInt(createHash('sha256').update(task.documentId).digest('hex').slice(0, 2), 16) % TASK_SHARDS;
  return {
    [TABLE_LAYOUT.partitionKey]: taskPartition(task.kind, shard),
    [TABLE_LAYOUT.sortKey]: `${task.dueAt}#${task.documentId}`,
  };
}

/** The item of a task, for a transaction that writes it beside the change that makes it due. */
export function taskItem(task: PendingTask): Record<string, unknown> {
  const expiresAt = Math.floor(Date.parse(task.dueAt) / 1000) + TASK_TTL_SECONDS;
  return { ...taskKey(task), ...task, [TABLE_LAYOUT.ttlAttribute]: expiresAt };
}

export class TaskStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Tasks of a kind due at or before `now`, oldest first within each partition. */
  async dueTasks(kind: PendingTask['kind'], now: Date, limit: number): Promise<PendingTask[]> {
    const tasks: PendingTask[] = [];
    for (let shard = 0; shard < TASK_SHARDS && tasks.length < limit; shard += 1) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const result = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk <= :due',
            ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey, '#sk': TABLE_LAYOUT.sortKey },
            // `~` sorts after every character of a document id, so tasks due exactly now are included.
            ExpressionAttributeValues: { ':pk': taskPartition(kind, shard), ':due': `${now.toISOString()}#~` },
            ConsistentRead: true,
            Limit: limit - tasks.length,
            ExclusiveStartKey: startKey,
          }),
        );
        tasks.push(...(result.Items ?? []).map(toTask));
        startKey = result.LastEvaluatedKey;
      } while (startKey && tasks.length < limit);
    }
    return tasks;
  }

  async deleteTask(task: PendingTask): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: taskKey(task) }));
  }
}

/** A task as read back: without its key and its TTL, which only the table needs. */
function toTask(item: Record<string, unknown>): PendingTask {
  const { [TABLE_LAYOUT.ttlAttribute]: _expiresAt, ...task } = stripKeys(item);
  return task as unknown as PendingTask;
}
