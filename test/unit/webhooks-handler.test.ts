/**
 * The webhook delivery function's adapter to the queue, with the core stubbed: a task whose
 * attempt must be retried gets its visibility timeout set to the backoff and stays on the queue
 * (a batch item failure); a settled task and a fanned-out event leave it; garbage is dropped.
 */
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const sqs = mockClient(SQSClient);
const core = vi.hoisted(() => ({ attemptDelivery: vi.fn(), fanOut: vi.fn() }));
vi.mock('../../lambdas/webhooks/deliver.js', () => core);

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks';
let handler: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

beforeAll(async () => {
  for (const [name, value] of Object.entries({
    TABLE_NAME: 'documents',
    WEBHOOK_QUEUE_URL: QUEUE_URL,
    API_URL: 'https://api.example.com/api',
    WEBHOOK_URL_POLICY: 'deployed',
    WEBHOOK_TIMEOUT_SECONDS: '10',
    WEBHOOK_MAX_ATTEMPTS: '8',
    WEBHOOK_DELIVERY_RETENTION_SECONDS: '86400',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  })) {
    vi.stubEnv(name, value);
  }
  ({ handler } = (await import('../../lambdas/webhooks/handler.js')) as never);
});

beforeEach(() => {
  sqs.reset();
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  core.attemptDelivery.mockReset();
  core.fanOut.mockReset();
});

const context = { functionName: 'webhooks', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const record = (messageId: string, body: unknown): SQSRecord =>
  ({ messageId, receiptHandle: `rh-${messageId}`, body: typeof body === 'string' ? body : JSON.stringify(body), attributes: {} }) as SQSRecord;
const task = { kind: 'deliver', webhookId: 'wh_1', ownerId: 'alice', deliveryKey: 'DELIVERY#t#msg_1' };

describe('webhook delivery handler', () => {
  it('waits out the backoff in the queue: sets the visibility timeout and reports the record failed', async () => {
    core.attemptDelivery.mockResolvedValue({ kind: 'retry', delaySeconds: 1920 });

    const response = await handler({ Records: [record('m-1', task)] }, context);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'rh-m-1', VisibilityTimeout: 1920 },
    ]);
  });

  it('removes settled tasks, fanned-out events and messages it cannot read from the queue', async () => {
    core.attemptDelivery.mockResolvedValue({ kind: 'done', status: 'DELIVERED' });
    core.fanOut.mockResolvedValue(2);
    const event = { 'detail-type': 'Document Completed', detail: { documentId: 'd-1', ownerId: 'alice' } };

    const response = await handler({ Records: [record('m-1', task), record('m-2', event), record('m-3', 'not json'), record('m-4', { other: 1 })] }, context);

    expect(response.batchItemFailures).toEqual([]);
    expect(core.attemptDelivery).toHaveBeenCalledWith(task, expect.anything());
    expect(core.fanOut).toHaveBeenCalledWith(event, expect.anything());
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });

  it('leaves a record whose processing failed on the queue, for the normal redelivery', async () => {
    core.fanOut.mockRejectedValue(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));

    const response = await handler({ Records: [record('m-1', { 'detail-type': 'Document Failed', detail: { documentId: 'd' } })] }, context);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
  });
});
