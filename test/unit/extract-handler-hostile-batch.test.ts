/**
 * One batch that mixes hostile files with good ones, through the real handler with the dev
 * stack's environment and memory size: the hostile documents end FAILED with their codes and
 * the good ones still complete, with no record left for retry.
 */
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CONFIGS, extractionEnvironment } from '../../lib/config.js';
import { readCorpusFile } from '../support/corpus.js';
import { flateBomb, manyPagesPdf } from '../support/hostile-pdfs.js';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
let handler: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

beforeAll(async () => {
  const environment = {
    ...extractionEnvironment(CONFIGS.dev),
    TABLE_NAME: 'documents',
    BUCKET_NAME: 'docs',
    INTERACTIVE_SHARD_QUEUE_URL: 'http://queue/interactive',
    BULK_SHARD_QUEUE_URL: 'http://queue/bulk',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(CONFIGS.dev.extraction.memoryMb),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  ({ handler } = (await import('../../lambdas/extract/handler.js')) as never);
});

const record = (key: string, size: number): SQSRecord =>
  ({
    messageId: key,
    receiptHandle: `rh-${key}`,
    body: JSON.stringify({
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          eventTime: new Date().toISOString(),
          s3: { bucket: { name: 'docs' }, object: { key, size, sequencer: '0000000000000000A1' } },
        },
      ],
    }),
    attributes: { ApproximateReceiveCount: '1' },
  }) as unknown as SQSRecord;

describe('a batch mixing hostile and good documents at the deployed memory size', () => {
  it('fails the hostile ones with their codes and completes the good ones', async () => {
    const files: Record<string, Uint8Array> = {
      'incoming/u1/good-1.pdf': readCorpusFile('076-small-simple1.pdf'),
      'incoming/u1/bomb.pdf': new Uint8Array(await flateBomb(1024 ** 3, 'flate')),
      'incoming/u1/hundred-thousand-pages.pdf': new Uint8Array(manyPagesPdf(100_000)),
      'incoming/u1/good-2.pdf': readCorpusFile('004-long-GeoTopo-komprimiert.pdf'),
    };
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    // The dev config reuses identical documents: none of this owner's matches.
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(BatchWriteCommand).resolves({});
    for (const [key, bytes] of Object.entries(files)) {
      s3.on(GetObjectCommand, { Key: key }).resolves({
        Body: { transformToByteArray: async () => bytes } as never,
        ContentLength: bytes.byteLength,
      });
    }
    const context = { getRemainingTimeInMillis: () => CONFIGS.dev.extraction.timeoutSeconds * 1000 } as Context;

    const result = await handler(
      { Records: Object.entries(files).map(([key, bytes]) => record(key, bytes.byteLength)) },
      context,
    );

    const outcomes = ddb
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues ?? {})
      .filter((values) => values[':s_status'] === 'COMPLETED' || values[':s_status'] === 'FAILED')
      .map((values) => (values[':s_status'] === 'FAILED' ? (values[':s_error'] as { code: string }).code : 'COMPLETED'));
    expect(result.batchItemFailures).toEqual([]);
    expect(outcomes).toEqual(['COMPLETED', 'RESOURCE_LIMIT', 'TOO_MANY_PAGES', 'COMPLETED']);
  }, 120_000);
});
