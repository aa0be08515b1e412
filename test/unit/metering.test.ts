/**
 * The extractor's usage metering: what a run consumed, from its outcome, the writes its clients
 * counted and the duration it measured on an injected clock, and what the meter records for it.
 * The middleware's counts against DynamoDB Local are in test/integration/metering.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { addDynamoDbWrite, consumptionOfRun, RunMeter, type RunFigures, type RunReport } from '../../lambdas/extract/metering.js';
import type { ProcessingOutcome } from '../../lambdas/extract/process-object.js';
import type { CreatedObject } from '../../lambdas/extract/s3-event.js';
import { InMemoryUsageMeter } from '../support/usage-fake.js';

const OBJECT: CreatedObject = {
  bucket: 'docs',
  key: 'uploads/alice/4f0c9a3e-2b1d-4c6e-9a7f-0123456789ab.pdf',
  size: 48_213,
  sequencer: '00000000000000000001',
  eventTime: '2026-12-05T10:00:00.000Z',
} as CreatedObject;

const FIGURES: RunFigures = { dynamoDbWrites: 9, s3Writes: 3, resultBytes: 18_000, pagesWritten: 3, ocrPagesWritten: 1 };

const report = (overrides: Partial<RunReport> = {}): RunReport => ({
  object: OBJECT,
  outcome: { status: 'completed', documentId: 'd1', pageCount: 3, bytes: OBJECT.size },
  figures: FIGURES,
  durationMs: 1_500,
  memoryMb: 3008,
  ocrEngine: 'tesseract',
  ...overrides,
});

describe('consumptionOfRun', () => {
  it('meters a completed document: its pages, OCR pages by engine, duration × memory, source and results, writes', () => {
    expect(consumptionOfRun(report())).toEqual({
      documentsCompleted: 1,
      documentsFailed: 0,
      documentsReused: 0,
      pages: 3,
      ocrPages: { tesseract: 1 },
      extractionMs: 1_500,
      gbSeconds: 1.5 * (3008 / 1024),
      sourceBytes: 48_213,
      resultBytes: 18_000,
      s3Writes: 3,
      // The usage item's own update is the tenth unit.
      dynamoDbWrites: 10,
    });
  });

  it('counts a reuse as completed and reused, with none of the copied pages as extracted', () => {
    const consumption = consumptionOfRun(report({ outcome: { status: 'completed', documentId: 'd2', pageCount: 3, bytes: 1, reusedFrom: 'd1' } }));
    expect(consumption).toMatchObject({ documentsCompleted: 1, documentsReused: 1, pages: 0, sourceBytes: OBJECT.size });
  });

  it('counts a failure once, on the run that recorded it', () => {
    const failed = consumptionOfRun(report({ outcome: { status: 'failed', documentId: 'd1', code: 'CORRUPT' } }));
    expect(failed).toMatchObject({ documentsCompleted: 0, documentsFailed: 1, sourceBytes: OBJECT.size });
  });

  it('counts a POISON recorded by the run as failed, but not a redelivery that found it recorded already', () => {
    const recorded = consumptionOfRun(report({ outcome: { status: 'dead-letter', documentId: 'd1' }, figures: { ...FIGURES, dynamoDbWrites: 1 } }));
    const passingThrough = consumptionOfRun(report({ outcome: { status: 'dead-letter', documentId: 'd1' }, figures: { ...FIGURES, dynamoDbWrites: 0 } }));
    expect(recorded).toMatchObject({ documentsFailed: 1 });
    expect(passingThrough).toMatchObject({ documentsFailed: 0, documentsCompleted: 0, sourceBytes: 0 });
  });

  it.each<[string, ProcessingOutcome | undefined]>([
    ['a shard that left the document unfinished', { status: 'shard-done', documentId: 'd1', shard: 2 }],
    ['the first shard of a long document', { status: 'sharded', documentId: 'd1', shards: 4 }],
    ['an attempt that threw and will be retried', undefined],
    ['an extraction whose generation was superseded', { status: 'skipped', documentId: 'd1', reason: 'superseded' }],
  ])('counts the resources of %s, but no document and no source bytes', (_name, outcome) => {
    const consumption = consumptionOfRun(report({ outcome }));
    expect(consumption).toMatchObject({ documentsCompleted: 0, documentsFailed: 0, sourceBytes: 0, pages: 3, extractionMs: 1_500 });
  });

  it.each<[string, Partial<RunReport>]>([
    ['a duplicate event', { outcome: { status: 'skipped', documentId: 'd1', reason: 'duplicate' } }],
    ['an object that is no document', { outcome: { status: 'ignored', reason: 'folder-marker' } }],
    ['a file without an owner', { object: { ...OBJECT, key: 'incoming/report.pdf' } }],
  ])('records nothing for %s', (_name, overrides) => {
    expect(consumptionOfRun(report(overrides))).toBeUndefined();
  });
});

describe('addDynamoDbWrite', () => {
  const figures = () => ({ dynamoDbWrites: 0, s3Writes: 0, resultBytes: 0, pagesWritten: 0, ocrPagesWritten: 0 });

  it('takes the units DynamoDB reports, and counts page items and OCR pages in a batch', () => {
    const run = figures();
    const input = {
      RequestItems: {
        documents: [
          { PutRequest: { Item: { pk: 'DOC#d1', sk: 'PAGE#000001#G000001', textSource: 'text-layer' } } },
          { PutRequest: { Item: { pk: 'DOC#d1', sk: 'PAGE#000002#G000001', textSource: 'ocr' } } },
        ],
      },
    };

    addDynamoDbWrite(run, 'BatchWriteItemCommand', input, { ConsumedCapacity: [{ TableName: 'documents', CapacityUnits: 7 }] });

    expect(run).toEqual({ ...figures(), dynamoDbWrites: 7, pagesWritten: 2, ocrPagesWritten: 1 });
  });

  it('counts one unit per item, two per transaction item, where the service reports none', () => {
    const run = figures();
    addDynamoDbWrite(run, 'UpdateItemCommand', {}, {});
    addDynamoDbWrite(run, 'TransactWriteItemsCommand', { TransactItems: [{}, {}] }, {});
    expect(run.dynamoDbWrites).toBe(5);
  });
});

describe('RunMeter', () => {
  /** A clock the work moves, standing for the time extraction takes. */
  const clock = (start: number) => {
    let now = start;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it("records a run's duration as the clock measured it, under the object's owner and the day it ended", async () => {
    // Arrange: the work takes 2,345 ms and ends after midnight UTC.
    const time = clock(Date.parse('2026-12-04T23:59:59.000Z'));
    const usage = new InMemoryUsageMeter();
    const meter = new RunMeter({ usage, memoryMb: 1024, ocrEngine: 'tesseract', now: time.now });

    // Act
    const { outcome, consumption } = await meter.measure(OBJECT, async () => {
      time.advance(2_345);
      return { status: 'completed', documentId: 'd1', pageCount: 2, bytes: OBJECT.size };
    });

    // Assert
    expect(outcome.status).toBe('completed');
    expect(usage.recorded).toEqual([{ ownerId: 'alice', day: '2026-12-05', consumption }]);
    expect(consumption).toMatchObject({ documentsCompleted: 1, extractionMs: 2_345, gbSeconds: 2.345, sourceBytes: OBJECT.size });
  });

  it('records what a run that threw consumed, then throws its error for the retry', async () => {
    const time = clock(0);
    const usage = new InMemoryUsageMeter();
    const meter = new RunMeter({ usage, memoryMb: 2048, ocrEngine: 'tesseract', now: time.now });

    const run = meter.measure(OBJECT, async () => {
      time.advance(400);
      throw new Error('S3 is unwell');
    });

    await expect(run).rejects.toThrow('S3 is unwell');
    expect(usage.recorded.map((entry) => entry.consumption)).toMatchObject([{ documentsCompleted: 0, documentsFailed: 0, extractionMs: 400, gbSeconds: 0.8 }]);
  });

  it("keeps the document's outcome when its usage cannot be recorded, and says so", async () => {
    const failures: unknown[] = [];
    const meter = new RunMeter({
      usage: { recordUsage: async () => Promise.reject(new Error('throttled')) },
      memoryMb: 1024,
      ocrEngine: 'tesseract',
      onNotRecorded: (error) => failures.push(error),
    });

    const { outcome } = await meter.measure(OBJECT, async () => ({ status: 'failed', documentId: 'd1', code: 'CORRUPT' }));

    expect(outcome).toEqual({ status: 'failed', documentId: 'd1', code: 'CORRUPT' });
    expect(failures).toEqual([new Error('throttled')]);
  });

  it('measures a run that starts while another is still waiting, without waiting for it', async () => {
    // Arrange: the first run never ends (a run abandoned at the function timeout).
    const usage = new InMemoryUsageMeter();
    const meter = new RunMeter({ usage, memoryMb: 1024, ocrEngine: 'tesseract' });
    void meter.measure(OBJECT, () => new Promise<ProcessingOutcome>(() => undefined));

    // Act
    const { outcome } = await meter.measure(OBJECT, async () => ({ status: 'failed', documentId: 'd1', code: 'CORRUPT' }));

    // Assert
    expect(outcome).toEqual({ status: 'failed', documentId: 'd1', code: 'CORRUPT' });
    expect(usage.recorded.map((entry) => entry.consumption)).toMatchObject([{ documentsFailed: 1 }]);
  });
});
