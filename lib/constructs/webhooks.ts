import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WEBHOOK_DELIVERY } from '../../lambdas/webhooks/contract.js';
import { NodeFunction } from './node-function.js';

export interface WebhooksProps {
  /** The bus the document events are put on. */
  readonly bus: events.IEventBus;
  /** The document events' `source`, e.g. `pdf-pipeline.prod`. */
  readonly eventSource: string;
  /** The `detail-type`s that reach webhooks. */
  readonly detailTypes: readonly string[];
  /** Delivery function memory in MB. */
  readonly memorySize: number;
  /** Delivery function timeout: longer than one attempt's deadline, for a batch tried side by side. */
  readonly timeout: Duration;
  /** Messages per invocation. */
  readonly batchSize: number;
  /**
   * Receives of one message before it is dead-lettered: above the attempts of a delivery (each
   * attempt is a receive), with room for a few crashes.
   */
  readonly maxReceiveCount: number;
  /** How long the delivery queue keeps a message: longer than the retry schedule spans. */
  readonly retentionPeriod: Duration;
  readonly deadLetterRetentionPeriod: Duration;
  /** How long the delivery function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * What happens to the log group and the dead-letter queue when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Environment of the delivery function (the stack adds the table, queue and API URL). */
  readonly environment: Record<string, string>;
}

/**
 * Signed webhooks: an EventBridge rule sends every document event of this environment to the
 * delivery queue, where the delivery function fans each out to its owner's subscriptions and
 * makes the attempts (see `lambdas/webhooks/handler.ts`). Retries wait in the queue (the
 * message's visibility timeout is the backoff); messages that keep failing for other reasons
 * reach the dead-letter queue, which the monitoring alarms on.
 */
export class Webhooks extends Construct {
  /** Document events and delivery tasks. */
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly deliverer: NodeFunction;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: WebhooksProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // Queues: SSE-SQS, TLS only; the visibility timeout is AWS's guidance of six function timeouts.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetentionPeriod,
      removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'DeliveryQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(6 * props.timeout.toSeconds()),
      retentionPeriod: props.retentionPeriod,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });

    // The rule: this environment's document events, as they are, to the queue.
    this.rule = new events.Rule(this, 'DocumentEventsRule', {
      description: 'Document events to the pdf-pipeline webhook delivery queue',
      eventBus: props.bus,
      eventPattern: { source: [props.eventSource], detailType: [...props.detailTypes] },
      targets: [new targets.SqsQueue(this.queue, { retryAttempts: 185, maxEventAge: Duration.hours(24), deadLetterQueue: this.deadLetterQueue })],
    });

    // The delivery function: records of a batch side by side, failures reported one by one.
    this.deliverer = new NodeFunction(this, 'Deliverer', {
      entry: WEBHOOK_DELIVERY.entry,
      description: 'pdf-pipeline webhooks: delivers signed document events to subscribers',
      memorySize: props.memorySize,
      timeout: props.timeout,
      logRetention: props.logRetention,
      logRemovalPolicy: removalPolicy,
      environment: props.environment,
    });
    this.deliverer.function.addEventSource(new SqsEventSource(this.queue, { batchSize: props.batchSize, reportBatchItemFailures: true }));
    // Sends the tasks it fans out, and sets the wait before a retry.
    this.queue.grantSendMessages(this.deliverer.function);
    this.queue.grant(this.deliverer.function, 'sqs:ChangeMessageVisibility');
  }
}
