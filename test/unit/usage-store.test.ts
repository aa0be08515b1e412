/**
 * Usage figures and the store's requests, over a mocked SDK: what an update adds, how items read
 * back, what is refused before anything is sent. The store against DynamoDB Local, concurrent
 * completions included, is `test/integration/usage-store.test.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { gbSecondsOf, isUsageDay, meterDocument, sumUsage, usageDayOf } from '../../lambdas/shared/usage.js';
import { UsageStore, dailyUsageOf, usageKey, usageUpdate } from '../../lambdas/shared/usage-store.js';
import { fieldsAdded, fieldsSet } from '../support/dynamo-updates.js';

const ddb = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-12-04T10:00:00.000Z');
const store = new UsageStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'documents', {
  now: () => NOW,
  retentionSeconds: 86_400,
});

beforeEach(() => ddb.reset());

describe('usage figures', () => {
  it('bills GB-seconds on 1024 MB to the GB', () => {
    expect(gbSecondsOf(2000, 2048)).toBe(4);
  });

  it('reads days in UTC and refuses days that do not exist', () => {
    expect(usageDayOf(Date.parse('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31');
    expect(isUsageDay('2026-02-29')).toBe(false);
    expect(isUsageDay('2028-02-29')).toBe(true);
    expect(isUsageDay('2026-1-5')).toBe(false);
  });

  it('sums counters and OCR pages per engine, and reads Textract pages out of them', () => {
    // Act
    const total = sumUsage([
      { documentsCompleted: 1, pages: 3, ocrPages: { textract: 2 } },
      { documentsFailed: 1, ocrPages: { textract: 1, tesseract: 4 } },
    ]);

    // Assert
    expect(total).toMatchObject({ documentsCompleted: 1, documentsFailed: 1, pages: 3, ocrPages: { textract: 3, tesseract: 4 }, textractPages: 3 });
    expect(total.gbSeconds).toBe(0);
  });
});

describe('meterDocument', () => {
  it('meters a known document from the duration and memory the function reported', () => {
    // Arrange: 12 pages in 1,500 ms on a 3,008 MB function, 2 of them through Textract.
    const run = {
      outcome: 'completed' as const,
      pages: 12,
      ocrPages: { textract: 2 },
      durationMs: 1500,
      memoryMb: 3008,
      sourceBytes: 250_000,
      resultBytes: 90_000,
      s3Writes: 12,
      dynamoDbWrites: 14,
    };

    // Act
    const consumption = meterDocument(run);

    // Assert
    expect(consumption).toEqual({
      documentsCompleted: 1,
      documentsFailed: 0,
      documentsReused: 0,
      pages: 12,
      ocrPages: { textract: 2 },
      extractionMs: 1500,
      gbSeconds: 1.5 * (3008 / 1024),
      sourceBytes: 250_000,
      resultBytes: 90_000,
      s3Writes: 12,
      dynamoDbWrites: 14,
    });
  });

  it('counts a failure as failed and a reuse as completed without extracted pages', () => {
    const base = { pages: 5, durationMs: 100, memoryMb: 1024, sourceBytes: 10 };
    expect(meterDocument({ ...base, outcome: 'failed' })).toMatchObject({ documentsCompleted: 0, documentsFailed: 1, pages: 5 });
    expect(meterDocument({ ...base, outcome: 'reused' })).toMatchObject({ documentsCompleted: 1, documentsReused: 1, pages: 0, gbSeconds: 0.1 });
  });
});

describe('usageUpdate', () => {
  it('ADDs every non-zero counter and SETs the item identity', () => {
    // Act
    const update = usageUpdate('alice', '2026-12-04', { documentsCompleted: 1, pages: 12, gbSeconds: 0.5, ocrPages: { textract: 2 }, documentsFailed: 0 }, {
      updatedAt: NOW.toISOString(),
    });

    // Assert
    expect(fieldsSet(update)).toEqual({ ownerId: 'alice', day: '2026-12-04', updatedAt: NOW.toISOString() });
    expect(fieldsAdded(update)).toEqual({ documentsCompleted: 1, pages: 12, gbSeconds: 0.5, ocr_textract: 2 });
  });

  it('refuses a negative or non-finite count and an OCR engine that is no name', () => {
    const stamp = { updatedAt: NOW.toISOString() };
    expect(() => usageUpdate('alice', '2026-12-04', { pages: -1 }, stamp)).toThrow(/pages must be a finite number/);
    expect(() => usageUpdate('alice', '2026-12-04', { extractionMs: Number.NaN }, stamp)).toThrow(/extractionMs/);
    expect(() => usageUpdate('alice', '2026-12-04', { ocrPages: { 'Text Ract': 1 } }, stamp)).toThrow(/OCR engine "Text Ract"/);
  });
});

describe('UsageStore.recordUsage', () => {
  it('updates the owner-and-day item, with an expiry a retention after the day ends', async () => {
    // Arrange
    ddb.on(UpdateCommand).resolves({});

    // Act
    await store.recordUsage('alice', '2026-12-04', { documentsCompleted: 1 });

    // Assert
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key).toEqual({ pk: 'USAGE#alice', sk: 'DAY#2026-12-04' });
    expect(input.ExpressionAttributeValues).toMatchObject({ ':ttl': Date.parse('2026-12-05T00:00:00Z') / 1000 + 86_400, ':updatedAt': NOW.toISOString() });
  });

  it('sends nothing for a day that is no day or an owner that is empty', async () => {
    await expect(store.recordUsage('alice', '04/12/2026', { pages: 1 })).rejects.toThrow(/yyyy-mm-dd/);
    await expect(store.recordUsage('', '2026-12-04', { pages: 1 })).rejects.toThrow(/owner/);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('UsageStore.usageBetween', () => {
  it('queries the owner partition between the two days, page after page, and sums them', async () => {
    // Arrange
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ ...usageKey('alice', '2026-12-01'), day: '2026-12-01', pages: 4, ocr_textract: 1 }], LastEvaluatedKey: { pk: 'x' } })
      .resolvesOnce({ Items: [{ ...usageKey('alice', '2026-12-03'), day: '2026-12-03', pages: 6, documentsCompleted: 2 }] });

    // Act
    const report = await store.usageBetween('alice', '2026-12-01', '2026-12-31');

    // Assert
    const queries = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries[0]!.ExpressionAttributeValues).toEqual({ ':pk': 'USAGE#alice', ':from': 'DAY#2026-12-01', ':to': 'DAY#2026-12-31' });
    expect(queries[1]!.ExclusiveStartKey).toEqual({ pk: 'x' });
    expect(report.days.map((day) => day.day)).toEqual(['2026-12-01', '2026-12-03']);
    expect(report.total).toMatchObject({ pages: 10, documentsCompleted: 2, textractPages: 1 });
  });

  it('refuses a range that ends before it starts', async () => {
    await expect(store.usageBetween('alice', '2026-12-05', '2026-12-01')).rejects.toThrow(/starts \(2026-12-05\) after it ends/);
  });

  it('reads an item with missing counters as zeros', () => {
    expect(dailyUsageOf({ day: '2026-12-01' })).toMatchObject({ day: '2026-12-01', pages: 0, ocrPages: {}, textractPages: 0 });
  });
});
