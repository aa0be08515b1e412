import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TERMINAL_RECORD_FILTER } from '../../lambdas/shared/document-events.js';
import { DOCUMENT_EVENTS_FUNCTION } from '../../lambdas/document-events/contract.js';
import { NodeFunction } from './node-function.js';

export interface DocumentEventsProps {
  /** The document table; it must have a NEW_AND_OLD_IMAGES stream. */
  readonly table: dynamodb.ITable;
  /** Name or ARN of the bus events go to; `default` is the account's default bus. */
  readonly eventBusName: string;
  /** How long a change may wait for its event before it is given up to `failedEvents`. */
  readonly maxRecordAge: Duration;
  /**
   * Records per invocation.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Retries of a failing batch before it is given up (each resumes at the failed record).
   * @default 100
   */
  readonly retryAttempts?: number;
  /**
   * Publisher memory in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Publisher timeout.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /** How long the publisher's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * What happens to the publisher's log group and the failed-events queue when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Environment of the publisher: bus, event source, Powertools settings.
   * @default - none
   */
  readonly environment?: Record<string, string>;
}

/**
 * Document events: the table's change stream feeds a small function that puts a
 * `Document Completed` or `Document Failed` event on EventBridge for every change that leaves a
 * document terminal (see `lambdas/shared/document-events.ts`).
 *
 * Only terminal document records reach the function (event filtering); a batch that keeps failing
 * goes, as stream metadata, to the failed-events queue, which the monitoring alarms on.
 */
export class DocumentEvents extends Construct {
  /** The function that turns table changes into events. */
  public readonly publisher: NodeFunction;
  /** The bus events are put on. */
  public readonly bus: events.IEventBus;
  /** Where the stream's failed batches (shard and sequence range, not the records) end up. */
  public readonly failedEvents: sqs.Queue;

  constructor(scope: Construct, id: string, props: DocumentEventsProps) {
    super(scope, id);
    if (!props.table.tableStreamArn) {
      throw new Error('DocumentEvents needs a table with a stream (NEW_AND_OLD_IMAGES)');
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // Bus: the default bus or one named in the config; this stack does not own it.
    this.bus = props.eventBusName.startsWith('arn:')
      ? events.EventBus.fromEventBusArn(this, 'Bus', props.eventBusName)
      : events.EventBus.fromEventBusName(this, 'Bus', props.eventBusName);

    // Failed batches: SQS keeps them 14 days, long after the stream has dropped the records.
    this.failedEvents = new sqs.Queue(this, 'FailedEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });

    // Publisher: small and quick; one PutEvents call per terminal change.
    this.publisher = new NodeFunction(this, 'Publisher', {
      entry: DOCUMENT_EVENTS_FUNCTION.entry,
      description: 'pdf-pipeline document events: puts Document Completed/Failed events on EventBridge',
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      logRetention: props.logRetention,
      logRemovalPolicy: removalPolicy,
      environment: props.environment,
    });
    this.bus.grantPutEventsTo(this.publisher.function);

    // Event source: in order per shard, terminal document records only, partial batch responses.
    this.publisher.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize ?? 10,
        retryAttempts: props.retryAttempts ?? 100,
        maxRecordAge: props.maxRecordAge,
        bisectBatchOnError: false,
        reportBatchItemFailures: true,
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.failedEvents),
        filters: [lambda.FilterCriteria.filter(TERMINAL_RECORD_FILTER)],
      }),
    );
  }
}
