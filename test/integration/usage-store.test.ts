/**
 * The usage store against DynamoDB Local through the real SDK: figures add up per owner and day,
 * completions recorded at once lose nothing, and a range reads exactly its days.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageStore } from '../../lambdas/shared/usage-store.js';
import { useDocumentTable } from '../support/document-table.js';

const table = useDocumentTable();
let store: UsageStore;

beforeAll(() => {
  store = new UsageStore(table.client, table.tableName);
});

describe('UsageStore on DynamoDB Local', () => {
  it('adds every completion of the day into one item, losing none when they race', async () => {
    // Arrange: 40 documents of 3 pages each complete at once, 10 of them with a Textract page.
    const completions = Array.from({ length: 40 }, (_, index) => ({
      documentsCompleted: 1,
      pages: 3,
      extractionMs: 250,
      gbSeconds: 0.5,
      sourceBytes: 1000,
      dynamoDbWrites: 5,
      ...(index % 4 === 0 ? { ocrPages: { textract: 1 } } : {}),
    }));

    // Act
    await Promise.all(completions.map((consumption) => store.recordUsage('racer', '2026-12-04', consumption)));
    const report = await store.usageBetween('racer', '2026-12-04', '2026-12-04');

    // Assert
    expect(report.days).toHaveLength(1);
    expect(report.total).toMatchObject({
      documentsCompleted: 40,
      pages: 120,
      extractionMs: 10_000,
      gbSeconds: 20,
      sourceBytes: 40_000,
      dynamoDbWrites: 200,
      ocrPages: { textract: 10 },
      textractPages: 10,
    });
  });

  it('keeps owners apart and reads only the days of the range, oldest first', async () => {
    // Arrange
    await store.recordUsage('alice', '2026-11-30', { documentsCompleted: 1, pages: 1 });
    await store.recordUsage('alice', '2026-12-01', { documentsFailed: 1 });
    await store.recordUsage('alice', '2026-12-02', { documentsCompleted: 2, pages: 5 });
    await store.recordUsage('alicia', '2026-12-01', { documentsCompleted: 9, pages: 90 });

    // Act
    const report = await store.usageBetween('alice', '2026-12-01', '2026-12-31');

    // Assert
    expect(report.days.map((day) => [day.day, day.documentsCompleted, day.documentsFailed])).toEqual([
      ['2026-12-01', 0, 1],
      ['2026-12-02', 2, 0],
    ]);
    expect(report.total).toMatchObject({ documentsCompleted: 2, documentsFailed: 1, pages: 5 });
  });

  it('reports an owner with no usage as empty days and zero totals', async () => {
    const report = await store.usageBetween('nobody', '2026-01-01', '2026-12-31');
    expect(report.days).toEqual([]);
    expect(report.total.documentsCompleted).toBe(0);
  });
});
