/** SDK clients for the emulators, configured from the runtime's outputs. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

/** The flat `outputs.json`: the stack's outputs plus what a client needs to reach the emulators. */
export interface LocalOutputs {
  readonly BucketName: string;
  readonly QueueUrl: string;
  readonly DeadLetterQueueUrl: string;
  readonly TableName: string;
  /** fauxqs: S3 and SQS. */
  readonly AwsEndpoint: string;
  readonly DynamoDbEndpoint: string;
  readonly Region: string;
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
}

export interface EmulatorEndpoints {
  readonly awsEndpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface AwsClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly dynamoDb: DynamoDBClient;
  destroy(): void;
}

export function endpointsFromOutputs(outputs: LocalOutputs): EmulatorEndpoints {
  return {
    awsEndpoint: outputs.AwsEndpoint,
    dynamoDbEndpoint: outputs.DynamoDbEndpoint,
    region: outputs.Region,
    credentials: { accessKeyId: outputs.AccessKeyId, secretAccessKey: outputs.SecretAccessKey },
  };
}

export function createAwsClients(endpoints: EmulatorEndpoints): AwsClients {
  const common = { region: endpoints.region, credentials: { ...endpoints.credentials } };
  // The explicit endpoint matters for SQS too: fauxqs's queue URLs name a `*.localhost` host.
  const s3 = new S3Client({ ...common, endpoint: endpoints.awsEndpoint, forcePathStyle: true });
  const sqs = new SQSClient({ ...common, endpoint: endpoints.awsEndpoint });
  const dynamoDb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamoDbEndpoint });
  return {
    s3,
    sqs,
    dynamoDb,
    destroy: () => {
      s3.destroy();
      sqs.destroy();
      dynamoDb.destroy();
    },
  };
}
