import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LANES, type Lane } from '../../lambdas/shared/contract.js';

/**
 * What a lane's ids start with: nothing for the interactive lane, which keeps the ids the single
 * queue had (so an update of an existing stack keeps its queues and the messages on them), the
 * lane's name otherwise (`Bulk`). The stack's outputs follow the same rule.
 */
export const laneIdPrefix = (lane: Lane): string => (lane === 'interactive' ? '' : `${lane[0]!.toUpperCase()}${lane.slice(1)}`);

export interface IngestionProps {
  /** The bucket whose `ObjectCreated` events are queued. */
  readonly bucket: s3.IBucket;
  /**
   * Each lane's key prefixes: `ObjectCreated` events under them go to that lane's queue. Each a
   * folder such as `uploads/`, none inside another. Prefix filters only: suffix filters are
   * case-sensitive and would drop `.PDF` uploads.
   */
  readonly lanePrefixes: Readonly<Record<Lane, readonly string[]>>;
  /**
   * How long a received message stays hidden; at least 6 × the consumer's timeout plus its
   * batching window, so a throttled batch is retried before the message becomes visible again.
   */
  readonly visibilityTimeout: Duration;
  /**
   * How long a queue keeps a message.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
  /**
   * Receives before a message moves to its dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a dead-letter queue keeps a message; longer than `retentionPeriod`, because a
   * message keeps its original enqueue time when it moves.
   * @default Duration.days(14)
   */
  readonly deadLetterRetentionPeriod?: Duration;
  /**
   * What happens to the dead-letter queues when they leave the stack: `RETAIN` keeps the
   * messages an operator still has to look at.
   * @default RemovalPolicy.DESTROY
   */
  readonly deadLetterRemovalPolicy?: RemovalPolicy;
}

/** One priority lane: its queue, the dead-letter queue behind it, and the prefixes that feed it. */
export interface LaneQueues {
  /** Object-created events waiting for extraction. */
  readonly queue: sqs.Queue;
  /** Messages that failed `maxReceiveCount` times. */
  readonly deadLetterQueue: sqs.Queue;
  /** Key prefixes whose `ObjectCreated` events land on `queue`. */
  readonly prefixes: readonly string[];
  /** Page-range shards of the lane's long documents, each read by an invocation of its own. */
  readonly shardQueue: sqs.Queue;
  /** Shard messages that failed `maxReceiveCount` times (their document is FAILED/POISON by then). */
  readonly shardDeadLetterQueue: sqs.Queue;
}

/**
 * The way in: S3 `ObjectCreated` events land, by key prefix, on one encrypted, TLS-only queue
 * per priority lane, whose repeatedly failing messages move to that lane's dead-letter queue.
 * Each lane also has a shard queue (and its dead-letter queue) for the page ranges of its long
 * documents. The queues are alike in every setting; only what feeds them differs.
 */
export class Ingestion extends Construct {
  /** Each lane's queues. */
  public readonly lanes: Readonly<Record<Lane, LaneQueues>>;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    const allPrefixes = LANES.flatMap((lane) => props.lanePrefixes[lane]);
    for (const prefix of allPrefixes) {
      if (!prefix.endsWith('/') || prefix.length < 2) {
        throw new Error(`Notified prefix "${prefix}" must be a folder such as "uploads/"; an empty prefix would queue every object`);
      }
      // S3 refuses overlapping filters, and a key under both would be extracted twice.
      const overlapping = allPrefixes.filter((other) => other.startsWith(prefix));
      if (overlapping.length > 1) throw new Error(`Notified prefixes overlap: ${overlapping.join(', ')}`);
    }

    const lanes = {} as Record<Lane, LaneQueues>;
    for (const lane of LANES) {
      const idPrefix = laneIdPrefix(lane);

      // Queues: SSE-SQS, because S3 cannot publish to a queue under the aws/sqs KMS key.
      const { queue, deadLetterQueue } = this.queueWithDeadLetters(props, idPrefix);
      // Shard queues: the same settings (the visibility rule included), fed by the extractor only.
      const shards = this.queueWithDeadLetters(props, `${idPrefix}Shard`);

      // Notifications: one rule per prefix; nothing else (such as `results/`) is queued.
      const destination = new SqsDestination(queue);
      for (const prefix of props.lanePrefixes[lane]) {
        props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, { prefix });
      }
      lanes[lane] = {
        queue,
        deadLetterQueue,
        prefixes: [...props.lanePrefixes[lane]],
        shardQueue: shards.queue,
        shardDeadLetterQueue: shards.deadLetterQueue,
      };
    }
    this.lanes = lanes;
  }

  /** A source queue and the dead-letter queue its repeatedly failing messages move to. */
  private queueWithDeadLetters(props: IngestionProps, idPrefix: string): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
    const deadLetterQueue = new sqs.Queue(this, `${idPrefix}DeadLetterQueue`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetentionPeriod ?? Duration.days(14),
      removalPolicy: props.deadLetterRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    const queue = new sqs.Queue(this, `${idPrefix}Queue`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    return { queue, deadLetterQueue };
  }
}
