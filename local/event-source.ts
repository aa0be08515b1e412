/**
 * The local stand-in for Lambda's SQS event source mapping.
 *
 * Like the managed poller it long-polls the queue, gathers up to `batchSize` records for at most
 * the batching window, runs at most `maxConcurrency` invocations at a time, and after each
 * invocation deletes the records that succeeded. Records named in `batchItemFailures` stay on
 * the queue and come back after the visibility timeout; if the invocation fails as a whole
 * (error, crash, timeout) none is deleted.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { sleep } from './child-processes.js';
import { InFlightStore } from './in-flight-store.js';
import type { InvocationOutcome } from './lambda-invoker.js';
import { errorMessage, type Log } from './log.js';
import type { FunctionSettings } from './settings.js';

export interface EventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly settings: FunctionSettings;
  readonly invoke: (event: SQSEvent) => Promise<InvocationOutcome>;
  readonly inFlightFile: string;
  readonly log: Log;
}

/**
 * Lambda's pollers wait 20 s per receive; a shorter wait changes nothing but how long `stop()`
 * waits for a pending receive. (An abandoned receive is not an option: fauxqs would still
 * deliver to it, hiding those messages for a whole visibility timeout.)
 */
const LONG_POLL_SECONDS = 2;
/** SQS caps one receive at 10 messages; larger batches take several receives within the window. */
const MAX_RECEIVE = 10;
/**
 * "Visible again at once". 0 would be the SQS way, but fauxqs 2.4.1 with persistence fails
 * ChangeMessageVisibility(0) (it writes NULL into a NOT NULL column, answers 500 and loses the
 * message from memory until restart); 1 s goes through its working path.
 */
const RELEASE_VISIBILITY_SECONDS = 1;

export class SqsEventSource {
  private readonly store: InFlightStore;
  private readonly pollers: Promise<void>[] = [];
  private stopping = false;

  private constructor(private readonly options: EventSourceOptions) {
    this.store = new InFlightStore(options.inFlightFile);
  }

  static async start(options: EventSourceOptions): Promise<SqsEventSource> {
    const source = new SqsEventSource(options);
    await source.releasePreviousRun();
    for (let index = 0; index < options.settings.maxConcurrency; index += 1) {
      source.pollers.push(source.poll());
    }
    return source;
  }

  /** Stops receiving; resolves once every poller has settled its last batch. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.pollers);
  }

  /**
   * A local convenience: messages the previous run had received but not settled are made
   * visible again now. On AWS they would reappear only when their visibility timeout ran out.
   */
  private async releasePreviousRun(): Promise<void> {
    const previous = this.store.readPrevious();
    await this.release(previous.map((message) => message.receiptHandle));
    this.store.save();
    if (previous.length > 0) {
      this.options.log(`event source: made ${previous.length} message(s) from the previous run visible again`);
    }
  }

  /** One poller: gather a batch, invoke, settle, repeat. `maxConcurrency` of these run side by side. */
  private async poll(): Promise<void> {
    while (!this.stopping) {
      try {
        const batch = await this.gather();
        if (batch.length === 0) continue;
        if (this.stopping) {
          await this.release(batch.map((message) => message.ReceiptHandle!));
          this.store.remove(batch.map((message) => message.ReceiptHandle!));
          continue;
        }
        await this.invokeAndSettle(batch);
      } catch (error) {
        this.options.log(`event source: ${errorMessage(error)}`);
        await sleep(1_000);
      }
    }
  }

  /** Long-polls for a first record, then keeps receiving until the batch is full or the window closes. */
  private async gather(): Promise<Message[]> {
    const { batchSize, maxBatchingWindowSeconds } = this.options.settings;
    const batch = await this.receive(Math.min(batchSize, MAX_RECEIVE), LONG_POLL_SECONDS);
    if (batch.length === 0) return batch;

    const windowEnds = Date.now() + maxBatchingWindowSeconds * 1000;
    while (batch.length < batchSize && !this.stopping) {
      const remainingMs = windowEnds - Date.now();
      if (remainingMs <= 0) break;
      const waitSeconds = Math.floor(remainingMs / 1000);
      const more = await this.receive(Math.min(batchSize - batch.length, MAX_RECEIVE), waitSeconds);
      batch.push(...more);
      if (more.length === 0 && waitSeconds === 0) await sleep(Math.min(remainingMs, 100));
    }
    return batch;
  }

  private async receive(maxMessages: number, waitSeconds: number): Promise<Message[]> {
    const { Messages = [] } = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: maxMessages,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const received = Messages.filter((message) => message.ReceiptHandle && message.MessageId);
    if (received.length > 0) {
      this.store.add(received.map((message) => ({ receiptHandle: message.ReceiptHandle!, messageId: message.MessageId! })));
    }
    return received;
  }

  private async invokeAndSettle(batch: Message[]): Promise<void> {
    const outcome = await this.options.invoke(this.toEvent(batch));
    const failed = this.failedMessageIds(outcome, batch);
    const succeeded = batch.filter((message) => !failed.has(message.MessageId!));
    await this.delete(succeeded);

    const handles = batch.map((message) => message.ReceiptHandle!);
    if (outcome.status === 'failed' && outcome.reason === 'shutdown') {
      // Cut off by shutdown: the handles stay on file and the next start releases them.
      this.store.remove(succeeded.map((message) => message.ReceiptHandle!));
    } else {
      this.store.remove(handles);
    }

    const summary =
      outcome.status === 'failed'
        ? `invocation failed (${outcome.reason}: ${outcome.message}), all left for redelivery`
        : `${succeeded.length} deleted, ${failed.size} left for redelivery`;
    this.options.log(`${this.options.settings.functionName}: ${batch.length} record(s): ${summary}`);
  }

  /**
   * Which records stay on the queue. As on Lambda: a failed invocation keeps all of them, and so
   * does a response naming a record that is not in the batch; without `reportBatchItemFailures`
   * the response is ignored.
   */
  private failedMessageIds(outcome: InvocationOutcome, batch: readonly Message[]): Set<string> {
    const all = new Set(batch.map((message) => message.MessageId!));
    if (outcome.status === 'failed') return all;
    if (!this.options.settings.reportBatchItemFailures) return new Set();
    const failures = (outcome.response as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
    if (failures === undefined || failures === null) return new Set();
    if (!Array.isArray(failures)) return all;
    const failed = new Set<string>();
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || !all.has(id)) return all;
      failed.add(id);
    }
    return failed;
  }

  private async delete(messages: readonly Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += MAX_RECEIVE) {
      const chunk = messages.slice(start, start + MAX_RECEIVE);
      const { Failed = [] } = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
      for (const failure of Failed) this.options.log(`event source: delete failed: ${failure.Code} ${failure.Message}`);
    }
  }

  private async release(receiptHandles: readonly string[]): Promise<void> {
    await Promise.all(
      receiptHandles.map((ReceiptHandle) =>
        this.options.sqs
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: this.options.queueUrl,
              ReceiptHandle,
              VisibilityTimeout: RELEASE_VISIBILITY_SECONDS,
            }),
          )
          // Already deleted, or its visibility ran out meanwhile: nothing to release.
          .catch(() => undefined),
      ),
    );
  }

  /** The event Lambda passes for an SQS batch. */
  private toEvent(batch: readonly Message[]): SQSEvent {
    return {
      Records: batch.map(
        (message): SQSRecord => ({
          messageId: message.MessageId!,
          receiptHandle: message.ReceiptHandle!,
          body: message.Body ?? '',
          attributes: {
            ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
            SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
            SenderId: message.Attributes?.SenderId ?? '',
            ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
          },
          messageAttributes: toLambdaAttributes(message.MessageAttributes),
          md5OfBody: message.MD5OfBody ?? '',
          ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
          eventSource: 'aws:sqs',
          eventSourceARN: this.options.queueArn,
          awsRegion: this.options.region,
        }),
      ),
    };
  }
}

/** Lambda spells message attributes in camelCase, with binary values in base64. */
function toLambdaAttributes(attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    result[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((binary) => Buffer.from(binary).toString('base64')),
    };
  }
  return result;
}
