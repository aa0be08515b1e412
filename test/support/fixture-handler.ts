/**
 * A tiny stand-in for the extraction handler, for testing the local runtime's own mechanics.
 *
 * It records every SQS record it receives in the runtime's table (see `fixture-records.ts`),
 * then behaves as the record's id asks: succeed, fail once, hang once or crash once.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { TABLE_LAYOUT } from '../../lambdas/shared/contract.js';
import { decodeS3Key } from '../../lambdas/extract/s3-event.js';
import { DIRECTIVES, FIXTURE_PK_PREFIX, TEST_EVENT_ID, type FixtureRecord } from './fixture-records.js';
import { EXTRACT_ENV } from '../../lambdas/extract/contract.js';

// Created once per environment, with endpoints and credentials from the environment alone.
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tableName = process.env[EXTRACT_ENV.tableName];

interface Identified {
  readonly id: string;
  readonly rawKey?: string;
}

/** The record's id: the decoded key of an S3 notification, or `fixture.id` of a plain message. */
function identify(body: string): Identified {
  const message = JSON.parse(body) as {
    Event?: string;
    fixture?: { id: string };
    Records?: Array<{ s3: { object: { key: string } } }>;
  };
  if (message.Event === 's3:TestEvent') return { id: TEST_EVENT_ID };
  if (message.fixture) return { id: message.fixture.id };
  const rawKey = message.Records?.[0]?.s3.object.key;
  if (rawKey === undefined) throw new Error(`unrecognised body: ${body}`);
  return { id: decodeS3Key(rawKey), rawKey };
}

async function record(sqsRecord: SQSRecord, event: SQSEvent, context: Context): Promise<Identified & { receiveCount: number }> {
  const identified = identify(sqsRecord.body);
  const receiveCount = Number(sqsRecord.attributes.ApproximateReceiveCount);
  const { body, ...withoutBody } = sqsRecord;
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const fixtureRecord: FixtureRecord = {
    ...identified,
    messageId: sqsRecord.messageId,
    receiveCount,
    requestId: context.awsRequestId,
    pid: process.pid,
    receivedAt: Date.now(),
    batchMessageIds: event.Records.map((each) => each.messageId),
    body,
    sqsRecord: withoutBody,
    envNames: Object.keys(env).sort(),
    env,
    context: {
      functionName: context.functionName,
      memoryLimitInMB: context.memoryLimitInMB,
      invokedFunctionArn: context.invokedFunctionArn,
      remainingTimeMs: context.getRemainingTimeInMillis(),
    },
  };
  await documents.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        [TABLE_LAYOUT.partitionKey]: `${FIXTURE_PK_PREFIX}${identified.id}`,
        [TABLE_LAYOUT.sortKey]: `${receiveCount}#${sqsRecord.messageId}#${context.awsRequestId}`,
        record: fixtureRecord,
      },
    }),
  );
  return { ...identified, receiveCount };
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchItemFailure[] = [];
  for (const sqsRecord of event.Records) {
    const { id, receiveCount } = await record(sqsRecord, event, context);
    if (receiveCount > 1) continue;
    if (id.includes(DIRECTIVES.crashOnce)) process.exit(1);
    if (id.includes(DIRECTIVES.hangOnce)) await new Promise(() => setInterval(() => undefined, 1_000));
    if (id.includes(DIRECTIVES.failOnce)) batchItemFailures.push({ itemIdentifier: sqsRecord.messageId });
  }
  return { batchItemFailures };
}
