/** What operator commands read from the queues: depths, the oldest message, samples with their documents. */
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { InvalidArgumentError } from 'commander';
import { documentIdOf } from '../../lambdas/extract/process-object.js';
import { MalformedMessageError, parseS3Message } from '../../lambdas/extract/s3-event.js';
import { LANES, type DocumentStatus, type FailureCode, type Lane } from '../../lambdas/shared/contract.js';
import type { OpsTarget, PeekedMessage } from './target.js';

/** `--lane <lane>` of the queue commands: one lane, checked; every lane when absent. */
export function parseLane(value: string): Lane {
  if (!(LANES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${LANES.join(', ')}`);
  return value as Lane;
}

/** The lanes a command acts on: the one asked for, else every lane. */
export const selectedLanes = (lane: Lane | undefined): readonly Lane[] => (lane === undefined ? LANES : [lane]);

export interface QueueDepth {
  /** Waiting to be received. */
  readonly visible: number;
  /** Received and not yet deleted (being processed, or waiting out a visibility timeout). */
  readonly inFlight: number;
  readonly delayed: number;
  /** Milliseconds since the oldest message was sent, when the target can tell (local only). */
  readonly oldestAgeMs?: number;
}

export async function queueDepth(target: OpsTarget, queueUrl: string, now = Date.now()): Promise<QueueDepth> {
  const { Attributes = {} } = await target.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  let oldestAgeMs: number | undefined;
  if (target.inspectQueue) {
    const sent = (await target.inspectQueue(queueUrl))
      .map((message) => message.sentTimestamp)
      .filter((timestamp): timestamp is number => timestamp !== undefined);
    if (sent.length > 0) oldestAgeMs = Math.max(0, now - Math.min(...sent));
  }
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    ...(oldestAgeMs === undefined ? {} : { oldestAgeMs }),
  };
}

/**
 * Up to `max` messages of a queue, left where they are: locally through the emulator's
 * inspection endpoint; on AWS received with a visibility timeout of 0, so they stay available
 * (a DLQ has no redrive policy, so the extra receive counts nothing).
 */
export async function peekMessages(target: OpsTarget, queueUrl: string, max: number): Promise<PeekedMessage[]> {
  if (max <= 0) return [];
  if (target.inspectQueue) return (await target.inspectQueue(queueUrl)).slice(0, max);
  const { Messages = [] } = await target.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(10, max),
      VisibilityTimeout: 0,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
    }),
  );
  return Messages.map((message) => ({
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    sentTimestamp: message.Attributes?.SentTimestamp ? Number(message.Attributes.SentTimestamp) : undefined,
    receiveCount: message.Attributes?.ApproximateReceiveCount ? Number(message.Attributes.ApproximateReceiveCount) : undefined,
  }));
}

/** A document a dead-lettered message names, as its record stands. */
export interface DocumentSummary {
  readonly documentId: string;
  readonly key: string;
  /** Absent when the document has no record (it never got recorded, e.g. DynamoDB was down). */
  readonly status?: DocumentStatus;
  readonly errorCode?: FailureCode;
  /** The recorded failure, or the last transient error while it was retried. */
  readonly lastError?: string;
  readonly attempts?: number;
  readonly generation?: number;
}

export interface MessageSample {
  readonly messageId: string;
  readonly sentAt?: string;
  readonly receiveCount?: number;
  readonly documents: readonly DocumentSummary[];
  /** Why no document is listed: the message is the S3 test event, or not an S3 notification. */
  readonly note?: string;
}

/** Reads the documents a message names from the table. */
export async function describeMessage(target: OpsTarget, message: PeekedMessage): Promise<MessageSample> {
  const base = {
    messageId: message.messageId,
    ...(message.sentTimestamp ? { sentAt: new Date(message.sentTimestamp).toISOString() } : {}),
    ...(message.receiveCount ? { receiveCount: message.receiveCount } : {}),
  };
  let parsed;
  try {
    parsed = parseS3Message(message.body);
  } catch (error) {
    if (!(error instanceof MalformedMessageError)) throw error;
    return { ...base, documents: [], note: `not an S3 notification: ${error.message}` };
  }
  if (parsed.kind === 'test-event') return { ...base, documents: [], note: 'the S3 test event' };

  const documents: DocumentSummary[] = [];
  for (const object of parsed.objects) {
    const documentId = documentIdOf(object);
    if (!documentId) continue;
    const record = await target.documents.get(documentId);
    const lastError = record?.error ? `${record.error.code}: ${record.error.message}` : record?.lastError;
    documents.push({
      documentId,
      key: object.key,
      ...(record
        ? {
            status: record.status,
            ...(record.error ? { errorCode: record.error.code } : {}),
            ...(lastError ? { lastError } : {}),
            attempts: record.attempts,
            generation: record.generation,
          }
        : {}),
    });
  }
  return { ...base, documents };
}
