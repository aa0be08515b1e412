/**
 * What the extraction handler tells CloudWatch: EMF metrics under the names, namespace and
 * dimensions the Monitoring construct graphs and alarms on, and structured logs in which every
 * line about a document carries its id as the correlation id, and no document text.
 */
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { deriveDocumentId } from '../../lambdas/extract/document-id.js';
import { METRIC_DIMENSIONS, SERVICE_NAMES } from '../../lambdas/shared/metric-names.js';
import { CONFIGS, deriveSettings } from '../../lib/config.js';
import { capturedJsonLines } from '../support/captured-logs.js';
import { makePdf } from '../support/pdf-factory.js';
import { EXTRACT_METRICS, extractionEnvironment } from '../../lambdas/extract/contract.js';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const config = CONFIGS.dev;
const SECRET_TEXT = 'confidential merger terms';

let handler: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

beforeAll(async () => {
  // The function's environment as the stack sets it, with DEBUG logs and metrics on.
  for (const [name, value] of Object.entries(extractionEnvironment(config))) vi.stubEnv(name, value);
  vi.stubEnv('TABLE_NAME', 'documents');
  vi.stubEnv('BUCKET_NAME', 'docs');
  vi.stubEnv('INTERACTIVE_SHARD_QUEUE_URL', 'http://queue/interactive');
  vi.stubEnv('BULK_SHARD_QUEUE_URL', 'http://queue/bulk');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  ({ handler } = (await import('../../lambdas/extract/handler.js')) as never);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const context = {
  getRemainingTimeInMillis: () => 110_000,
  functionName: 'extract',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:extract',
  memoryLimitInMB: '2048',
  functionVersion: '$LATEST',
} as unknown as Context;

const record = (messageId: string, key: string, size: number, eventTime: string): SQSRecord =>
  ({
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: JSON.stringify({
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          eventTime,
          s3: { bucket: { name: 'docs' }, object: { key, size, eTag: 'e', sequencer: '0001' } },
        },
      ],
    }),
    attributes: { ApproximateReceiveCount: '1' },
  }) as unknown as SQSRecord;

/** Runs the handler and returns every JSON line it wrote to stdout or stderr (warnings and errors). */
function runAndCapture(event: SQSEvent): Promise<Record<string, any>[]> {
  return capturedJsonLines(() => handler(event, context));
}

describe('extraction handler observability', () => {
  it('emits the monitored metrics under the configured namespace and service, with end-to-end latency', async () => {
    // Arrange: one document completes, one fails NOT_A_PDF.
    const pdf = makePdf([SECRET_TEXT]);
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    // The dev config reuses identical documents: none of this owner's matches.
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(BatchWriteCommand).resolves({});
    s3.on(GetObjectCommand, { Key: 'incoming/u1/good.pdf' }).resolves({
      Body: { transformToByteArray: async () => pdf } as never,
      ContentLength: pdf.byteLength,
    });
    s3.on(GetObjectCommand, { Key: 'incoming/u1/bad.pdf' }).resolves({
      Body: { transformToByteArray: async () => new TextEncoder().encode('<html>') } as never,
      ContentLength: 6,
    });
    const uploadedAt = new Date(Date.now() - 90_000).toISOString();

    // Act
    const lines = await runAndCapture({
      Records: [record('m1', 'incoming/u1/good.pdf', pdf.byteLength, uploadedAt), record('m2', 'incoming/u1/bad.pdf', 6, uploadedAt)],
    });
    const emf = lines.filter((line) => line._aws);

    // Assert: the batch's metrics, dimensioned by service only.
    const namespace = deriveSettings(config).metricsNamespace;
    const batch = emf.find((line) => line._aws.CloudWatchMetrics[0].Metrics.some((m: { Name: string }) => m.Name === EXTRACT_METRICS.documentsCompleted));
    expect(batch?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: namespace, Dimensions: [[METRIC_DIMENSIONS.service]] });
    expect(batch).toMatchObject({
      [METRIC_DIMENSIONS.service]: SERVICE_NAMES.extract,
      [EXTRACT_METRICS.documentsCompleted]: 1,
      [EXTRACT_METRICS.pagesExtracted]: 1,
      [EXTRACT_METRICS.bytesProcessed]: pdf.byteLength,
      [EXTRACT_METRICS.documentsFailed]: 1,
    });
    expect(batch?.[EXTRACT_METRICS.endToEndLatency]).toBeGreaterThanOrEqual(90_000);
    expect(batch?.[EXTRACT_METRICS.endToEndLatency]).toBeLessThan(120_000);
    const units = Object.fromEntries(batch?._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string; Unit: string }) => [m.Name, m.Unit]));
    expect(units[EXTRACT_METRICS.endToEndLatency]).toBe('Milliseconds');

    // Assert: failures by code, one single-metric blob each, with the ErrorCode dimension.
    const byCode = emf.find((line) => line[EXTRACT_METRICS.documentsFailedByCode] !== undefined);
    expect(byCode?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: namespace,
      Dimensions: [[METRIC_DIMENSIONS.service, METRIC_DIMENSIONS.errorCode]],
    });
    expect(byCode).toMatchObject({ [METRIC_DIMENSIONS.errorCode]: 'NOT_A_PDF', [METRIC_DIMENSIONS.service]: SERVICE_NAMES.extract });
  });

  it('puts the document id as correlation id on every line about a document, and no document text anywhere', async () => {
    // Arrange: one completes, one fails transiently (and so is logged as left for retry).
    const pdf = makePdf([SECRET_TEXT]);
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    // The dev config reuses identical documents: none of this owner's matches.
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(BatchWriteCommand).resolves({});
    s3.on(GetObjectCommand, { Key: 'incoming/u1/good.pdf' }).resolves({
      Body: { transformToByteArray: async () => pdf } as never,
      ContentLength: pdf.byteLength,
    });
    s3.on(GetObjectCommand, { Key: 'incoming/u1/flaky.pdf' }).rejects(
      Object.assign(new Error('slow down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }),
    );
    const now = new Date().toISOString();

    // Act
    const lines = await runAndCapture({
      Records: [record('m1', 'incoming/u1/good.pdf', pdf.byteLength, now), record('m2', 'incoming/u1/flaky.pdf', 100, now)],
    });
    const logs = lines.filter((line) => line.level);

    // Assert
    const good = deriveDocumentId('docs', 'incoming/u1/good.pdf', undefined);
    const flaky = deriveDocumentId('docs', 'incoming/u1/flaky.pdf', undefined);
    const processed = logs.find((line) => line.message === 'Object processed');
    const retried = logs.find((line) => line.message === 'Object left on the queue for another attempt');
    expect(processed).toMatchObject({ correlation_id: good, documentId: good, messageId: 'm1', status: 'completed' });
    expect(retried).toMatchObject({ correlation_id: flaky, documentId: flaky, messageId: 'm2', level: 'WARN' });
    // Keys do not leak from one record to the next.
    expect(logs.filter((line) => line.messageId === 'm1').every((line) => line.correlation_id === good)).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(SECRET_TEXT);
  });
});
