import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readCorpusFile } from '../support/corpus.js';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

let handler: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

beforeAll(async () => {
  vi.stubEnv('TABLE_NAME', 'documents');
  vi.stubEnv('BUCKET_NAME', 'docs');
  vi.stubEnv('MAX_PDF_BYTES', String(10 * 1024 * 1024));
  vi.stubEnv('MAX_PAGES', '500');
  vi.stubEnv('MAX_ATTEMPTS', '5');
  vi.stubEnv('DOCUMENT_TIMEOUT_SECONDS', '30');
  vi.stubEnv('WORKER_MEMORY_MB', '512');
  vi.stubEnv('ENGINE_HEAP_BUDGET_MB', '256');
  vi.stubEnv('SHARD_PAGES', '400');
  vi.stubEnv('SHARD_OCR_PAGE_WEIGHT', '200');
  vi.stubEnv('SHARD_MAX_PER_DOCUMENT', '16');
  vi.stubEnv('INTERACTIVE_SHARD_QUEUE_URL', 'http://queue/interactive');
  vi.stubEnv('BULK_SHARD_QUEUE_URL', 'http://queue/bulk');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  ({ handler } = (await import('../../lambdas/extract/handler.js')) as never);
});

beforeEach(() => {
  ddb.reset();
  s3.reset();
  ddb.on(BatchWriteCommand).resolves({});
});

/** Updates of document records, leaving out the usage items the handler also updates. */
const documentUpdates = () => ddb.commandCalls(UpdateCommand).filter((call) => String(call.args[0].input.Key?.pk).startsWith('DOC#'));
const usageUpdates = () => ddb.commandCalls(UpdateCommand).filter((call) => String(call.args[0].input.Key?.pk).startsWith('USAGE#'));

const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'extract', awsRequestId: 'req-1' } as unknown as Context;

const sqsRecord = (messageId: string, body: unknown, receiveCount = 1): SQSRecord =>
  ({
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:extract',
    awsRegion: 'eu-west-1',
  }) as unknown as SQSRecord;

const objectCreated = (key: string, size: number, sequencer = '00000000000000000001') => ({
  Records: [
    {
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      eventTime: '2026-11-23T10:00:00.000Z',
      s3: { bucket: { name: 'docs' }, object: { key, size, eTag: 'e', sequencer } },
    },
  ],
});

// Only the part of the SDK's stream the store uses.
const body = (bytes: Uint8Array) => ({ transformToByteArray: async () => bytes }) as never;

describe('extraction handler', () => {
  it('acknowledges the S3 test event without touching any store', async () => {
    const result = await handler({ Records: [sqsRecord('m1', { Event: 's3:TestEvent', Bucket: 'docs' })] }, context);

    expect(result.batchItemFailures).toEqual([]);
    expect(ddb.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('drops a message that is not an S3 notification instead of retrying it forever', async () => {
    const result = await handler({ Records: [sqsRecord('m1', 'garbage')] }, context);

    expect(result.batchItemFailures).toEqual([]);
  });

  it('reports only the record that failed transiently, so the others are deleted', async () => {
    const pdf = readCorpusFile('076-small-simple1.pdf');
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    s3.on(GetObjectCommand, { Key: 'incoming/u1/good.pdf' }).resolves({ Body: body(pdf), ContentLength: pdf.byteLength });
    s3.on(GetObjectCommand, { Key: 'incoming/u1/flaky.pdf' }).rejects(
      Object.assign(new Error('slow down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }),
    );

    const result = await handler(
      {
        Records: [
          sqsRecord('good', objectCreated('incoming/u1/good.pdf', pdf.byteLength)),
          sqsRecord('flaky', objectCreated('incoming/u1/flaky.pdf', pdf.byteLength)),
        ],
      },
      context,
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'flaky' }]);
    const completion = ddb.commandCalls(UpdateCommand).find((call) => call.args[0].input.ExpressionAttributeValues?.[':s_status'] === 'COMPLETED');
    expect(completion?.args[0].input.ExpressionAttributeValues).toMatchObject({ ':s_pageCount': 1 });
  });

  it('records a permanent failure and acknowledges the message', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});

    const result = await handler({ Records: [sqsRecord('big', objectCreated('incoming/u1/huge.pdf', 50 * 1024 * 1024))] }, context);

    expect(result.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    const failure = documentUpdates().at(-1)?.args[0].input.ExpressionAttributeValues;
    expect(failure).toMatchObject({ ':s_status': 'FAILED', ':s_error': { code: 'TOO_LARGE' } });
  });

  it("adds a failed document to its owner's usage of the day, with the failed file's size", async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});

    await handler({ Records: [sqsRecord('big', objectCreated('incoming/u1/huge.pdf', 50 * 1024 * 1024))] }, context);

    const [usage] = usageUpdates();
    expect(usage?.args[0].input.Key).toEqual({ pk: 'USAGE#u1', sk: expect.stringMatching(/^DAY#\d{4}-\d{2}-\d{2}$/) });
    const added = Object.fromEntries(
      Object.entries(usage!.args[0].input.ExpressionAttributeNames!)
        .filter(([slot]) => /^#a\d+$/.test(slot))
        .map(([slot, attribute]) => [attribute, usage!.args[0].input.ExpressionAttributeValues![`:${slot.slice(1)}`]]),
    );
    expect(added).toMatchObject({ documentsFailed: 1, sourceBytes: 50 * 1024 * 1024 });
    expect(added).not.toHaveProperty('documentsCompleted');
  });

  it('records POISON on the last delivery of a transient failure, and still fails the message so it reaches the DLQ', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('internal'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }));

    const result = await handler({ Records: [sqsRecord('last', objectCreated('incoming/u1/a.pdf', 100), 5)] }, context);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'last' }]);
    const poison = documentUpdates().at(-1)?.args[0].input.ExpressionAttributeValues;
    expect(poison).toMatchObject({ ':s_status': 'FAILED', ':s_error': { code: 'POISON' } });
  });
});

describe('extraction handler near the end of an invocation', () => {
  it('defers a record it could not give a full budget, without touching the document', async () => {
    const lateContext = { ...context, getRemainingTimeInMillis: () => 20_000 } as Context;

    const result = await handler({ Records: [sqsRecord('late', objectCreated('incoming/u1/a.pdf', 100))] }, lateContext);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'late' }]);
    expect(ddb.calls()).toHaveLength(0);
  });
});
