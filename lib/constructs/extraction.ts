import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OCR_WORKER_BUNDLE, ocrBundleFiles } from '../../lambdas/extract/ocr/tesseract-assets.js';
import { LANES, type Lane } from '../../lambdas/shared/contract.js';
import { NodeFunction } from './node-function.js';

/** One priority lane as the extractor consumes it. */
export interface ExtractionLane {
  /** The lane's queue of object-created events. */
  readonly queue: sqs.IQueue;
  /** Most concurrent invocations this lane's event source starts (2–1000). */
  readonly maxConcurrency: number;
  /** The lane's queue of page-range shards, consumed one message per invocation. */
  readonly shardQueue: sqs.IQueue;
  /** Most concurrent invocations the lane's shard event source starts (2–1000). */
  readonly shardMaxConcurrency: number;
}

export interface ExtractionProps {
  /**
   * The lanes to consume, each through its own event source, so a full bulk lane never holds
   * back the interactive one.
   */
  readonly lanes: Readonly<Record<Lane, ExtractionLane>>;
  /** Function memory in MB; the PDF parser's worker thread gets part of it. */
  readonly memorySize: number;
  /** Function timeout. */
  readonly timeout: Duration;
  /**
   * Concurrency reserved for the function; never below the lanes' maximum concurrencies
   * together, or throttled invocations push healthy messages into the dead-letter queues.
   * @default - none reserved
   */
  readonly reservedConcurrency?: number;
  /** Records per invocation, in every lane. */
  readonly batchSize: number;
  /** Shard messages per invocation, in every lane's shard queue (each is a full budget of work). */
  readonly shardBatchSize: number;
  /**
   * How long the event source gathers records before invoking.
   * @default Duration.seconds(0)
   */
  readonly maxBatchingWindow?: Duration;
  /** How long function logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * What happens to the function's log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Environment of the function, e.g. its limits.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Tesseract languages whose traineddata ships for OCR in the function, with the OCR worker
   * and its core under `ocr/`.
   * @default - no OCR assets shipped
   */
  readonly ocrLanguages?: readonly string[];
  /**
   * The tokenizer encoding the Markdown's chunks are counted with, shipped beside the handler as
   * `tokenizer-<name>.mjs` (only this one: each is megabytes of ranks).
   * @default - none shipped: Markdown off
   */
  readonly markdownTokenizer?: 'o200k_base' | 'cl100k_base';
}

/**
 * The extractor: a function that takes batches of object-created events from each lane's queue, parses
 * each PDF in a worker thread and records the outcome, reporting failed records one by one.
 *
 * The bundle holds the handler (`index.mjs`), the worker (`extract-worker.mjs`, which the
 * handler starts from beside itself) and PDFium's WebAssembly module under `pdfium/`, which
 * the worker reads from disk (it is never fetched). The same `.wasm` runs on arm64 and x86. With
 * OCR languages, `ocr/` holds the OCR worker (`tesseract-worker.mjs`), one Tesseract core build
 * (loader and .wasm) and the gzipped traineddata of each language and of orientation detection.
 */
export class Extraction extends Construct {
  /** The extraction function with its role and log group. */
  public readonly extractor: NodeFunction;
  /** Each lane's event source on the function. */
  public readonly eventSources: Readonly<Record<Lane, SqsEventSource>>;
  /** Each lane's shard event source on the function. */
  public readonly shardEventSources: Readonly<Record<Lane, SqsEventSource>>;

  constructor(scope: Construct, id: string, props: ExtractionProps) {
    super(scope, id);

    // Function: handler, worker thread and PDFium in one bundle.
    this.extractor = new NodeFunction(this, 'Extractor', {
      entry: 'lambdas/extract/handler.ts',
      description: 'pdf-pipeline extractor: parses queued PDFs and records their content',
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      environment: props.environment,
      extraBundles: [
        { entry: 'lambdas/extract/extract-worker.ts', outfile: 'extract-worker.mjs' },
        ...(props.ocrLanguages ? [OCR_WORKER_BUNDLE] : []),
        ...(props.markdownTokenizer
          ? [{ entry: `lambdas/extract/markdown/encodings/${props.markdownTokenizer}.ts`, outfile: `tokenizer-${props.markdownTokenizer}.mjs`, data: true }]
          : []),
      ],
      // Loaded from beside the bundle (above) rather than bundled into it.
      externalModules: ['gpt-tokenizer/encoding/o200k_base', 'gpt-tokenizer/encoding/cl100k_base'],
      bundledAssets: [
        { from: 'node_modules/@embedpdf/pdfium/dist/pdfium.wasm', to: 'pdfium/pdfium.wasm' },
        { from: 'node_modules/@embedpdf/pdfium/LICENSE.pdfium', to: 'pdfium/LICENSE.pdfium' },
        ...(props.ocrLanguages ? ocrBundleFiles(props.ocrLanguages) : []),
      ],
      // Generated by `npm run licenses` from this bundle's own inputs.
      licenseNotice: 'docs/THIRD-PARTY-LICENSES.md',
    });

    // Event sources: one per lane, alike but for their maximum concurrency; partial batch
    // responses, so one bad PDF does not retry its neighbours.
    const consumer = this.extractor.alias;
    const eventSources = {} as Record<Lane, SqsEventSource>;
    for (const lane of LANES) {
      eventSources[lane] = new SqsEventSource(props.lanes[lane].queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(0),
        maxConcurrency: props.lanes[lane].maxConcurrency,
        reportBatchItemFailures: true,
      });
      consumer.addEventSource(eventSources[lane]);
    }
    this.eventSources = eventSources;

    // Shard event sources: one shard per invocation, so a long document's ranges are read side
    // by side rather than one after another in a batch; a lane's own maximum concurrency bounds
    // how many run at once, apart from the lane's new documents.
    const shardEventSources = {} as Record<Lane, SqsEventSource>;
    for (const lane of LANES) {
      shardEventSources[lane] = new SqsEventSource(props.lanes[lane].shardQueue, {
        batchSize: props.shardBatchSize,
        maxBatchingWindow: Duration.seconds(0),
        maxConcurrency: props.lanes[lane].shardMaxConcurrency,
        reportBatchItemFailures: true,
      });
      consumer.addEventSource(shardEventSources[lane]);
    }
    this.shardEventSources = shardEventSources;
  }
}
