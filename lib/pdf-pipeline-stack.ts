import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { EXTRACT_ENV, KEY_PREFIXES, NOTIFIED_PREFIXES } from '../lambdas/shared/contract.js';
import { deriveSettings, extractionEnvironment, type EnvironmentConfig } from './config.js';
import { Extraction } from './constructs/extraction.js';
import { Ingestion } from './constructs/ingestion.js';
import { Storage } from './constructs/storage.js';
import { acknowledgeNagFindings } from './nag-suppressions.js';

export interface PdfPipelineStackProps extends StackProps {
  /** The environment's settings; every per-environment difference comes from here. */
  readonly config: EnvironmentConfig;
}

/**
 * One environment of pdf-pipeline: PDFs land in the bucket, their `ObjectCreated` events queue
 * up, and the extractor records each document's content in the table.
 *
 * The constructs only build their own resources; this stack connects them and grants access.
 */
export class PdfPipelineStack extends Stack {
  /** Document bucket, its access logs and the document table. */
  public readonly storage: Storage;
  /** Object-created notifications, the extraction queue and its dead-letter queue. */
  public readonly ingestion: Ingestion;
  /** The extractor function and its event source. */
  public readonly extraction: Extraction;

  constructor(scope: Construct, id: string, props: PdfPipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.storage.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // Storage: document bucket, access logs and the document table.
    this.storage = new Storage(this, 'Storage', {
      removalPolicy,
      noncurrentVersionExpiration: Duration.days(config.storage.noncurrentVersionExpirationDays),
      abortIncompleteMultipartUploadAfter: Duration.days(config.storage.abortIncompleteMultipartUploadDays),
      accessLogRetention: Duration.days(config.storage.accessLogRetentionDays),
    });
    const { bucket, table } = this.storage;

    // Ingestion: uploads and drop-folder objects queue up; `results/` never does.
    this.ingestion = new Ingestion(this, 'Ingestion', {
      bucket,
      notifiedPrefixes: NOTIFIED_PREFIXES,
      visibilityTimeout: Duration.seconds(deriveSettings(config).queueVisibilityTimeoutSeconds),
      retentionPeriod: Duration.days(config.queue.retentionDays),
      maxReceiveCount: config.queue.maxReceiveCount,
      deadLetterRetentionPeriod: Duration.days(config.queue.deadLetterRetentionDays),
    });

    // Extraction: consumes the queue, told where the bucket and table are.
    this.extraction = new Extraction(this, 'Extraction', {
      queue: this.ingestion.queue,
      memorySize: config.extraction.memoryMb,
      timeout: Duration.seconds(config.extraction.timeoutSeconds),
      reservedConcurrency: config.extraction.reservedConcurrency,
      maxConcurrency: config.extraction.maxConcurrency,
      batchSize: config.extraction.batchSize,
      maxBatchingWindow: Duration.seconds(config.extraction.maxBatchingWindowSeconds),
      logRetention: toRetentionDays(config.observability.logRetentionDays),
      logRemovalPolicy: removalPolicy,
      environment: {
        ...extractionEnvironment(config),
        [EXTRACT_ENV.tableName]: table.tableName,
        [EXTRACT_ENV.bucketName]: bucket.bucketName,
      },
    });

    // Grants: the extractor records documents, reads original object versions, lists the bucket
    // (so a vanished object reads as 404, not 403) and writes spilled results under `results/` only.
    const extractor = this.extraction.extractor.function;
    table.grantReadWriteData(extractor);
    extractor.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: NOTIFIED_PREFIXES.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
    extractor.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    extractor.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${KEY_PREFIXES.results}*`)],
      }),
    );

    // Outputs: what deploy scripts and integration tests look up.
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: 'Document bucket' });
    new CfnOutput(this, 'QueueUrl', { value: this.ingestion.queue.queueUrl, description: 'Extraction queue' });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.ingestion.deadLetterQueue.queueUrl,
      description: 'Extraction dead-letter queue',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'Document table' });

    acknowledgeNagFindings(this);
  }
}

/** CloudWatch Logs accepts only certain retention periods; a config typo fails here, not at deploy. */
function toRetentionDays(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((value): value is RetentionDays => typeof value === 'number');
  const match = allowed.find((value) => value === days);
  if (match === undefined) {
    throw new Error(`observability.logRetentionDays ${days} is not a CloudWatch Logs retention period`);
  }
  return match;
}
