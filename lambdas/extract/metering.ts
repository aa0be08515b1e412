/**
 * Usage metering of the extraction function: what each run (one object's processing, or one
 * shard's) consumed, added to its owner's figures for the UTC day (`usage-store.ts`).
 *
 * The writes a run makes are counted where they leave the function, in the SDK clients' middleware,
 * rather than by the code that makes them: DynamoDB reports the write units each write consumed
 * (`ReturnConsumedCapacity`), which no caller could know from an item's size, and the pipeline's
 * writers (pages, records, shards, spilled results) stay free of metering. A write belongs to the
 * run whose asynchronous context made it (`AsyncLocalStorage`), not to whichever run is newest: a
 * run abandoned at the function timeout may still be waiting on a service when the environment
 * takes its next message, and its late writes must neither block that run nor be counted as its.
 *
 * Recording is best effort after the document's outcome: a failure to record is reported, never
 * retried (the message's redelivery would find the document finished and record nothing anyway).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_LAYOUT } from '../shared/contract.js';
import { classifyObjectKey } from '../shared/s3-keys.js';
import { meterDocument, usageDayOf, type Consumption } from '../shared/usage.js';
import type { UsageMeter } from '../shared/usage-store.js';
import type { ProcessingOutcome } from './process-object.js';
import type { CreatedObject } from './s3-event.js';

/** What one run wrote, as counted by the clients' middleware. */
export interface RunFigures {
  /** DynamoDB write request units consumed. */
  readonly dynamoDbWrites: number;
  /** S3 PUTs and COPYs. */
  readonly s3Writes: number;
  /** Bytes put to S3 (copies are counted as writes only: S3 does not say what a copy stored). */
  readonly resultBytes: number;
  /** Page items written, and those among them whose text came from OCR. */
  readonly pagesWritten: number;
  readonly ocrPagesWritten: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const emptyFigures = (): Mutable<RunFigures> => ({ dynamoDbWrites: 0, s3Writes: 0, resultBytes: 0, pagesWritten: 0, ocrPagesWritten: 0 });

/** The figures of the run whose context a write is made in; none outside runs (cold start, warm-up, the usage write). */
const runs = new AsyncLocalStorage<Mutable<RunFigures>>();

const PAGE_SORT_PREFIX = 'PAGE#';
const DYNAMODB_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

/**
 * Counts the DynamoDB and S3 writes of the run in progress. Installed once per execution
 * environment on the function's shared clients.
 */
export function meterClientWrites(dynamoDb: DynamoDBDocumentClient, s3: S3Client): void {
  dynamoDb.middlewareStack.add(
    (next, context) => async (args) => {
      const run = runs.getStore();
      if (!run || !DYNAMODB_WRITES.has(context.commandName ?? '')) return next(args);
      const input = args.input as Record<string, unknown>;
      const result = await next({ ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } });
      addDynamoDbWrite(run, context.commandName!, input, result.output as Record<string, unknown>);
      return result;
    },
    { step: 'initialize', name: 'usageMeterDynamoDb' },
  );
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const run = runs.getStore();
      const result = await next(args);
      if (run && (context.commandName === 'PutObjectCommand' || context.commandName === 'CopyObjectCommand')) {
        run.s3Writes += 1;
        run.resultBytes += bodyBytes((args.input as { Body?: unknown }).Body);
      }
      return result;
    },
    { step: 'initialize', name: 'usageMeterS3' },
  );
}

/** Adds one write's units (reported, or one per item where the service reports none) and its page items. */
export function addDynamoDbWrite(run: Mutable<RunFigures>, commandName: string, input: Record<string, unknown>, output: Record<string, unknown>): void {
  const items = commandName === 'BatchWriteItemCommand' ? batchItems(input) : [];
  for (const item of items) {
    if (String(item[TABLE_LAYOUT.sortKey] ?? '').startsWith(PAGE_SORT_PREFIX)) {
      run.pagesWritten += 1;
      if (item.textSource === 'ocr') run.ocrPagesWritten += 1;
    }
  }
  const consumed = [output.ConsumedCapacity].flat().filter(Boolean) as { CapacityUnits?: number }[];
  const reported = consumed.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
  if (reported > 0) {
    run.dynamoDbWrites += reported;
    return;
  }
  const transactItems = (input.TransactItems as unknown[] | undefined)?.length ?? 0;
  run.dynamoDbWrites += commandName === 'BatchWriteItemCommand' ? Math.max(items.length, 1) : commandName === 'TransactWriteItemsCommand' ? 2 * transactItems : 1;
}

function batchItems(input: Record<string, unknown>): Record<string, unknown>[] {
  const requests = Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item?: Record<string, unknown> } }[]>).flat();
  return requests.map((request) => request.PutRequest?.Item ?? {});
}

function bodyBytes(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}

/** Everything `consumptionOfRun` needs to know of a run. */
export interface RunReport {
  readonly object: CreatedObject;
  /** The core's outcome; absent when the run threw (it will be retried). */
  readonly outcome?: ProcessingOutcome;
  readonly figures: RunFigures;
  readonly durationMs: number;
  readonly memoryMb: number;
  /** The engine OCR pages are counted under. */
  readonly ocrEngine: string;
}

/** The owner a run's usage belongs to: the owner segment of the object's key, if it has one. */
export function ownerOfObject(object: CreatedObject): string | undefined {
  const kind = classifyObjectKey(object.key);
  return kind.kind === 'upload' || kind.kind === 'drop-folder' ? kind.ownerId : undefined;
}

/**
 * What a run consumed, or `undefined` when nothing is to be recorded: an object that is no document
 * or has no owner, or a run that found nothing to do (a duplicate, stale, expired or deleted event).
 *
 * The document counts once, on the run that records its outcome (with its source's bytes); a shard or
 * an attempt that will be retried counts its resources only. A `dead-letter` run that wrote nothing
 * found the document already given up (a redelivery on its way to the DLQ): not a second failure.
 */
export function consumptionOfRun(report: RunReport): Consumption | undefined {
  const { outcome, figures } = report;
  if (ownerOfObject(report.object) === undefined) return undefined;
  if (outcome?.status === 'ignored') return undefined;
  if (outcome?.status === 'skipped' && outcome.reason !== 'superseded') return undefined;
  const kind = ((): 'completed' | 'failed' | 'reused' | 'partial' => {
    switch (outcome?.status) {
      case 'completed':
        return outcome.reusedFrom === undefined ? 'completed' : 'reused';
      case 'failed':
        return 'failed';
      case 'dead-letter':
        return figures.dynamoDbWrites > 0 ? 'failed' : 'partial';
      default:
        return 'partial';
    }
  })();
  return meterDocument({
    outcome: kind,
    pages: figures.pagesWritten,
    ...(figures.ocrPagesWritten > 0 ? { ocrPages: { [report.ocrEngine]: figures.ocrPagesWritten } } : {}),
    durationMs: report.durationMs,
    memoryMb: report.memoryMb,
    sourceBytes: kind === 'partial' ? 0 : report.object.size,
    resultBytes: figures.resultBytes,
    s3Writes: figures.s3Writes,
    // The usage item's own update is one more unit.
    dynamoDbWrites: figures.dynamoDbWrites + 1,
  });
}

export interface RunMeterOptions {
  readonly usage: Pick<UsageMeter, 'recordUsage'>;
  /** The function's memory size, MB. */
  readonly memoryMb: number;
  readonly ocrEngine: string;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Told when a run's figures could not be recorded. */
  readonly onNotRecorded?: (error: unknown, consumption: Consumption) => void;
}

/** Measures runs, each in its own context however they overlap, and records what each consumed. */
export class RunMeter {
  private readonly now: () => number;

  constructor(private readonly options: RunMeterOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Runs `work` as a run of its own, then records its consumption under its owner and the UTC day
   * it ended. Returns (or throws) what `work` did; the consumption is returned for the log.
   */
  async measure(object: CreatedObject, work: () => Promise<ProcessingOutcome>): Promise<{ outcome: ProcessingOutcome; consumption?: Consumption }> {
    const figures = emptyFigures();
    const startedAt = this.now();
    let outcome: ProcessingOutcome;
    try {
      outcome = await runs.run(figures, work);
    } catch (error) {
      await this.record(object, undefined, figures, startedAt);
      throw error;
    }
    // Recorded outside the run's context: the usage write itself is not the run's.
    return { outcome, consumption: await this.record(object, outcome, figures, startedAt) };
  }

  private async record(object: CreatedObject, outcome: ProcessingOutcome | undefined, figures: RunFigures, startedAt: number): Promise<Consumption | undefined> {
    const endedAt = this.now();
    const consumption = consumptionOfRun({
      object,
      outcome,
      figures,
      durationMs: Math.max(0, endedAt - startedAt),
      memoryMb: this.options.memoryMb,
      ocrEngine: this.options.ocrEngine,
    });
    if (!consumption) return undefined;
    try {
      await this.options.usage.recordUsage(ownerOfObject(object)!, usageDayOf(endedAt), consumption);
    } catch (error) {
      this.options.onNotRecorded?.(error, consumption);
    }
    return consumption;
  }
}
