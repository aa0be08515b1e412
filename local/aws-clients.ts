/** SDK clients for the emulators, configured from the runtime's outputs. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

/** The flat `outputs.json`: the stack's outputs plus what a client needs to reach the emulators. */
export interface LocalOutputs {
  readonly BucketName: string;
  /** The interactive lane's extraction queue and its dead-letter queue. */
  readonly QueueUrl: string;
  readonly DeadLetterQueueUrl: string;
  /** The bulk lane's extraction queue and its dead-letter queue. */
  readonly BulkQueueUrl: string;
  readonly BulkDeadLetterQueueUrl: string;
  /** Each lane's shard queue (page ranges of long documents) and its dead-letter queue. */
  readonly ShardQueueUrl: string;
  readonly ShardDeadLetterQueueUrl: string;
  readonly BulkShardQueueUrl: string;
  readonly BulkShardDeadLetterQueueUrl: string;
  readonly TableName: string;
  /** fauxqs: S3 and SQS. */
  readonly AwsEndpoint: string;
  readonly DynamoDbEndpoint: string;
  readonly Region: string;
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  /** The API's base URL (routes start with `/v1`), no trailing slash. */
  readonly ApiUrl: string;
  /** The API's upload limits (byte counts, as strings), as the stack outputs them. */
  readonly MaxDirectUploadBytes?: string;
  readonly MaxPresignedUploadBytes?: string;
  /** Locally, placeholders naming the local token authority (`npm run token`). */
  readonly UserPoolId: string;
  readonly UserPoolClientId: string;
  /** The web uploader, when the runtime serves it (`npm start` does). */
  readonly WebUrl?: string;
  /** The bus document events go to, and the local stand-in's endpoint. */
  readonly EventBusName: string;
  readonly EventBusEndpoint: string;
  /** The NDJSON log of the events put on the bus (`npm run events` follows it). */
  readonly EventLog: string;
  /** Webhook deliveries: document events from the bus and delivery tasks, and their dead-letter queue. */
  readonly WebhookQueueUrl?: string;
  readonly WebhookDeadLetterQueueUrl?: string;
}

export interface EmulatorEndpoints {
  readonly awsEndpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The local event bus (EventBridge `PutEvents`), when there is one. */
  readonly eventBusEndpoint?: string;
}

export interface AwsClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly dynamoDb: DynamoDBClient;
  readonly dynamoDbStreams: DynamoDBStreamsClient;
  destroy(): void;
}

export function endpointsFromOutputs(outputs: LocalOutputs): EmulatorEndpoints {
  return {
    awsEndpoint: outputs.AwsEndpoint,
    dynamoDbEndpoint: outputs.DynamoDbEndpoint,
    region: outputs.Region,
    credentials: { accessKeyId: outputs.AccessKeyId, secretAccessKey: outputs.SecretAccessKey },
    eventBusEndpoint: outputs.EventBusEndpoint,
  };
}

export function createAwsClients(endpoints: EmulatorEndpoints): AwsClients {
  const common = { region: endpoints.region, credentials: { ...endpoints.credentials } };
  // The explicit endpoint matters for SQS too: fauxqs's queue URLs name a `*.localhost` host.
  const s3 = new S3Client({ ...common, endpoint: endpoints.awsEndpoint, forcePathStyle: true });
  const sqs = new SQSClient({ ...common, endpoint: endpoints.awsEndpoint });
  const dynamoDb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamoDbEndpoint });
  const dynamoDbStreams = new DynamoDBStreamsClient({ ...common, endpoint: endpoints.dynamoDbEndpoint });
  return {
    s3,
    sqs,
    dynamoDb,
    dynamoDbStreams,
    destroy: () => {
      s3.destroy();
      sqs.destroy();
      dynamoDb.destroy();
      dynamoDbStreams.destroy();
    },
  };
}
