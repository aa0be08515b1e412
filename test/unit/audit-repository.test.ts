/**
 * The audit repository against a mocked DynamoDB: an entry's keys, TTL and append-only condition;
 * which partition or index each filter reads, newest first; cursors; the local expiry sweep.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuditRepository, MAX_DAYS_PER_PAGE, type AuditEntry } from '../../lambdas/shared/audit-repository.js';
import { InvalidCursorError } from '../../lambdas/shared/listing.js';

const ddb = mockClient(DynamoDBDocumentClient);
const audit = new AuditRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'audit', 90);
const NOW = new Date('2026-11-23T12:00:00.000Z');
const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';

const entry = (at: string, id: string, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  entryId: id,
  at,
  actor: 'alice',
  actorIsAdmin: false,
  operation: 'deleteDocument',
  documentId: DOC_ID,
  outcome: { status: 202 },
  requestId: `r-${id}`,
  ...overrides,
});
const item = (value: AuditEntry) => ({ pk: `DAY#${value.at.slice(0, 10)}`, sk: `${value.at}#${value.entryId}`, expiresAt: 1, ...value });
const queries = () => ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);

beforeEach(() => {
  ddb.reset();
  ddb.on(QueryCommand).resolves({ Items: [] });
});

describe('AuditRepository.record', () => {
  it('puts the entry under its day and time, with its TTL, never over an existing item', async () => {
    ddb.on(PutCommand).resolves({});

    await audit.record(entry('2026-11-23T10:15:00.123Z', 'e-1'));

    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'audit',
      Item: { ...item(entry('2026-11-23T10:15:00.123Z', 'e-1')), expiresAt: Date.parse('2026-11-23T10:15:00.123Z') / 1000 - 0.123 + 90 * 86400 },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
    });
  });
});

describe('AuditRepository.query', () => {
  it('reads a document’s entries from its index, newest first, within the range', async () => {
    await audit.query({ documentId: DOC_ID, from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z', limit: 10 }, NOW);

    expect(queries()).toEqual([
      expect.objectContaining({
        IndexName: 'byDocument',
        ScanIndexForward: false,
        KeyConditionExpression: '#key = :key AND #sk BETWEEN :from AND :before',
        ExpressionAttributeValues: { ':key': DOC_ID, ':from': '2026-11-01T00:00:00.000Z', ':before': '2026-11-02T00:00:00.000Z' },
      }),
    ]);
  });

  it('reads an actor’s entries from the actor index, and filters a document’s by actor', async () => {
    await audit.query({ actor: 'root', limit: 10 }, NOW);
    await audit.query({ actor: 'root', documentId: DOC_ID, limit: 10 }, NOW);

    const [byActor, both] = queries();
    expect(byActor).toMatchObject({ IndexName: 'byActor', ExpressionAttributeValues: { ':key': 'root' } });
    expect(byActor!.FilterExpression).toBeUndefined();
    expect(both).toMatchObject({ IndexName: 'byDocument', FilterExpression: '#actor = :actor', ExpressionAttributeValues: { ':actor': 'root' } });
  });

  it('walks the day partitions of a range newest first and stops at its start', async () => {
    await audit.query({ from: '2026-11-21T06:00:00.000Z', limit: 10 }, NOW);

    expect(queries().map((query) => query.ExpressionAttributeValues![':pk'])).toEqual(['DAY#2026-11-23', 'DAY#2026-11-22', 'DAY#2026-11-21']);
  });

  it('pages with a cursor that continues strictly after the last entry listed', async () => {
    const entries = [entry('2026-11-23T11:00:00.000Z', 'c'), entry('2026-11-23T10:00:00.000Z', 'b'), entry('2026-11-23T09:00:00.000Z', 'a')];
    ddb.on(QueryCommand).resolves({ Items: entries.map(item) });

    const first = await audit.query({ documentId: DOC_ID, limit: 2 }, NOW);
    ddb.on(QueryCommand).resolves({ Items: entries.slice(1).map(item) });
    const second = await audit.query({ documentId: DOC_ID, limit: 2, cursor: first.nextCursor }, NOW);

    expect(first.items.map((listed) => listed.entryId)).toEqual(['c', 'b']);
    expect(first.items[0]).toEqual(entries[0]);
    expect(queries()[1]!.ExpressionAttributeValues![':before']).toBe('2026-11-23T10:00:00.000Z#b');
    expect(second.items.map((listed) => listed.entryId)).toEqual(['a']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('hands a cursor at the next day to read when a page ran out of day partitions', async () => {
    const result = await audit.query({ limit: 10 }, NOW);

    expect(queries()).toHaveLength(MAX_DAYS_PER_PAGE);
    expect(result.items).toEqual([]);
    const next = await audit.query({ limit: 10, cursor: result.nextCursor }, NOW);
    expect(queries()[MAX_DAYS_PER_PAGE]!.ExpressionAttributeValues![':pk']).toBe('DAY#2026-10-23');
    expect(next.nextCursor).toEqual(expect.any(String));
  });

  it('refuses a cursor it did not issue', async () => {
    const forged = Buffer.from(JSON.stringify({ v: 1, b: 'DAY#x' })).toString('base64url');

    await expect(audit.query({ limit: 10, cursor: forged }, NOW)).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(audit.query({ limit: 10, cursor: 'not json' }, NOW)).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('AuditRepository.deleteExpired', () => {
  it('deletes the entries whose TTL has passed, by key', async () => {
    ddb.on(ScanCommand).resolves({ Items: [{ pk: 'DAY#2026-01-01', sk: 'a' }, { pk: 'DAY#2026-01-01', sk: 'b' }] });
    ddb.on(BatchWriteCommand).resolves({});

    const deleted = await audit.deleteExpired(NOW);

    expect(deleted).toBe(2);
    expect(ddb.commandCalls(ScanCommand)[0]!.args[0].input).toMatchObject({
      FilterExpression: '#ttl < :now',
      ExpressionAttributeValues: { ':now': NOW.getTime() / 1000 },
    });
    expect(ddb.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems!.audit).toEqual([
      { DeleteRequest: { Key: { pk: 'DAY#2026-01-01', sk: 'a' } } },
      { DeleteRequest: { Key: { pk: 'DAY#2026-01-01', sk: 'b' } } },
    ]);
  });
});
