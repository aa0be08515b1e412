import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const eventBridge = mockClient(EventBridgeClient);

let handler: (event: DynamoDBStreamEvent, context: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

beforeAll(async () => {
  vi.stubEnv('EVENT_BUS_NAME', 'default');
  vi.stubEnv('DOCUMENT_EVENT_SOURCE', 'pdf-pipeline.test');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  ({ handler } = (await import('../../lambdas/document-events/handler.js')) as never);
});

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

const context = { functionName: 'document-events', awsRequestId: 'req-1' } as unknown as Context;

const documentItem = (documentId: string, fields: Record<string, unknown>) => ({
  pk: `DOC#${documentId}`,
  sk: 'DOCUMENT',
  documentId,
  ownerId: 'user-1',
  generation: 1,
  attempts: 1,
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...fields,
});

let sequence = 100;
/** A stream record as Lambda delivers it. */
const change = (oldImage: Record<string, unknown> | undefined, newImage: Record<string, unknown>): DynamoDBRecord =>
  ({
    eventID: `ev-${sequence}`,
    eventName: oldImage ? 'MODIFY' : 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String((sequence += 1)),
      ...(oldImage ? { OldImage: marshall(oldImage, { removeUndefinedValues: true }) } : {}),
      NewImage: marshall(newImage, { removeUndefinedValues: true }),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  }) as unknown as DynamoDBRecord;

const completes = (id: string) => change(documentItem(id, { status: 'PROCESSING' }), documentItem(id, { status: 'COMPLETED', pageCount: 2 }));
const fails = (id: string) =>
  change(documentItem(id, { status: 'PROCESSING' }), documentItem(id, { status: 'FAILED', error: { code: 'CORRUPT', message: 'x' } }));

const published = () =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({ ...entry, Detail: JSON.parse(entry.Detail ?? '{}') })),
  );

describe('document-event publisher', () => {
  it('puts one event per terminal transition on the configured bus, and nothing for other changes', async () => {
    // Arrange
    const records = [
      completes('a'),
      change(documentItem('b', { status: 'QUEUED' }), documentItem('b', { status: 'PROCESSING' })),
      change(documentItem('a', { status: 'COMPLETED' }), documentItem('a', { status: 'COMPLETED', updatedAt: 'later' })),
      fails('c'),
    ];

    // Act
    const result = await handler({ Records: records }, context);

    // Assert
    expect(result.batchItemFailures).toEqual([]);
    expect(published()).toEqual([
      expect.objectContaining({
        EventBusName: 'default',
        Source: 'pdf-pipeline.test',
        DetailType: 'Document Completed',
        Detail: expect.objectContaining({ documentId: 'a', status: 'COMPLETED', pageCount: 2, generation: 1 }),
        Time: new Date('2026-11-23T10:00:00.000Z'),
      }),
      expect.objectContaining({
        DetailType: 'Document Failed',
        Detail: expect.objectContaining({ documentId: 'c', status: 'FAILED', errorCode: 'CORRUPT' }),
      }),
    ]);
  });

  it('stops at the first record it cannot publish and reports it, so nothing is published twice on the retry', async () => {
    // Arrange: the bus refuses the second event.
    const records = [completes('a'), completes('b'), completes('c')];
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'e-a' }] })
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }))
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-c' }] });

    // Act
    const first = await handler({ Records: records }, context);
    const retry = await handler({ Records: records.slice(1) }, context); // Lambda resumes at the failed record

    // Assert
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
    expect(retry.batchItemFailures).toEqual([]);
    const delivered = eventBridge
      .commandCalls(PutEventsCommand)
      .map((call, index) => ({ id: JSON.parse(call.args[0].input.Entries![0]!.Detail!).documentId, refused: index === 1 }))
      .filter((call) => !call.refused)
      .map((call) => call.id);
    expect(delivered).toEqual(['a', 'b', 'c']);
  });

  it('treats an entry EventBridge refused as a failure of that record', async () => {
    // Arrange
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    const record = fails('a');

    // Act
    const result = await handler({ Records: [record] }, context);

    // Assert
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
  });
});
