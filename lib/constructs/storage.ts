import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE_LAYOUT } from '../../lambdas/shared/contract.js';

export interface StorageProps {
  /**
   * What happens to the bucket, its log bucket and the table when they leave the stack.
   * `DESTROY` also empties the buckets; `RETAIN` also turns on table deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long a replaced or deleted object version is kept.
   * @default Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * Document retention: objects under each of `expiringPrefixes` expire this long after they were
   * written (on a versioned bucket they become noncurrent, then go after `noncurrentVersionExpiration`).
   * @default - objects never expire
   */
  readonly documentExpiration?: Duration;
  /**
   * Key prefixes `documentExpiration` applies to: the originals and the spilled results.
   * @default - none
   */
  readonly expiringPrefixes?: readonly string[];
  /**
   * How long an unfinished multipart upload is kept before it is aborted.
   * @default Duration.days(1)
   */
  readonly abortIncompleteMultipartUploadAfter?: Duration;
  /**
   * How long server access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
  /**
   * The table's change stream, e.g. for document events.
   * @default - no stream
   */
  readonly tableStream?: dynamodb.StreamViewType;
}

/**
 * Where documents live: the document bucket (originals under `uploads/` and `incoming/`, spilled
 * results under `results/`), its access-log bucket, and the single table of document records.
 */
export class Storage extends Construct {
  /** Private, versioned document bucket; TLS only. */
  public readonly bucket: s3.Bucket;
  /** Receives the document bucket's server access logs. */
  public readonly accessLogBucket: s3.Bucket;
  /** Document records, on demand, with point-in-time recovery and TTL on `expiresAt`. */
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const destroyWithStack = removalPolicy === RemovalPolicy.DESTROY;

    // Access logs: a bucket of their own, which cannot log to itself.
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: props.accessLogRetention ?? Duration.days(365) }],
      removalPolicy,
      autoDeleteObjects: destroyWithStack,
    });

    // Documents: versioned so an overwrite or delete can be undone for a while, and expired
    // (originals and spilled results alike) once their retention has passed.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
          expiredObjectDeleteMarker: true,
        },
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: props.abortIncompleteMultipartUploadAfter ?? Duration.days(1),
        },
        // Retention: one rule per prefix, since a rule's filter takes a single prefix.
        ...(props.documentExpiration
          ? (props.expiringPrefixes ?? []).map((prefix) => ({
              id: `expire-${prefix.replace(/\/$/, '')}`,
              prefix,
              expiration: props.documentExpiration,
            }))
          : []),
      ],
      removalPolicy,
      autoDeleteObjects: destroyWithStack,
    });

    // Records: the single-table layout shared with the handlers.
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_LAYOUT.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_LAYOUT.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_LAYOUT.ttlAttribute,
      deletionProtection: !destroyWithStack,
      stream: props.tableStream,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_LAYOUT.ownerIndex.name,
      partitionKey: { name: TABLE_LAYOUT.ownerIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_LAYOUT.ownerIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // Identical uploads of one owner, by content (sparse: completed, undeleted documents only).
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_LAYOUT.contentIndex.name,
      partitionKey: { name: TABLE_LAYOUT.contentIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_LAYOUT.contentIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
  }
}
