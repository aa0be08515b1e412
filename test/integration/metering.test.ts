/**
 * The extractor's metering middleware against DynamoDB Local through the real SDK: a run's write
 * units are those DynamoDB reports (a large page item costs more than one), its page items and OCR
 * pages are counted, and writes outside a run are nobody's.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterClientWrites, RunMeter } from '../../lambdas/extract/metering.js';
import type { CreatedObject } from '../../lambdas/extract/s3-event.js';
import { DocumentRepository, type PageRecord } from '../../lambdas/shared/document-repository.js';
import { startDocumentTable, type LocalDocumentTable } from '../support/document-table.js';
import { InMemoryUsageMeter } from '../support/usage-fake.js';

let table: LocalDocumentTable;
let repository: DocumentRepository;

beforeAll(async () => {
  table = await startDocumentTable();
  meterClientWrites(table.client, new S3Client({ region: 'eu-west-1' }));
  repository = new DocumentRepository(table.client, table.tableName);
});

afterAll(async () => {
  await table?.stop();
});

const object = (documentId: string): CreatedObject =>
  ({ bucket: 'docs', key: `uploads/metered/${documentId}.pdf`, size: 10_000, sequencer: '01', eventTime: new Date().toISOString() }) as CreatedObject;

const page = (pageNumber: number, text: string, textSource: PageRecord['textSource'] = 'text-layer'): PageRecord => ({
  pageNumber,
  generation: 1,
  text,
  charCount: text.length,
  hasText: true,
  needsOcr: false,
  textSource,
});

describe('metering middleware on DynamoDB Local', () => {
  it('counts the write units DynamoDB reports for a run, and its page items', async () => {
    // Arrange: a small record, two small pages (one read by OCR) and one page of about 3.5 KB.
    const usage = new InMemoryUsageMeter();
    const meter = new RunMeter({ usage, memoryMb: 1024, ocrEngine: 'tesseract' });
    const documentId = 'metered-1';
    const now = new Date().toISOString();

    // Act
    const { consumption } = await meter.measure(object(documentId), async () => {
      await repository.create({ documentId, ownerId: 'metered', status: 'PROCESSING', source: 'api', generation: 1, attempts: 1, createdAt: now, updatedAt: now });
      await repository.putPages(documentId, [page(1, 'short'), page(2, 'scanned', 'ocr'), page(3, 'x'.repeat(3_500))]);
      return { status: 'completed', documentId, pageCount: 3, bytes: 10_000 };
    });

    // Assert: 2 units for the record (the table and its owner index), 1 + 1 + 4 for the pages (a
    // unit per started KB), 1 for the usage item; counting items instead would have said 5.
    expect(consumption).toMatchObject({ pages: 3, ocrPages: { tesseract: 1 }, dynamoDbWrites: 9 });
    expect(usage.recorded).toHaveLength(1);
  });

  it('leaves writes made outside a run uncounted', async () => {
    const usage = new InMemoryUsageMeter();
    const meter = new RunMeter({ usage, memoryMb: 1024, ocrEngine: 'tesseract' });
    await repository.putPages('outside', [page(1, 'not metered')]);

    const { consumption } = await meter.measure(object('metered-2'), async () => ({ status: 'failed', documentId: 'metered-2', code: 'CORRUPT' }));

    expect(consumption).toMatchObject({ pages: 0, dynamoDbWrites: 1 });
  });
});
