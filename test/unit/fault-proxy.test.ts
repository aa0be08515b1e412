import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTransientAwsError } from '../../lambdas/shared/errors.js';
import { SERVICE_ERRORS, startFaultProxy, type FaultProxy } from '../../local/fault-proxy.js';

/** A stand-in emulator: records what reaches it and answers as DynamoDB, SQS or S3 would, minimally. */
interface Upstream {
  readonly url: string;
  readonly received: { method: string; url: string; target?: string; body: string }[];
  close(): Promise<void>;
}

async function startUpstream(): Promise<Upstream> {
  const received: Upstream['received'] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = request.headers['x-amz-target'] as string | undefined;
      received.push({ method: request.method!, url: request.url!, target, body: Buffer.concat(chunks).toString() });
      if (target?.startsWith('AmazonSQS.')) {
        response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ Attributes: { ApproximateNumberOfMessages: '3' } }));
      } else if (target) {
        response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ Item: { pk: { S: 'from-upstream' } } }));
      } else if (request.method === 'GET') {
        response.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': '20' }).end('%PDF-1.7 twenty byte');
      } else {
        response.writeHead(200, { ETag: '"etag"' }).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let upstream: Upstream;
let proxy: FaultProxy;
let dynamoDb: DynamoDBClient;
let s3: S3Client;
let sqs: SQSClient;

beforeEach(async () => {
  upstream = await startUpstream();
  proxy = await startFaultProxy({ awsTarget: upstream.url, dynamoDbTarget: upstream.url });
  // One attempt each: the test sees what the proxy answered, not what retries made of it.
  dynamoDb = new DynamoDBClient({ endpoint: proxy.dynamoDbEndpoint, region: 'eu-west-1', credentials, maxAttempts: 1 });
  s3 = new S3Client({ endpoint: proxy.awsEndpoint, region: 'eu-west-1', credentials, forcePathStyle: true, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: proxy.awsEndpoint, region: 'eu-west-1', credentials, maxAttempts: 1 });
});

afterEach(async () => {
  for (const client of [dynamoDb, s3, sqs]) client.destroy();
  await proxy.stop();
  await upstream.close();
});

const getItem = (pk: string) => dynamoDb.send(new GetItemCommand({ TableName: 'documents', Key: { pk: { S: pk } } }));
const putItem = (pk: string) => dynamoDb.send(new PutItemCommand({ TableName: 'documents', Item: { pk: { S: pk } } }));
const getObject = (key: string) => s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: key }));

describe('fault proxy, passing through', () => {
  it('forwards unmatched requests unchanged and counts them by service and operation', async () => {
    // Act
    const item = await getItem('DOC#a');
    const object = await getObject('incoming/user-1/a.pdf');
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: 'http://queue/000000000000/q', AttributeNames: ['All'] }));

    // Assert
    expect(item.Item).toEqual({ pk: { S: 'from-upstream' } });
    expect(await object.Body!.transformToString()).toBe('%PDF-1.7 twenty byte');
    expect(attributes.Attributes).toEqual({ ApproximateNumberOfMessages: '3' });
    expect(upstream.received.map((request) => request.target ?? `${request.method} ${request.url}`)).toEqual([
      'DynamoDB_20120810.GetItem',
      expect.stringMatching(/^GET \/bucket\/incoming\/user-1\/a\.pdf/),
      'AmazonSQS.GetQueueAttributes',
    ]);
    expect(proxy.counts()).toEqual({
      'dynamodb:GetItem': { requests: 1, injected: 0 },
      's3:GetObject': { requests: 1, injected: 0 },
      'sqs:GetQueueAttributes': { requests: 1, injected: 0 },
    });
  });
});

describe('fault proxy, errors in each service’s own shape', () => {
  it.each([
    ['provisionedThroughputExceeded', 400, 'ProvisionedThroughputExceededException'],
    ['throttling', 400, 'ThrottlingException'],
    ['internalServerError', 500, 'InternalServerError'],
  ] as const)('DynamoDB %s: the SDK raises %s (%i), which the pipeline counts as transient', async (preset, status, name) => {
    // Arrange
    proxy.inject({ service: 'dynamodb', operations: ['PutItem'], action: { kind: 'error', error: SERVICE_ERRORS[preset] } });

    // Act
    const error = await putItem('DOC#a').catch((caught: unknown) => caught);

    // Assert
    expect(error).toMatchObject({ name, $metadata: { httpStatusCode: status } });
    expect(isTransientAwsError(error)).toBe(true);
    expect(upstream.received).toEqual([]);
  });

  it.each([
    ['slowDown', 503, 'SlowDown'],
    ['internalError', 500, 'InternalError'],
  ] as const)('S3 %s on GetObject and PutObject: the SDK raises %s (%i)', async (preset, status, name) => {
    // Arrange
    proxy.inject({ service: 's3', operations: ['GetObject', 'PutObject'], action: { kind: 'error', error: SERVICE_ERRORS[preset] } });

    // Act
    const read = await getObject('incoming/user-1/a.pdf').catch((caught: unknown) => caught);
    const write = await s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'results/a/page-1.txt', Body: 'text' })).catch((caught: unknown) => caught);

    // Assert
    for (const error of [read, write]) {
      expect(error).toMatchObject({ name, $metadata: { httpStatusCode: status } });
      expect(isTransientAwsError(error)).toBe(true);
    }
    expect(upstream.received).toEqual([]);
  });

  it('SQS throttling: the SDK raises ThrottlingException', async () => {
    // Arrange
    proxy.inject({ service: 'sqs', action: { kind: 'error', error: SERVICE_ERRORS.throttling } });

    // Act
    const error = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: 'http://queue/000000000000/q' })).catch((caught: unknown) => caught);

    // Assert
    expect(error).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect(isTransientAwsError(error)).toBe(true);
  });
});

describe('fault proxy, matching', () => {
  it('hits only the requests whose key or body carries the text, and only the operations named', async () => {
    // Arrange
    proxy.inject({ service: 'dynamodb', operations: ['PutItem'], matching: 'DOC#target', action: { kind: 'error', error: SERVICE_ERRORS.throttling } });
    proxy.inject({ service: 's3', operations: ['GetObject'], matching: 'incoming/user-1/target.pdf', action: { kind: 'error', error: SERVICE_ERRORS.slowDown } });

    // Act
    const outcomes = await Promise.allSettled([
      putItem('DOC#target'),
      putItem('DOC#other'),
      getItem('DOC#target'),
      getObject('incoming/user-1/target.pdf'),
      getObject('incoming/user-1/other.pdf'),
    ]);

    // Assert
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });

  it('with several texts, hits only requests carrying all of them', async () => {
    // Arrange
    proxy.inject({ service: 'dynamodb', matching: ['DOC#target', 'COMPLETED'], action: { kind: 'error', error: SERVICE_ERRORS.throttling } });
    const put = (pk: string, status: string) =>
      dynamoDb.send(new PutItemCommand({ TableName: 'documents', Item: { pk: { S: pk }, status: { S: status } } })).then(() => 'ok', () => 'throttled');

    // Act
    const results = [await put('DOC#target', 'PROCESSING'), await put('DOC#other', 'COMPLETED'), await put('DOC#target', 'COMPLETED')];

    // Assert
    expect(results).toEqual(['ok', 'ok', 'throttled']);
  });

  it('spends a rule after `times` hits', async () => {
    // Arrange
    const fault = proxy.inject({ service: 'dynamodb', times: 2, action: { kind: 'error', error: SERVICE_ERRORS.internalServerError } });

    // Act
    const outcomes = await Promise.allSettled([getItem('a'), getItem('b'), getItem('c')]);
    const sequential = [];
    for (const pk of ['d', 'e']) sequential.push(await getItem(pk).then(() => 'ok', () => 'failed'));

    // Assert
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(2);
    expect(sequential).toEqual(['ok', 'ok']);
    expect(fault.injected).toBe(2);
    expect(proxy.counts()['dynamodb:GetItem']).toEqual({ requests: 5, injected: 2 });
  });

  it('hits a matched request with the rule’s probability', async () => {
    // Arrange: a fixed sequence of draws; a draw below the probability hits.
    await proxy.stop();
    const draws = [0.1, 0.9, 0.2, 0.8];
    proxy = await startFaultProxy({ awsTarget: upstream.url, dynamoDbTarget: upstream.url, random: () => draws.shift() ?? 1 });
    dynamoDb.destroy();
    dynamoDb = new DynamoDBClient({ endpoint: proxy.dynamoDbEndpoint, region: 'eu-west-1', credentials, maxAttempts: 1 });
    proxy.inject({ service: 'dynamodb', probability: 0.5, action: { kind: 'error', error: SERVICE_ERRORS.throttling } });

    // Act
    const results: string[] = [];
    for (const pk of ['a', 'b', 'c', 'd']) results.push(await getItem(pk).then(() => 'ok', () => 'throttled'));

    // Assert
    expect(results).toEqual(['throttled', 'ok', 'throttled', 'ok']);
  });

  it('stops hitting once the rule is removed or cleared', async () => {
    // Arrange
    const fault = proxy.inject({ service: 'dynamodb', action: { kind: 'error', error: SERVICE_ERRORS.throttling } });
    const first = await getItem('a').then(() => 'ok', () => 'throttled');

    // Act
    fault.remove();
    const afterRemove = await getItem('a').then(() => 'ok', () => 'throttled');
    proxy.inject({ service: 'dynamodb', action: { kind: 'error', error: SERVICE_ERRORS.throttling } });
    proxy.clear();
    const afterClear = await getItem('a').then(() => 'ok', () => 'throttled');

    // Assert
    expect([first, afterRemove, afterClear]).toEqual(['throttled', 'ok', 'ok']);
  });
});

describe('fault proxy, dropped connections', () => {
  it('cuts a DynamoDB answer midway after the write reached the emulator: the SDK sees a network error the pipeline retries', async () => {
    // Arrange
    proxy.inject({ service: 'dynamodb', operations: ['PutItem'], times: 1, action: { kind: 'drop' } });

    // Act
    const error = await putItem('DOC#a').catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(Error);
    expect(upstream.received.map((request) => request.target)).toEqual(['DynamoDB_20120810.PutItem']);
    expect((await putItem('DOC#a')).$metadata.httpStatusCode).toBe(200);
  });

  it('cuts an S3 object midway through its body: the read fails instead of returning half a file', async () => {
    // Arrange
    proxy.inject({ service: 's3', operations: ['GetObject'], action: { kind: 'drop' } });

    // Act
    const read = await getObject('incoming/user-1/a.pdf')
      .then((object) => object.Body!.transformToByteArray())
      .catch((caught: unknown) => caught);

    // Assert
    expect(read).toBeInstanceOf(Error);
  });
});

describe('fault proxy, latency', () => {
  it('holds a request back, and never forwards one whose client gave up waiting', async () => {
    // Arrange
    proxy.inject({ service: 'dynamodb', operations: ['PutItem'], action: { kind: 'latency', ms: 300 } });

    // Act: the client gives up long before the delay ends; then the delay runs out.
    const error = await dynamoDb
      .send(new PutItemCommand({ TableName: 'documents', Item: { pk: { S: 'late' } } }), { abortSignal: AbortSignal.timeout(50) })
      .catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 600));

    // Assert
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(proxy.counts()['dynamodb:PutItem']).toEqual({ requests: 1, injected: 1 });
    expect(upstream.received).toEqual([]);
  });

  it('forwards a delayed request once the delay has passed', async () => {
    // Arrange
    proxy.inject({ service: 'dynamodb', operations: ['GetItem'], action: { kind: 'latency', ms: 50 } });

    // Act
    const item = await getItem('DOC#a');

    // Assert
    expect(item.Item).toEqual({ pk: { S: 'from-upstream' } });
    expect(proxy.counts()['dynamodb:GetItem']).toEqual({ requests: 1, injected: 1 });
  });
});
