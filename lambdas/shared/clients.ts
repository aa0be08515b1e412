import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients, created once per execution environment and reused across invocations.
 *
 * Endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, which the local
 * runtime sets to the emulators; `S3_FORCE_PATH_STYLE` is needed there because the emulator
 * is addressed by IP, where virtual-hosted bucket names cannot resolve.
 *
 * Each is marked pure so a function's bundle keeps only the clients it uses.
 */
export const s3Client = /* @__PURE__ */ new S3Client({
  forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true',
  maxAttempts: 4,
});

export const dynamoDbClient = /* @__PURE__ */ DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 4 }), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
});

/**
 * The queue URL's host is not used as the endpoint: on AWS it is the regional endpoint anyway,
 * and locally fauxqs's URLs name `*.localhost` hosts while `AWS_ENDPOINT_URL_SQS` is what works.
 */
export const sqsClient = /* @__PURE__ */ new SQSClient({ maxAttempts: 4, useQueueUrlAsEndpoint: false });
