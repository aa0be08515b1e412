import { describe, expect, it, vi } from 'vitest';
import { processCreatedObject, type ProcessingDependencies } from '../../lambdas/extract/process-object.js';
import { processShard } from '../../lambdas/extract/process-shard.js';
import { SHARD_MESSAGE_KIND, type ShardMessage } from '../../lambdas/extract/shard-message.js';
import type { ParsedPage } from '../../lambdas/extract/pdf-document.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { PermanentFailure, TransientFailure } from '../../lambdas/shared/errors.js';
import type { ShardRecording } from '../../lambdas/shared/shard-progress.js';
import { makePdf } from '../support/pdf-factory.js';

const DOC_ID = '00000000-0000-4000-8000-0000000000c1';
const NOW = Date.parse('2026-12-05T10:00:00Z');

const shard = (overrides: Partial<ShardMessage> = {}): ShardMessage => ({
  kind: SHARD_MESSAGE_KIND,
  documentId: DOC_ID,
  generation: 2,
  lane: 'bulk',
  object: { bucket: 'docs', key: 'incoming/u1/long.pdf', size: 1000, sequencer: '0A', eventTime: '2026-12-05T09:59:00Z' },
  index: 1,
  count: 3,
  pages: { first: 11, last: 20 },
  ...overrides,
});

const processing = (overrides: Partial<DocumentRecord> = {}): DocumentRecord => ({
  documentId: DOC_ID,
  status: 'PROCESSING',
  source: 'drop-folder',
  lane: 'bulk',
  generation: 2,
  attempts: 1,
  pageCount: 30,
  size: 1000,
  createdAt: '2026-12-05T09:59:00Z',
  updatedAt: '2026-12-05T09:59:00Z',
  shardGeneration: 2,
  shardCount: 3,
  shardsDone: 0,
  ...overrides,
});

const page = (pageNumber: number): ParsedPage => ({
  pageNumber,
  text: `page ${pageNumber}`,
  tables: [],
  layout: { version: 1, pageNumber, width: 612, height: 792, source: 'text-layer', lines: [] } as never,
  hasText: true,
  needsOcr: false,
  textSource: 'text-layer',
});

/** The core's dependencies as fakes: a record, a shard store answering `recording`, an extractor reading the range. */
function fakes(record: DocumentRecord | undefined, recording: ShardRecording = { outcome: 'recorded', shardsDone: 1, shardCount: 3 }) {
  const transition = vi.fn(async () => true);
  const extract = vi.fn<ProcessingDependencies['extract']>(async (_bytes, _bounds, sink, scope) => {
    for (let number = scope!.pages!.first; number <= scope!.pages!.last; number += 1) sink.page(page(number));
  });
  const store = {
    startShards: vi.fn(async () => true),
    addPagesDone: vi.fn(async () => undefined),
    recordShardDone: vi.fn(async () => recording),
  };
  const read = vi.fn(async (): Promise<Uint8Array> => new Uint8Array([1]));
  const deps: ProcessingDependencies = {
    documents: { get: vi.fn(async () => record), transition } as never,
    pages: { putPages: vi.fn(async () => undefined), listPages: vi.fn() } as never,
    objects: { read, write: vi.fn(async () => undefined), writeGzipJson: vi.fn(async () => undefined) } as never,
    extract,
    limits: { maxPdfBytes: 10_000, maxPages: 5000, maxAttempts: 5, documentTimeoutMs: 60_000, rssLimitMb: 1000, resultsBucket: 'docs' },
    now: () => NOW,
    shards: { store, queue: { send: vi.fn(async () => undefined) }, settings: { pagesPerShard: 10, ocrPageWeight: 200, maxShardsPerDocument: 16 } },
  };
  return { deps, transition, extract, store, read };
}

const delivery = (receiveCount = 1) => ({ receiveCount, deadline: NOW + 100_000 });

describe('processShard', () => {
  it('reads its range only, records its pages as progress and counts itself done', async () => {
    // Arrange
    const { deps, extract, store, transition } = fakes(processing());

    // Act
    const outcome = await processShard(shard(), delivery(), deps);

    // Assert
    expect(outcome).toEqual({ status: 'shard-done', documentId: DOC_ID, shard: 1 });
    expect(extract.mock.calls[0]![3]).toEqual({ pages: { first: 11, last: 20 }, shard: { index: 1, count: 3 } });
    expect(store.addPagesDone).toHaveBeenCalledWith(DOC_ID, 2, 10);
    expect(store.recordShardDone).toHaveBeenCalledWith(DOC_ID, 2, 1, 0);
    expect(transition).not.toHaveBeenCalled();
  });

  it('counts the pages of its range read by OCR when it records itself done', async () => {
    // Arrange: pages 12 and 15 of the range come from OCR
    const { deps, extract, store } = fakes(processing());
    extract.mockImplementation(async (_bytes, _bounds, sink, scope) => {
      for (let number = scope!.pages!.first; number <= scope!.pages!.last; number += 1) {
        sink.page(number === 12 || number === 15 ? { ...page(number), textSource: 'ocr', ocrConfidence: 90 } : page(number));
      }
    });

    // Act
    await processShard(shard(), delivery(), deps);

    // Assert
    expect(store.recordShardDone).toHaveBeenCalledWith(DOC_ID, 2, 1, 2);
  });

  it('completes the document when its count completes the plan, conditional on the generation', async () => {
    // Arrange
    const { deps, transition } = fakes(processing(), { outcome: 'recorded', shardsDone: 3, shardCount: 3 });

    // Act
    const outcome = await processShard(shard(), delivery(), deps);

    // Assert
    expect(outcome).toMatchObject({ status: 'completed', documentId: DOC_ID, pageCount: 30 });
    expect(transition).toHaveBeenCalledWith(DOC_ID, { generation: 2, status: 'PROCESSING' }, { status: 'COMPLETED' }, ['error', 'lastError']);
  });

  it('does not complete the document when its count was not recorded (a redelivery racing itself)', async () => {
    const { deps, transition } = fakes(processing(), { outcome: 'not-recorded' });

    const outcome = await processShard(shard(), delivery(), deps);

    expect(outcome).toEqual({ status: 'skipped', documentId: DOC_ID, reason: 'superseded' });
    expect(transition).not.toHaveBeenCalled();
  });

  it.each([
    ['reprocessed since (a newer generation)', processing({ generation: 3 })],
    ['deleted', processing({ deletedAt: '2026-12-05T10:00:00Z' })],
    ['failed by another shard', processing({ status: 'FAILED' })],
    ['gone', undefined],
  ])('does nothing for a document %s', async (_name, record) => {
    const { deps, extract, transition, store } = fakes(record);

    const outcome = await processShard(shard(), delivery(), deps);

    expect(outcome).toEqual({ status: 'skipped', documentId: DOC_ID, reason: 'superseded' });
    expect(extract).not.toHaveBeenCalled();
    expect(transition).not.toHaveBeenCalled();
    expect(store.recordShardDone).not.toHaveBeenCalled();
  });

  it('skips a shard already counted (a duplicate message) without reading it again', async () => {
    const { deps, extract } = fakes(processing({ doneShards: new Set([1]) }));

    const outcome = await processShard(shard(), delivery(), deps);

    expect(outcome).toEqual({ status: 'skipped', documentId: DOC_ID, reason: 'duplicate' });
    expect(extract).not.toHaveBeenCalled();
  });

  it('fails the document with the code of a permanent failure, naming the pages', async () => {
    // Arrange
    const { deps, extract, transition, store } = fakes(processing());
    extract.mockRejectedValueOnce(new PermanentFailure('TIMEOUT', 'Extraction did not finish within its 60s budget.'));

    // Act
    const outcome = await processShard(shard(), delivery(), deps);

    // Assert
    expect(outcome).toEqual({ status: 'failed', documentId: DOC_ID, code: 'TIMEOUT' });
    expect(transition).toHaveBeenCalledWith(
      DOC_ID,
      { generation: 2, status: 'PROCESSING' },
      { status: 'FAILED', error: { code: 'TIMEOUT', message: 'Pages 11–20: Extraction did not finish within its 60s budget.' } },
    );
    expect(store.recordShardDone).not.toHaveBeenCalled();
  });

  it('throws a transient failure, touching nothing, so this shard alone is retried', async () => {
    const { deps, read, transition, store } = fakes(processing());
    read.mockRejectedValueOnce(Object.assign(new Error('slow down'), { name: 'SlowDown' }));

    await expect(processShard(shard(), delivery(2), deps)).rejects.toThrow('slow down');
    expect(transition).not.toHaveBeenCalled();
    expect(store.recordShardDone).not.toHaveBeenCalled();
  });

  it('records the document POISON on the shard\'s last allowed delivery instead of reading it again', async () => {
    const { deps, extract, transition } = fakes(processing());

    const outcome = await processShard(shard(), delivery(5), deps);

    expect(outcome).toEqual({ status: 'dead-letter', documentId: DOC_ID });
    expect(extract).not.toHaveBeenCalled();
    expect(transition).toHaveBeenCalledWith(DOC_ID, { generation: 2, status: 'PROCESSING' }, {
      status: 'FAILED',
      error: { code: 'POISON', message: 'Pages 11–20 could not be extracted in 4 attempts.' },
    });
  });

  it('passes a transient failure of the extractor on as it is', async () => {
    const { deps, extract } = fakes(processing());
    extract.mockRejectedValueOnce(new TransientFailure('The invocation ran out of time after 3s of extraction; retrying.'));

    await expect(processShard(shard(), delivery(), deps)).rejects.toBeInstanceOf(TransientFailure);
  });
});

describe('processCreatedObject planning shards', () => {
  it("sends a reprocessed document's shards to the lane its generation was queued in, not its key's", async () => {
    // Arrange: an upload (an interactive key) reprocessed by version in the bulk lane
    const key = `uploads/u1/${DOC_ID}.pdf`;
    const queued = processing({ status: 'QUEUED', source: 'api', lane: 'bulk', attempts: 0, objectKey: key, sequencer: '0A', shardGeneration: undefined, shardCount: undefined, shardsDone: undefined, pageCount: undefined });
    const { deps, extract, read } = fakes(queued);
    extract.mockImplementation(async (_bytes, _bounds, sink) => {
      sink.document({ pageCount: 30, metadata: {}, shards: [{ first: 1, last: 10 }, { first: 11, last: 20 }, { first: 21, last: 30 }] });
      for (let number = 1; number <= 10; number += 1) sink.page(page(number));
    });

    // Act
    const pdf = makePdf(['long']);
    read.mockResolvedValue(pdf);
    await processCreatedObject({ bucket: 'docs', key, size: pdf.byteLength, sequencer: '0A', eventTime: '2026-12-05T09:59:00Z' }, delivery(), deps);

    // Assert
    const send = deps.shards!.queue.send as ReturnType<typeof vi.fn>;
    expect(send).toHaveBeenCalledTimes(1);
    const [lane, messages] = send.mock.calls[0]!;
    expect(lane).toBe('bulk');
    expect(messages.map((message: ShardMessage) => [message.lane, message.index])).toEqual([['bulk', 1], ['bulk', 2]]);
  });
});
