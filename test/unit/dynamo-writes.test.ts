/**
 * The write patterns the table's stores share, over a mocked SDK: a batch write that retries what
 * DynamoDB leaves unprocessed (with an injected pause, so no test waits), and the one reading of
 * a cancelled transaction.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  batchWrite,
  cancellationReasons,
  cancelledByConditions,
  isConditionFailure,
  sendConditional,
  transact,
  type BatchWriteRequest,
} from '../../lambdas/shared/dynamo-writes.js';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const put = (n: number): BatchWriteRequest => ({ PutRequest: { Item: { pk: `P#${n}`, sk: 'S' } } });
const cancelled = (...codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

beforeEach(() => {
  ddb.reset();
});

describe('batchWrite', () => {
  it('sends at most 25 requests a call, and sends again what DynamoDB left unprocessed until none is left', async () => {
    // Arrange: the first call of each batch leaves its first two requests unprocessed
    const requests = Array.from({ length: 30 }, (_, n) => put(n));
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { documents: [put(0), put(1)] as never } })
      .resolves({});
    const pauses: number[] = [];

    // Act
    await batchWrite(client, 'documents', requests, { sleep: async (ms) => void pauses.push(ms) });

    // Assert
    const sent = ddb.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems!.documents!.length);
    expect(sent).toEqual([25, 2, 5]);
    expect(pauses).toHaveLength(1);
  });

  it('gives up, naming how many writes were left, after nine calls that all leave something', async () => {
    // Arrange
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: { documents: [put(0)] as never } });

    // Act
    const writing = batchWrite(client, 'documents', [put(0), put(1)], { sleep: async () => undefined });

    // Assert
    await expect(writing).rejects.toThrow('DynamoDB left 1 writes unprocessed');
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(9);
  });

  it('sends nothing for no requests', async () => {
    // Act
    await batchWrite(client, 'documents', []);

    // Assert
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('reading a cancelled transaction', () => {
  it('gives each item’s reason in order, and nothing for any other error', () => {
    // Act
    const reasons = cancellationReasons(cancelled('None', 'ConditionalCheckFailed'));
    const other = cancellationReasons(conditionFailed());

    // Assert
    expect(reasons).toEqual(['None', 'ConditionalCheckFailed']);
    expect(other).toBeUndefined();
  });

  it('tells a cancellation by conditions alone from one with another cause', () => {
    // Act
    const answers = [
      cancelledByConditions(['ConditionalCheckFailed', 'None']),
      cancelledByConditions(['ConditionalCheckFailed', 'TransactionConflict']),
      cancelledByConditions(['ThrottlingError', 'None']),
    ];

    // Assert
    expect(answers).toEqual([true, false, false]);
  });

  it('counts a failed condition of a single write or of a transaction item as a condition failure', () => {
    // Act
    const answers = [conditionFailed(), cancelled('None', 'ConditionalCheckFailed'), cancelled('TransactionConflict'), new Error('boom')].map(isConditionFailure);

    // Assert
    expect(answers).toEqual([true, true, false, false]);
  });
});

describe('sendConditional and transact', () => {
  it('answer false when a condition failed, and pass every other error on', async () => {
    // Arrange
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).rejectsOnce(new Error('boom'));
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed', 'None')).rejectsOnce(cancelled('TransactionConflict', 'None'));
    const write = () => sendConditional(client, new PutCommand({ TableName: 'documents', Item: { pk: 'a', sk: 'b' } }));
    const transaction = () => transact(client, [{ Put: { TableName: 'documents', Item: { pk: 'a', sk: 'b' } } }]);

    // Act
    const failedCondition = await write();
    const failedWrite = write();
    const failedTransactionCondition = await transaction();
    const conflicted = transaction();

    // Assert
    expect(failedCondition).toBe(false);
    await expect(failedWrite).rejects.toThrow('boom');
    expect(failedTransactionCondition).toBe(false);
    await expect(conflicted).rejects.toMatchObject({ name: 'TransactionCanceledException' });
  });
});
