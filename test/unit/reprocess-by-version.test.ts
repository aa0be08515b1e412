/**
 * Reprocessing by extractor version: which records are selected (exactly those an older extractor
 * produced), the bound on the rate they are queued at (a token bucket on a clock the test moves, no
 * real waiting), the dry run, and the bulk lane the single-document core sends them to.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../lambdas/shared/dead-letter-redrive.js';
import { DocumentRepository, type DocumentRecord } from '../../lambdas/shared/document-repository.js';
import { producedByOlderExtractor, reprocessOlderThan, selectOlderDocuments } from '../../lambdas/shared/reprocess-by-version.js';
import { reprocessDocument } from '../../lambdas/shared/reprocess.js';

const record = (documentId: string, overrides: Partial<DocumentRecord> = {}): DocumentRecord => ({
  documentId,
  ownerId: 'alice',
  status: 'COMPLETED',
  source: 'api',
  objectKey: `uploads/alice/${documentId}.pdf`,
  bucket: 'docs',
  sequencer: '01',
  size: 100,
  extractorVersion: '2.0.0',
  generation: 1,
  attempts: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...overrides,
});

async function* scan(records: readonly DocumentRecord[]): AsyncGenerator<DocumentRecord> {
  yield* records;
}

const TABLE: readonly DocumentRecord[] = [
  record('older-patch', { extractorVersion: '1.9.9' }),
  record('older-failed', { extractorVersion: '1.0.0', status: 'FAILED', error: { code: 'CORRUPT', message: 'bad xref' } }),
  record('unversioned', { extractorVersion: undefined }),
  record('same', { extractorVersion: '2.0.0' }),
  record('newer', { extractorVersion: '2.0.1' }),
  record('unreadable-version', { extractorVersion: 'next' }),
  record('older-deleted', { extractorVersion: '1.0.0', deletedAt: '2026-12-02T00:00:00.000Z' }),
  record('older-processing', { extractorVersion: '1.0.0', status: 'PROCESSING' }),
  record('never-arrived', { extractorVersion: undefined, status: 'FAILED', objectKey: undefined, sequencer: undefined, error: { code: 'UPLOAD_EXPIRED', message: 'no file' } }),
  record('no-owner', { extractorVersion: undefined, ownerId: undefined, status: 'FAILED', error: { code: 'NO_OWNER', message: 'no owner' } }),
  record('older-of-bob', { extractorVersion: '1.2.3', ownerId: 'bob' }),
];

describe('selectOlderDocuments', () => {
  it('selects exactly the finished documents an older extractor produced, or one from before versions', async () => {
    expect(await selectOlderDocuments(scan(TABLE), '2.0.0')).toEqual(['older-patch', 'older-failed', 'unversioned', 'older-of-bob']);
  });

  it("selects only one owner's documents when asked", async () => {
    expect(await selectOlderDocuments(scan(TABLE), '2.0.0', 'bob')).toEqual(['older-of-bob']);
  });

  it('compares versions by number, not as text', () => {
    expect(producedByOlderExtractor(record('x', { extractorVersion: '2.9.0' }), '2.10.0')).toBe(true);
    expect(producedByOlderExtractor(record('x', { extractorVersion: '2.10.0' }), '2.9.0')).toBe(false);
  });

  it('refuses a threshold that is not a version', async () => {
    await expect(selectOlderDocuments(scan(TABLE), 'latest')).rejects.toThrow(/not an extractor version/);
  });
});

describe('reprocessOlderThan', () => {
  /** A clock that only moves when the limiter sleeps: the elapsed time is what the bound imposed. */
  const fakeTime = () => {
    let now = 0;
    return { now: () => now, sleep: async (ms: number) => void (now += ms), elapsed: () => now };
  };

  it('queues the selected documents no faster than the rate allows, reporting progress after each', async () => {
    // Arrange: 12 older documents at 4 a second, with a bucket that starts full (4 at once).
    const records = Array.from({ length: 12 }, (_, index) => record(`d${index}`, { extractorVersion: '1.0.0' }));
    const time = fakeTime();
    const limiter = new RateLimiter(4, time.now, time.sleep);
    const queuedAt: number[] = [];
    const progress: string[] = [];

    // Act
    const summary = await reprocessOlderThan('2.0.0', {
      records: () => scan(records),
      reprocess: async (documentId) => {
        queuedAt.push(time.now());
        return { kind: 'queued', documentId, generation: 2 };
      },
      take: (count) => limiter.take(count),
      progress: ({ done, total, queued }) => progress.push(`${done}/${total} ${queued}`),
    });

    // Assert: after the first 4, one every 250 ms of the clock: by time t, at most 4 + 4 × t/1000 queued.
    expect(summary.outcomes).toEqual({ queued: 12 });
    expect(queuedAt).toEqual([0, 0, 0, 0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
    expect(queuedAt.every((at, index) => index + 1 <= 4 + (4 * at) / 1000)).toBe(true);
    expect(progress.at(0)).toBe('1/12 1');
    expect(progress.at(-1)).toBe('12/12 12');
  });

  it('tallies every outcome, and on a dry run selects without queueing anything', async () => {
    const reprocessed: string[] = [];
    const deps = {
      records: () => scan(TABLE),
      reprocess: async (documentId: string) => {
        reprocessed.push(documentId);
        return documentId === 'unversioned' ? ({ kind: 'busy', status: 'QUEUED' } as const) : ({ kind: 'queued', documentId, generation: 2 } as const);
      },
      take: async () => undefined,
    };

    const dryRun = await reprocessOlderThan('2.0.0', deps, { dryRun: true });
    expect(reprocessed).toEqual([]);
    expect(dryRun).toMatchObject({ dryRun: true, selected: ['older-patch', 'older-failed', 'unversioned', 'older-of-bob'], outcomes: {} });

    const run = await reprocessOlderThan('2.0.0', deps);
    expect(run.outcomes).toEqual({ queued: 3, busy: 1 });
  });
});

describe('reprocessDocument in another lane', () => {
  it("sends the new generation's message to the lane asked for, whatever the document's own lane", async () => {
    // Arrange: an interactive document, reprocessed in the bulk lane.
    const ddb = mockClient(DynamoDBDocumentClient);
    const sqs = mockClient(SQSClient);
    ddb.on(GetCommand).resolves({ Item: { pk: 'DOC#d1', sk: 'DOCUMENT', ...record('d1', { lane: 'interactive' }) } });
    ddb.on(UpdateCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    const repository = new DocumentRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'documents');
    const queues = { interactive: 'https://queue/interactive', bulk: 'https://queue/bulk' };

    // Act
    const outcome = await reprocessDocument(
      'd1',
      { repository, sqs: new SQSClient({ region: 'eu-west-1' }), queueFor: (lane) => queues[lane], now: () => new Date('2026-12-05T00:00:00.000Z') },
      { lane: 'bulk' },
    );

    // Assert
    expect(outcome).toEqual({ kind: 'queued', documentId: 'd1', generation: 2 });
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.QueueUrl)).toEqual(['https://queue/bulk']);
    const removed = String(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression);
    expect(removed).toMatch(/REMOVE .*reusedFrom/);
    ddb.restore();
    sqs.restore();
  });
});
