import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface IngestionProps {
  /** The bucket whose `ObjectCreated` events are queued. */
  readonly bucket: s3.IBucket;
  /**
   * Key prefixes whose `ObjectCreated` events are queued, each a folder such as `uploads/`.
   * Prefix filters only: suffix filters are case-sensitive and would drop `.PDF` uploads.
   */
  readonly notifiedPrefixes: readonly string[];
  /**
   * How long a received message stays hidden; at least 6 × the consumer's timeout plus its
   * batching window, so a throttled batch is retried before the message becomes visible again.
   */
  readonly visibilityTimeout: Duration;
  /**
   * How long the queue keeps a message.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long the dead-letter queue keeps a message; longer than `retentionPeriod`, because a
   * message keeps its original enqueue time when it moves.
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;
  /**
   * What happens to the dead-letter queue when it leaves the stack: `RETAIN` keeps the messages
   * an operator still has to look at.
   * @default RemovalPolicy.DESTROY
   */
  readonly deadLetterRemovalPolicy?: RemovalPolicy;
}

/**
 * The way in: S3 `ObjectCreated` events under the notified prefixes land on an encrypted,
 * TLS-only queue whose repeatedly failing messages move to a dead-letter queue.
 */
export class Ingestion extends Construct {
  /** Object-created events waiting for extraction. */
  public readonly queue: sqs.Queue;
  /** Messages that failed `maxReceiveCount` times. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    for (const prefix of props.notifiedPrefixes) {
      if (!prefix.endsWith('/') || prefix.length < 2) {
        throw new Error(`Notified prefix "${prefix}" must be a folder such as "uploads/"; an empty prefix would queue every object`);
      }
    }

    // Queues: SSE-SQS, because S3 cannot publish to a queue under the aws/sqs KMS key.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetentionPeriod ?? Duration.days(14),
      removalPolicy: props.deadLetterRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    // Notifications: one rule per prefix; nothing else (such as `results/`) is queued.
    const destination = new SqsDestination(this.queue);
    for (const prefix of props.notifiedPrefixes) {
      props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, { prefix });
    }
  }
}
