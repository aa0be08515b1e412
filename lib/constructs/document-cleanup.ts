import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PURGE_FUNCTION } from '../../lambdas/purge/contract.js';
import { KEY_PREFIXES, NOTIFIED_PREFIXES } from '../../lambdas/shared/contract.js';
import { SWEEP_FUNCTION } from '../../lambdas/sweep/contract.js';
import { NodeFunction } from './node-function.js';

/** How a function behind the API is sized. */
export interface CleanupFunctionSizing {
  readonly memorySize: number;
  readonly timeout: Duration;
}

export interface DocumentCleanupProps {
  /** How often the sweeper runs. */
  readonly sweepInterval: Duration;
  /** The purge function's size and its event source. */
  readonly purge: CleanupFunctionSizing & {
    /** Purge requests per invocation. */
    readonly batchSize: number;
    /** Most concurrent purge invocations (2–1000). */
    readonly maxConcurrency: number;
    /** Deliveries of a purge request before it moves to the dead-letter queue. */
    readonly maxReceiveCount: number;
    readonly retentionPeriod: Duration;
    readonly deadLetterRetentionPeriod: Duration;
  };
  /** The sweeper's size. */
  readonly sweeper: CleanupFunctionSizing;
  /** Environment of the purge function. */
  readonly purgeEnvironment: Record<string, string>;
  /** Environment of the sweeper. */
  readonly sweepEnvironment: Record<string, string>;
  /** How long the functions' logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * What happens to the log groups and the purge dead-letter queue when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * What happens after the API has answered:
 * - the purge queue and function remove a deleted document's object versions, spilled results
 *   and pages (retried, then dead-lettered);
 * - the sweeper, on a schedule, fails uploads that never arrived (`UPLOAD_EXPIRED`) and runs
 *   purges whose request was lost, from the pending tasks the API writes with each record.
 */
export class DocumentCleanup extends Construct {
  public readonly purgeQueue: sqs.Queue;
  public readonly purgeDeadLetterQueue: sqs.Queue;
  public readonly purger: NodeFunction;
  public readonly sweeper: NodeFunction;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: DocumentCleanupProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // Purge requests: SSE-SQS, TLS only, dead-lettered after repeated failures.
    this.purgeDeadLetterQueue = new sqs.Queue(this, 'PurgeDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.purge.deadLetterRetentionPeriod,
      removalPolicy,
    });
    this.purgeQueue = new sqs.Queue(this, 'PurgeQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance for an SQS event source: six times the consumer's timeout.
      visibilityTimeout: Duration.seconds(6 * props.purge.timeout.toSeconds()),
      retentionPeriod: props.purge.retentionPeriod,
      deadLetterQueue: { queue: this.purgeDeadLetterQueue, maxReceiveCount: props.purge.maxReceiveCount },
    });

    // Purge function: one request at a time per record, failures reported one by one.
    this.purger = new NodeFunction(this, 'Purger', {
      entry: PURGE_FUNCTION.entry,
      description: "pdf-pipeline purge: removes a deleted document's objects, results and pages",
      memorySize: props.purge.memorySize,
      timeout: props.purge.timeout,
      logRetention: props.logRetention,
      logRemovalPolicy: removalPolicy,
      environment: props.purgeEnvironment,
    });
    this.purger.function.addEventSource(
      new SqsEventSource(this.purgeQueue, {
        batchSize: props.purge.batchSize,
        maxConcurrency: props.purge.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    // Sweeper: on a schedule, one run at a time.
    this.sweeper = new NodeFunction(this, 'Sweeper', {
      entry: SWEEP_FUNCTION.entry,
      description: 'pdf-pipeline sweeper: expires abandoned uploads and finishes lost purges',
      memorySize: props.sweeper.memorySize,
      timeout: props.sweeper.timeout,
      logRetention: props.logRetention,
      logRemovalPolicy: removalPolicy,
      environment: props.sweepEnvironment,
    });
    this.schedule = new events.Rule(this, 'SweepSchedule', {
      description: 'Runs the pdf-pipeline sweeper',
      schedule: events.Schedule.rate(props.sweepInterval),
      targets: [new targets.LambdaFunction(this.sweeper.function, { retryAttempts: 2, maxEventAge: props.sweepInterval })],
    });
  }

  /**
   * Lets the purge and the sweeper read and write records, pages and tasks in the table and
   * delete every version of originals and spilled results; the sweeper also reads uploads, to
   * tell whether an abandoned one arrived after all.
   */
  grantDocumentCleanup(bucket: s3.IBucket, table: dynamodb.ITable): void {
    for (const cleaner of [this.purger.function, this.sweeper.function]) {
      table.grantReadWriteData(cleaner);
      cleaner.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:ListBucketVersions'], resources: [bucket.bucketArn] }),
      );
      cleaner.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          resources: [...NOTIFIED_PREFIXES, KEY_PREFIXES.results].map((prefix) => bucket.arnForObjects(`${prefix}*`)),
        }),
      );
    }
    const uploadPrefixes = [KEY_PREFIXES.uploads, KEY_PREFIXES.bulkUploads];
    this.sweeper.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: uploadPrefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)) }),
    );
  }
}
