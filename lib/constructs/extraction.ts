import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NodeFunction } from './node-function.js';

export interface ExtractionProps {
  /** The queue of object-created events to consume. */
  readonly queue: sqs.IQueue;
  /** Function memory in MB; the PDF parser's worker thread gets part of it. */
  readonly memorySize: number;
  /** Function timeout. */
  readonly timeout: Duration;
  /**
   * Concurrency reserved for the function; never below `maxConcurrency`, or throttled
   * invocations push healthy messages into the dead-letter queue.
   * @default - none reserved
   */
  readonly reservedConcurrency?: number;
  /** Most concurrent invocations the event source starts (2–1000). */
  readonly maxConcurrency: number;
  /** Records per invocation. */
  readonly batchSize: number;
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
}

/**
 * The extractor: a function that takes a batch of object-created events from the queue, parses
 * each PDF in a worker thread and records the outcome, reporting failed records one by one.
 *
 * The bundle holds the handler (`index.mjs`), the worker (`extract-worker.mjs`, which the
 * handler starts from beside itself) and pdf.js's CMaps and standard fonts under `pdfjs/`, which
 * CJK and non-embedded-font documents need.
 */
export class Extraction extends Construct {
  /** The extraction function with its role and log group. */
  public readonly extractor: NodeFunction;

  constructor(scope: Construct, id: string, props: ExtractionProps) {
    super(scope, id);

    // Function: handler, worker thread and pdf.js assets in one bundle.
    this.extractor = new NodeFunction(this, 'Extractor', {
      entry: 'lambdas/extract/handler.ts',
      description: 'pdf-pipeline extractor: parses queued PDFs and records their content',
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      environment: props.environment,
      // pdf.js imports @napi-rs/canvas only to render; it is native and text extraction needs none.
      externalModules: ['@napi-rs/canvas'],
      extraBundles: [{ entry: 'lambdas/extract/extract-worker.ts', outfile: 'extract-worker.mjs' }],
      bundledDirectories: [
        { from: 'node_modules/pdfjs-dist/cmaps', to: 'pdfjs/cmaps' },
        { from: 'node_modules/pdfjs-dist/standard_fonts', to: 'pdfjs/standard_fonts' },
      ],
    });

    // Event source: partial batch responses, so one bad PDF does not retry its neighbours.
    this.extractor.function.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(0),
        maxConcurrency: props.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
}
