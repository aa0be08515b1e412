/**
 * The local stand-in for Lambda's DynamoDB Streams event source mapping: it reads the table's
 * stream on DynamoDB Local and invokes a function with the records, as the managed poller does.
 *
 * Like it: shards are read in order, parents before children; records that pass none of the
 * mapping's filters are skipped without an invocation; batches hold at most `batchSize` records;
 * with `reportBatchItemFailures` the records before the first reported failure are checkpointed
 * and the batch is retried from it, otherwise (and when the invocation fails as a whole) the
 * whole batch is retried; after `retryAttempts` retries, or once its first record is older than
 * `maxRecordAgeSeconds`, the batch is given up and described, as the on-failure destination
 * would receive it, in an NDJSON file.
 *
 * The position in each shard is kept in a checkpoint file under the state directory, so a
 * restart resumes where the last run stopped (DynamoDB Local keeps its stream across restarts).
 * Differences: retries wait a little (up to 5 s) instead of following at once, and records are
 * polled every `pollIntervalMs` (Lambda polls about four times a second).
 */
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue,
  type DynamoDBStreamsClient,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertSupportedPattern, passesFilters, type EventPattern } from './event-pattern.js';
import type { InvocationOutcome } from './lambda-invoker.js';
import { errorMessage, type Log } from './log.js';
import { readJson, writeJsonAtomic } from './state-dir.js';

/** How the mapping behaves, as the stack configures it. */
export interface StreamSourceSettings {
  readonly functionName: string;
  readonly batchSize: number;
  readonly retryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  readonly reportBatchItemFailures: boolean;
  /** Filter patterns (Lambda event filtering); a record passes when it matches any. */
  readonly filters: readonly unknown[];
}

export interface StreamSourceOptions {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly region: string;
  readonly settings: StreamSourceSettings;
  readonly invoke: (event: DynamoDBStreamEvent) => Promise<InvocationOutcome>;
  /** Where the position in each shard is kept. */
  readonly checkpointFile: string;
  /** Where given-up batches are described, one JSON line each (the on-failure destination). */
  readonly failedBatchesFile: string;
  readonly log: Log;
  /** Pause between polls that found nothing. @default 250 */
  readonly pollIntervalMs?: number;
}

interface Checkpoint {
  readonly streamArn: string;
  /** Per shard: the last sequence number settled, and whether the closed shard is fully read. */
  readonly shards: Record<string, { after?: string; finished?: boolean }>;
}

const MAX_RECORDS_PER_READ = 1000;
const MAX_RETRY_PAUSE_MS = 5_000;

/** Thrown inside a delivery when the runtime stops: nothing more is settled. */
class Stopping extends Error {}

export class DynamoDbStreamSource {
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly filters: readonly EventPattern[];
  private checkpoint: Checkpoint;
  private loop: Promise<void> = Promise.resolve();

  private constructor(private readonly options: StreamSourceOptions) {
    this.filters = options.settings.filters.map((filter) => {
      assertSupportedPattern(filter);
      return filter;
    });
    const saved = readJson<Checkpoint>(options.checkpointFile);
    this.checkpoint = saved?.streamArn === options.streamArn ? saved : { streamArn: options.streamArn, shards: {} };
    mkdirSync(dirname(options.failedBatchesFile), { recursive: true });
  }

  static start(options: StreamSourceOptions): DynamoDbStreamSource {
    const source = new DynamoDbStreamSource(options);
    source.loop = source.run();
    return source;
  }

  /** Stops polling; resolves once the current delivery has settled or been abandoned. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let worked = false;
      try {
        worked = await this.pollShards();
      } catch (error) {
        if (error instanceof Stopping) break;
        this.options.log(`stream source: ${errorMessage(error)}`);
      }
      if (!worked) await this.pause(this.options.pollIntervalMs ?? 250);
    }
  }

  /** One pass over the shards that may be read now; true when it found records. */
  private async pollShards(): Promise<boolean> {
    const shards = await this.listShards();
    const known = new Set(shards.map((shard) => shard.ShardId));
    let worked = false;
    for (const shard of shards) {
      const shardId = shard.ShardId;
      if (!shardId || this.checkpoint.shards[shardId]?.finished) continue;
      // A child shard waits until its parent is read to the end, so a key's changes stay in order.
      const parent = shard.ParentShardId;
      if (parent && known.has(parent) && !this.checkpoint.shards[parent]?.finished) continue;
      worked = (await this.pollShard(shardId)) || worked;
      if (this.stopping) throw new Stopping();
    }
    return worked;
  }

  private async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.options.streams.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  private async pollShard(shardId: string): Promise<boolean> {
    const iterator = await this.iteratorAfterCheckpoint(shardId);
    const { Records = [], NextShardIterator } = await this.options.streams.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: MAX_RECORDS_PER_READ }),
    );
    if (Records.length === 0) {
      if (!NextShardIterator) this.settle(shardId, { finished: true });
      return false;
    }
    await this.process(shardId, Records);
    return true;
  }

  private async iteratorAfterCheckpoint(shardId: string): Promise<string | undefined> {
    const after = this.checkpoint.shards[shardId]?.after;
    const request = { StreamArn: this.options.streamArn, ShardId: shardId };
    if (after) {
      try {
        const { ShardIterator } = await this.options.streams.send(
          new GetShardIteratorCommand({ ...request, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
        );
        return ShardIterator;
      } catch (error) {
        if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
        this.options.log(`stream source: records after ${after} in ${shardId} have expired; reading from the oldest kept`);
      }
    }
    const { ShardIterator } = await this.options.streams.send(
      new GetShardIteratorCommand({ ...request, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    return ShardIterator;
  }

  /** Delivers one read of a shard in batches, settling the position after each. */
  private async process(shardId: string, records: readonly StreamRecord[]): Promise<void> {
    let batch: DynamoDBRecord[] = [];
    for (const raw of records) {
      const record = this.toLambdaRecord(raw);
      if (passesFilters(this.filters, record)) batch.push(record);
      if (batch.length >= this.options.settings.batchSize) {
        await this.deliver(shardId, batch);
        batch = [];
      }
      // Nothing waits to be delivered: everything up to this record is settled (written below).
      if (batch.length === 0) this.settle(shardId, { after: record.dynamodb?.SequenceNumber }, false);
    }
    if (batch.length > 0) await this.deliver(shardId, batch);
    this.settle(shardId, { after: records.at(-1)?.dynamodb?.SequenceNumber });
  }

  /** Invokes until the batch succeeds or is given up; what succeeded is settled on the way. */
  private async deliver(shardId: string, batch: readonly DynamoDBRecord[]): Promise<void> {
    const { settings, log } = this.options;
    let remaining = batch;
    for (let retries = 0; ; retries += 1) {
      const outcome = await this.options.invoke({ Records: [...remaining] });
      if (this.stopping && outcome.status === 'failed') throw new Stopping();
      const failedAt = this.firstFailure(outcome, remaining);
      if (failedAt < 0) {
        log(`${settings.functionName}: ${remaining.length} stream record(s) delivered`);
        return;
      }
      if (failedAt > 0) {
        this.settle(shardId, { after: remaining[failedAt - 1]!.dynamodb?.SequenceNumber });
        remaining = remaining.slice(failedAt);
      }

      const firstCreated = (remaining[0]!.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000;
      const tooOld = Date.now() - firstCreated > settings.maxRecordAgeSeconds * 1000;
      if (retries >= settings.retryAttempts || tooOld) {
        this.giveUp(shardId, remaining, tooOld ? 'RecordAgeExceeded' : 'RetryAttemptsExhausted', retries + 1);
        this.settle(shardId, { after: remaining.at(-1)!.dynamodb?.SequenceNumber });
        return;
      }
      const reason = outcome.status === 'failed' ? `${outcome.reason}: ${outcome.message}` : 'a record was reported failed';
      log(`${settings.functionName}: ${remaining.length} stream record(s) left for retry (${reason})`);
      await this.pause(Math.min(MAX_RETRY_PAUSE_MS, 250 * 2 ** retries));
      if (this.stopping) throw new Stopping();
    }
  }

  /**
   * Index of the first record to retry, or -1 when the batch succeeded. As on Lambda: a failed
   * invocation retries everything, and so does a response naming a record not in the batch.
   */
  private firstFailure(outcome: InvocationOutcome, batch: readonly DynamoDBRecord[]): number {
    if (outcome.status === 'failed') return 0;
    if (!this.options.settings.reportBatchItemFailures) return -1;
    const failures = (outcome.response as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
    if (failures === undefined || failures === null) return -1;
    if (!Array.isArray(failures)) return 0;
    let first = -1;
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      const index = batch.findIndex((record) => record.dynamodb?.SequenceNumber === id);
      if (index < 0) return 0;
      first = first < 0 ? index : Math.min(first, index);
    }
    return first;
  }

  /** Describes a given-up batch as Lambda sends it to an on-failure destination. */
  private giveUp(shardId: string, batch: readonly DynamoDBRecord[], condition: string, invokeCount: number): void {
    const arrival = (record: DynamoDBRecord | undefined) =>
      new Date((record?.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000).toISOString();
    const description = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: this.options.settings.functionName,
        condition,
        approximateInvokeCount: invokeCount,
      },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: batch[0]?.dynamodb?.SequenceNumber,
        endSequenceNumber: batch.at(-1)?.dynamodb?.SequenceNumber,
        approximateArrivalOfFirstRecord: arrival(batch[0]),
        approximateArrivalOfLastRecord: arrival(batch.at(-1)),
        batchSize: batch.length,
        streamArn: this.options.streamArn,
      },
    };
    appendFileSync(this.options.failedBatchesFile, `${JSON.stringify(description)}\n`);
    this.options.log(`${this.options.settings.functionName}: gave up ${batch.length} stream record(s) (${condition})`);
  }

  /** Moves the shard's position forward; `persist` writes the checkpoint file at once. */
  private settle(shardId: string, position: { after?: string; finished?: boolean }, persist = true): void {
    const current = this.checkpoint.shards[shardId] ?? {};
    this.checkpoint = {
      ...this.checkpoint,
      shards: { ...this.checkpoint.shards, [shardId]: { ...current, ...position, after: position.after ?? current.after } },
    };
    if (persist) writeJsonAtomic(this.options.checkpointFile, this.checkpoint);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** The record as Lambda passes it: creation time in epoch seconds, binary values in base64. */
  private toLambdaRecord(raw: StreamRecord): DynamoDBRecord {
    const change = raw.dynamodb ?? {};
    return {
      eventID: raw.eventID,
      eventName: raw.eventName,
      eventVersion: raw.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.options.region,
      eventSourceARN: this.options.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: change.ApproximateCreationDateTime
          ? Math.floor(change.ApproximateCreationDateTime.getTime() / 1000)
          : undefined,
        Keys: toLambdaImage(change.Keys),
        NewImage: toLambdaImage(change.NewImage),
        OldImage: toLambdaImage(change.OldImage),
        SequenceNumber: change.SequenceNumber,
        SizeBytes: change.SizeBytes,
        StreamViewType: change.StreamViewType,
      },
    } as DynamoDBRecord;
  }
}

type LambdaImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

function toLambdaImage(image: Record<string, AttributeValue> | undefined): LambdaImage | undefined {
  if (!image) return undefined;
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)])) as LambdaImage;
}

function toLambdaValue(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((item) => Buffer.from(item).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  return value;
}
