/**
 * Creates the local bucket, queues and table from the definitions the stack uses: sizes from the
 * config (through `resolveSettings`), key names from the shared contract. Safe to run on every
 * start: existing resources are kept, with their attributes brought back in line with the config.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { AUDIT_TABLE_LAYOUT, LANES, TABLE_LAYOUT, type Lane } from '../lambdas/shared/contract.js';
import type { AwsClients } from './aws-clients.js';
import { LOCAL_LANE_QUEUES, LOCAL_NAMES, LOCAL_SHARD_QUEUES, type QueueSettings } from './settings.js';

/** A source queue and its dead-letter queue. */
export interface QueuePair {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

/** A lane's extraction queue and its dead-letter queue, and its shard queue and dead-letter queue. */
export interface LaneResources extends QueuePair {
  readonly shards: QueuePair;
}

export interface LocalResources {
  readonly bucketName: string;
  /** Each lane's queues, alike in every attribute. */
  readonly lanes: Readonly<Record<Lane, LaneResources>>;
  readonly tableName: string;
  /** The table's change stream (NEW_AND_OLD_IMAGES), which document events are read from. */
  readonly tableStreamArn: string;
  /** The API's audit trail, as the AuditTrail construct defines it. */
  readonly auditTableName: string;
}

/** The source queue's attributes, as the Ingestion construct sets them. */
export function queueAttributes(settings: QueueSettings, deadLetterQueueArn: string): Record<string, string> {
  return {
    VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(settings.retentionSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount: settings.maxReceiveCount }),
  };
}

export function deadLetterQueueAttributes(settings: QueueSettings): Record<string, string> {
  return { MessageRetentionPeriod: String(settings.deadLetterRetentionSeconds) };
}

/** The table's stream, as the stack enables it for document events. */
export const TABLE_STREAM = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } as const;

/** The index of documents by content, as the Storage construct defines it. */
const CONTENT_INDEX = {
  IndexName: TABLE_LAYOUT.contentIndex.name,
  KeySchema: [
    { AttributeName: TABLE_LAYOUT.contentIndex.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: TABLE_LAYOUT.contentIndex.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'KEYS_ONLY' as const },
};

/** The document table, as the Storage construct defines it. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, ownerIndex, contentIndex } = TABLE_LAYOUT;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [partitionKey, sortKey, ownerIndex.partitionKey, ownerIndex.sortKey, contentIndex.partitionKey].map((name) => ({
      AttributeName: name,
      AttributeType: 'S',
    })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: ownerIndex.name,
        KeySchema: [
          { AttributeName: ownerIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: ownerIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      CONTENT_INDEX,
    ],
    StreamSpecification: TABLE_STREAM,
  };
}

/** The audit table, as the AuditTrail construct defines it. */
export function auditTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, documentIndex, actorIndex } = AUDIT_TABLE_LAYOUT;
  const indexes = [documentIndex, actorIndex];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...new Set([partitionKey, sortKey, ...indexes.map((index) => index.partitionKey)])].map((name) => ({
      AttributeName: name,
      AttributeType: 'S',
    })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

/** Creates the audit table if needed; its TTL is recorded, and `AuditRepository.deleteExpired` stands in for it. */
async function ensureAuditTable(clients: AwsClients, tableName: string): Promise<void> {
  try {
    await clients.dynamoDb.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await clients.dynamoDb.send(new CreateTableCommand(auditTableDefinition(tableName)));
    await waitUntilTableExists({ client: clients.dynamoDb, maxWaitTime: 30 }, { TableName: tableName });
    await clients.dynamoDb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: AUDIT_TABLE_LAYOUT.ttlAttribute, Enabled: true },
      }),
    );
  }
}

export async function ensureResources(clients: AwsClients, queueSettings: QueueSettings): Promise<LocalResources> {
  await clients.s3.send(new CreateBucketCommand({ Bucket: LOCAL_NAMES.bucket })); // idempotent on fauxqs

  const lanes = {} as Record<Lane, LaneResources>;
  const ensurePair = async (names: { readonly queue: string; readonly deadLetterQueue: string }): Promise<QueuePair> => {
    const deadLetterQueue = await ensureQueue(clients, names.deadLetterQueue, () => deadLetterQueueAttributes(queueSettings));
    const queue = await ensureQueue(clients, names.queue, () => queueAttributes(queueSettings, deadLetterQueue.arn));
    return { queueUrl: queue.url, queueArn: queue.arn, deadLetterQueueUrl: deadLetterQueue.url, deadLetterQueueArn: deadLetterQueue.arn };
  };
  for (const lane of LANES) {
    lanes[lane] = { ...(await ensurePair(LOCAL_LANE_QUEUES[lane])), shards: await ensurePair(LOCAL_SHARD_QUEUES[lane]) };
  }

  const tableStreamArn = await ensureTable(clients, LOCAL_NAMES.table);
  await ensureAuditTable(clients, LOCAL_NAMES.auditTable);

  return {
    bucketName: LOCAL_NAMES.bucket,
    lanes,
    tableName: LOCAL_NAMES.table,
    tableStreamArn,
    auditTableName: LOCAL_NAMES.auditTable,
  };
}

/**
 * Creates the queue if needed, then sets its attributes: CreateQueue alone would refuse a queue
 * whose attributes changed since the last run (a config edit, a test's shorter timeout).
 */
export async function ensureQueue(
  clients: AwsClients,
  name: string,
  attributes: () => Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const { QueueUrl: url } = await clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!url) throw new Error(`CreateQueue returned no URL for ${name}`);
  await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes() }));
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`No ARN for queue ${name}`);
  return { url, arn };
}

/** Creates the table if needed (a table from an older state directory gets its stream); returns the stream's ARN. */
async function ensureTable(clients: AwsClients, tableName: string): Promise<string> {
  let table;
  try {
    ({ Table: table } = await clients.dynamoDb.send(new DescribeTableCommand({ TableName: tableName })));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await clients.dynamoDb.send(new CreateTableCommand(tableDefinition(tableName)));
    await waitUntilTableExists({ client: clients.dynamoDb, maxWaitTime: 30 }, { TableName: tableName });
    ({ Table: table } = await clients.dynamoDb.send(new DescribeTableCommand({ TableName: tableName })));
  }
  // A table from an older state directory gets the indexes added since.
  if (!(table?.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === CONTENT_INDEX.IndexName)) {
    await clients.dynamoDb.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: TABLE_LAYOUT.contentIndex.partitionKey, AttributeType: 'S' }, { AttributeName: TABLE_LAYOUT.contentIndex.sortKey, AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: CONTENT_INDEX }],
      }),
    );
    ({ Table: table } = await clients.dynamoDb.send(new DescribeTableCommand({ TableName: tableName })));
  }
  if (table?.StreamSpecification?.StreamViewType !== TABLE_STREAM.StreamViewType || !table.LatestStreamArn) {
    await clients.dynamoDb.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: TABLE_STREAM }));
    ({ Table: table } = await clients.dynamoDb.send(new DescribeTableCommand({ TableName: tableName })));
  }
  const streamArn = table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${tableName} has no stream`);

  // DynamoDB Local records the TTL setting but never deletes expired items.
  const { TimeToLiveDescription } = await clients.dynamoDb.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await clients.dynamoDb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_LAYOUT.ttlAttribute, Enabled: true },
      }),
    );
  }
  return streamArn;
}
