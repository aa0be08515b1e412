/**
 * The extractor's metering middleware against DynamoDB Local through the real SDK: a run's write
 * units are those DynamoDB reports (a large page item costs more than one), its page items and OCR
 * pages are counted, writes outside a run are nobody's, and runs that overlap (one abandoned at
 * the function timeout, still waiting, while the next message is taken) keep their writes apart.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { meterClientWrites, RunMeter } from '../../lambdas/extract/metering.js';
import type { CreatedObject } from '../../lambdas/extract/s3-event.js';
import { DocumentStore } from '../../lambdas/shared/document-store.js';
import type { PageRecord } from '../../lambdas/shared/document-model.js';
import { PageStore } from '../../lambdas/shared/page-store.js';
import { useDocumentTable } from '../support/document-table.js';
import { InMemoryUsageMeter } from '../support/usage-fake.js';

const table = useDocumentTable();
let documents: DocumentStore;
let pages: PageStore;

beforeAll(() => {
  meterClientWrites(table.client, new S3Client({ region: 'eu-west-1' }));
  documents = new DocumentStore(table.client, table.tableName);
  pages = new PageStore(table.client, table.tableName);
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
      await documents.create({ documentId, ownerId: 'metered', status: 'PROCESSING', source: 'api', lane: 'interactive', generation: 1, attempts: 1, createdAt: now, updatedAt: now });
      await pages.putPages(documentId, [page(1, 'short'), page(2, 'scanned', 'ocr'), page(3, 'x'.repeat(3_500))]);
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
    await pages.putPages('outside', [page(1, 'not metered')]);

    const { consumption } = await meter.measure(object('metered-2'), async () => ({ status: 'failed', documentId: 'metered-2', code: 'CORRUPT' }));

    expect(consumption).toMatchObject({ pages: 0, dynamoDbWrites: 1 });
  });

  it("keeps overlapping runs' writes apart: a run still waiting does not block the next, nor take its writes", async () => {
    // Arrange: the first run writes a page, then waits (as one abandoned at the function timeout would).
    const usage = new InMemoryUsageMeter();
    const meter = new RunMeter({ usage, memoryMb: 1024, ocrEngine: 'tesseract' });
    let resume!: () => void;
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = meter.measure(object('overlap-1'), async () => {
      await pages.putPages('overlap-1', [page(1, 'first run')]);
      firstWrote();
      await new Promise<void>((resolve) => (resume = resolve));
      await pages.putPages('overlap-1', [page(2, 'first run, late')]);
      return { status: 'completed', documentId: 'overlap-1', pageCount: 2, bytes: 10_000 };
    });
    await wrote;

    // Act: the next run starts and ends while the first waits, then the first ends.
    const second = await meter.measure(object('overlap-2'), async () => {
      await pages.putPages('overlap-2', [page(1, 'a'), page(2, 'b'), page(3, 'c')]);
      return { status: 'completed', documentId: 'overlap-2', pageCount: 3, bytes: 10_000 };
    });
    resume();
    const late = await first;

    // Assert
    expect(second.consumption).toMatchObject({ pages: 3 });
    expect(late.consumption).toMatchObject({ pages: 2 });
  });
});
