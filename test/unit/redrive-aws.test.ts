/** `redrive --env <env>` against AWS, with the SDK mocked: the DLQ inspected without consuming it, then a message move task. */
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type QueueAttributeName,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redrive } from '../../cli/commands/redrive.js';
import { deriveDocumentId } from '../../lambdas/extract/document-id.js';

const sqs = mockClient(SQSClient);
const ddb = mockClient(DynamoDBDocumentClient);

// The bulk lane's queues, which drop-folder messages go through; the interactive lane's are empty.
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/extract-bulk';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/extract-bulk-dlq';
const INTERACTIVE_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/extract';
const INTERACTIVE_DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/extract-dlq';
const DEPTH_ATTRIBUTES: QueueAttributeName[] = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'];
let outputsDir: string;

beforeAll(() => {
  outputsDir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-outputs-'));
  mkdirSync(outputsDir, { recursive: true });
  // What `cdk deploy --outputs-file cdk-outputs/prod.json` writes.
  writeFileSync(
    join(outputsDir, 'prod.json'),
    JSON.stringify({
      'PdfPipeline-prod': {
        QueueUrl: INTERACTIVE_QUEUE_URL,
        DeadLetterQueueUrl: INTERACTIVE_DLQ_URL,
        BulkQueueUrl: QUEUE_URL,
        BulkDeadLetterQueueUrl: DLQ_URL,
        TableName: 'documents',
      },
    }),
  );
  // Written by a deploy from before there were lanes.
  writeFileSync(
    join(outputsDir, 'staging.json'),
    JSON.stringify({ 'PdfPipeline-staging': { QueueUrl: INTERACTIVE_QUEUE_URL, DeadLetterQueueUrl: INTERACTIVE_DLQ_URL, TableName: 'documents' } }),
  );
});

afterAll(() => rmSync(outputsDir, { recursive: true, force: true }));

beforeEach(() => {
  sqs.reset();
  ddb.reset();
  sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL, AttributeNames: ['QueueArn'] }).resolves({ Attributes: { QueueArn: 'arn:dlq' } });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL, AttributeNames: ['QueueArn'] }).resolves({ Attributes: { QueueArn: 'arn:queue' } });
  sqs
    .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL, AttributeNames: DEPTH_ATTRIBUTES })
    .resolves({ Attributes: { ApproximateNumberOfMessages: '42', ApproximateNumberOfMessagesNotVisible: '0', ApproximateNumberOfMessagesDelayed: '0' } });
  sqs
    .on(GetQueueAttributesCommand, { QueueUrl: INTERACTIVE_DLQ_URL, AttributeNames: DEPTH_ATTRIBUTES })
    .resolves({ Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0', ApproximateNumberOfMessagesDelayed: '0' } });
  sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
  sqs.on(ReceiveMessageCommand, { QueueUrl: DLQ_URL }).resolves({
    Messages: [
      {
        MessageId: 'm-1',
        Body: JSON.stringify({
          Records: [
            {
              eventSource: 'aws:s3',
              eventName: 'ObjectCreated:Put',
              eventTime: '2026-11-23T10:00:00.000Z',
              s3: { bucket: { name: 'docs' }, object: { key: 'incoming/u1/report%20Q3.pdf', size: 10, sequencer: '01', versionId: 'v1' } },
            },
          ],
        }),
        Attributes: { SentTimestamp: '1795000000000', ApproximateReceiveCount: '6' },
      },
    ],
  });
  ddb.on(GetCommand).resolves({
    Item: { status: 'FAILED', error: { code: 'POISON', message: 'Gave up after 4 attempts.' }, attempts: 5, generation: 1 },
  });
  sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
});

describe('redrive --env prod', () => {
  it('inspects the DLQ without consuming it and names each message’s document and its state', async () => {
    // Act
    const lines: string[] = [];
    const { lanes } = await redrive({ env: 'prod', outputsDir, lane: 'bulk', dryRun: true }, (line) => lines.push(line));
    const { report, plan, result } = lanes.bulk!;

    // Assert: peeked with a visibility timeout of 0, so the messages stay available to move.
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({ QueueUrl: DLQ_URL, VisibilityTimeout: 0 });
    const documentId = deriveDocumentId('docs', 'incoming/u1/report Q3.pdf', 'v1');
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ TableName: 'documents', Key: { pk: `DOC#${documentId}` } });
    expect(report.samples).toEqual([
      {
        messageId: 'm-1',
        sentAt: new Date(1795000000000).toISOString(),
        receiveCount: 6,
        documents: [
          {
            documentId,
            key: 'incoming/u1/report Q3.pdf',
            status: 'FAILED',
            errorCode: 'POISON',
            lastError: 'POISON: Gave up after 4 attempts.',
            attempts: 5,
            generation: 1,
          },
        ],
      },
    ]);
    expect(plan).toEqual({ strategy: 'move-task', messages: 42, maxPerSecond: 10, estimatedSeconds: 5, dryRun: true });
    expect(result).toBeUndefined();
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(lines.join('\n')).toContain('bulk lane, PdfPipeline-prod (eu-west-1)');
    expect(Object.keys(lanes)).toEqual(['bulk']);
  });

  it('without --lane, inspects every lane’s DLQ and moves each lane’s messages back to that lane’s queue only', async () => {
    // Act
    const lines: string[] = [];
    const { lanes } = await redrive({ env: 'prod', outputsDir }, (line) => lines.push(line));

    // Assert
    expect(lanes.interactive?.plan.messages).toBe(0);
    expect(lanes.bulk?.plan.messages).toBe(42);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: 'arn:dlq', DestinationArn: 'arn:queue', MaxNumberOfMessagesPerSecond: 10 },
    ]);
    expect(lines).toContain('Nothing to redrive in the interactive lane.');
  });

  it('names the lanes’ outputs an outputs file from before there were lanes lacks', async () => {
    await expect(redrive({ env: 'staging', outputsDir, dryRun: true }, () => undefined)).rejects.toThrow(
      /lacks BulkQueueUrl, BulkDeadLetterQueueUrl/,
    );
  });

  it('starts a message move task from the DLQ to the queue at the bounded rate, and can follow it', async () => {
    // Arrange
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [{ TaskHandle: 'task-1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 20, ApproximateNumberOfMessagesToMove: 42 }] })
      .resolves({ Results: [{ TaskHandle: 'task-1', Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 42, ApproximateNumberOfMessagesToMove: 42 }] });

    // Act
    const { startMoveTask } = await import('../../cli/commands/redrive.js');
    const { awsTarget } = await import('../../cli/ops/target.js');
    const target = awsTarget('prod', outputsDir);
    const progress: string[] = [];
    const result = await startMoveTask(
      { sqs: target.sqs, ...target.lanes.bulk },
      { strategy: 'move-task', messages: 42, maxPerSecond: 25, estimatedSeconds: 2, dryRun: false },
      { wait: true, pollMs: 1, progress: (line) => progress.push(line) },
    ).finally(() => target.destroy());

    // Assert
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: 'arn:dlq',
      DestinationArn: 'arn:queue',
      MaxNumberOfMessagesPerSecond: 25,
    });
    expect(result).toEqual({ strategy: 'move-task', moved: 42, taskHandle: 'task-1', taskStatus: 'COMPLETED' });
    expect(progress).toEqual(['  RUNNING: 20 of 42 moved', '  COMPLETED: 42 of 42 moved']);
  });
});
