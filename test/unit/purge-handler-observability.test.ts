/**
 * What the purge function logs, over a mocked SDK: a deleted document's purge is told on lines
 * that carry its id as the correlation id (the API's line for the deletion carries the same),
 * and only those lines: records are purged side by side.
 */
import { ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { capturedJsonLines } from '../support/captured-logs.js';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const DELETED = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const LIVE = '00000000-0000-4000-8000-000000000002';

let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  for (const [name, value] of Object.entries({
    TABLE_NAME: 'documents',
    BUCKET_NAME: 'docs',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  })) {
    vi.stubEnv(name, value);
  }
  ({ handler } = (await import('../../lambdas/purge/handler.js')) as never);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'purge', awsRequestId: 'req-1' } as unknown as Context;
const message = (messageId: string, body: unknown): SQSRecord => ({ messageId, receiptHandle: `rh-${messageId}`, body: JSON.stringify(body) }) as SQSRecord;

/** Runs the handler and returns the log lines it wrote. */
async function runAndCapture(event: SQSEvent): Promise<Record<string, any>[]> {
  return (await capturedJsonLines(() => handler(event, context))).filter((line) => line.level);
}

describe('purge handler logs', () => {
  it('carries the document id as correlation_id on the lines about each document, and only on those', async () => {
    // Arrange: a deleted document, a live one (not purged), and a message that names none
    ddb.on(GetCommand, { Key: { pk: `DOC#${DELETED}`, sk: 'DOCUMENT' } }).resolves({
      Item: { pk: `DOC#${DELETED}`, sk: 'DOCUMENT', documentId: DELETED, status: 'COMPLETED', deletedAt: '2026-11-23T11:00:00.000Z', generation: 3 },
    });
    ddb.on(GetCommand, { Key: { pk: `DOC#${LIVE}`, sk: 'DOCUMENT' } }).resolves({
      Item: { pk: `DOC#${LIVE}`, sk: 'DOCUMENT', documentId: LIVE, status: 'COMPLETED', generation: 1 },
    });
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(UpdateCommand).resolves({});
    s3.on(ListObjectVersionsCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({});

    // Act
    const lines = await runAndCapture({
      Records: [
        message('m1', { documentId: DELETED, bucket: 'docs', objectKey: `uploads/u1/${DELETED}.pdf` }),
        message('m2', { documentId: LIVE }),
        message('m3', { nothing: 'here' }),
      ],
    });

    // Assert
    expect(lines.find((line) => line.message === 'Document purged')).toMatchObject({ correlation_id: DELETED, documentId: DELETED });
    expect(lines.find((line) => line.message === 'Not purging a document that is not deleted')).toMatchObject({ correlation_id: LIVE, documentId: LIVE });
    const dropped = lines.find((line) => line.message === 'Dropping a message that is not a purge request');
    expect(dropped).toMatchObject({ messageId: 'm3' });
    expect(dropped).not.toHaveProperty('correlation_id');
  });
});
