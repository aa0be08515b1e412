/**
 * What the fixture handler (`fixture-handler.ts`) records for every SQS record it receives, and
 * how tests read it back. The fixture writes to the runtime's own table through the environment
 * the runtime gives it, so a record's presence also proves that environment works.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_LAYOUT } from '../../lambdas/shared/contract.js';

export const FIXTURE_PK_PREFIX = 'FIXTURE#';
/** The id under which the fixture records S3's `s3:TestEvent`. */
export const TEST_EVENT_ID = 'S3_TEST_EVENT';

/**
 * Behaviour a test asks of the fixture by putting a marker in the record's id (the decoded S3
 * key, or `fixture.id` of a plain JSON body). `-once` markers act on the first receive only.
 */
export const DIRECTIVES = {
  /** Reported in `batchItemFailures` on the first receive. */
  failOnce: 'fail-once',
  /** Never settles on the first receive, so the runtime must kill the environment. */
  hangOnce: 'hang-once',
  /** Ends the process (exit status 1) on the first receive. */
  crashOnce: 'crash-once',
} as const;

/** One SQS record as the fixture saw it. */
export interface FixtureRecord {
  readonly id: string;
  readonly messageId: string;
  readonly receiveCount: number;
  readonly requestId: string;
  readonly pid: number;
  readonly receivedAt: number;
  /** Message ids of every record in the same invocation. */
  readonly batchMessageIds: readonly string[];
  readonly body: string;
  /** The whole SQS record (without body), as Lambda would pass it. */
  readonly sqsRecord: Record<string, unknown>;
  /** For S3 notifications: the key exactly as the event carried it. */
  readonly rawKey?: string;
  readonly envNames: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly context: {
    readonly functionName: string;
    readonly memoryLimitInMB: string;
    readonly invokedFunctionArn: string;
    readonly remainingTimeMs: number;
  };
}

/** A fixture message sent straight to the queue, bypassing S3. */
export function fixtureBody(id: string): string {
  return JSON.stringify({ fixture: { id } });
}

export async function readFixtureRecords(dynamoDb: DynamoDBClient, tableName: string): Promise<FixtureRecord[]> {
  const documents = DynamoDBDocumentClient.from(dynamoDb);
  const records: FixtureRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    for (const item of page.Items ?? []) {
      if (String(item[TABLE_LAYOUT.partitionKey]).startsWith(FIXTURE_PK_PREFIX)) records.push(item.record as FixtureRecord);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return records;
}

export function recordsFor(records: readonly FixtureRecord[], id: string): FixtureRecord[] {
  return records.filter((record) => record.id === id).sort((a, b) => a.receiveCount - b.receiveCount);
}
