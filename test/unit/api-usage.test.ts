/**
 * `GET /v1/usage` through the router, over an in-memory usage meter: the caller's own figures by
 * default, another owner's for admins only, the default and bounded range, and the estimated cost
 * at the deployment's prices (or none when no prices are kept for its region).
 */
import { WebhookStore } from '../../lambdas/shared/webhook-store.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiDependencies } from '../../lambdas/api/dependencies.js';
import { ApiObjects } from '../../lambdas/api/object-access.js';
import { routeEvent } from '../../lambdas/api/router.js';
import { ALL_FULL_SCOPES } from '../../lambdas/api/routes.js';
import { UsageResponse } from '../../lambdas/api/schemas.js';
import { AuditRepository } from '../../lambdas/shared/audit-repository.js';
import { estimateCost } from '../../lambdas/shared/cost.js';
import { PRICE_TABLES } from '../../lambdas/shared/prices.js';
import { apiTestEnvironment } from '../support/api-environment.js';
import { inMemoryDocumentStores } from '../support/document-stores-fake.js';
import { InMemoryUsageMeter } from '../support/usage-fake.js';
import { loadApiSettings } from '../../lambdas/api/contract.js';

const ddb = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-12-04T12:00:00.000Z');
const PRICES = PRICE_TABLES['eu-west-1']!;
const callers = { alice: { sub: 'alice' }, mallory: { sub: 'mallory' }, admin: { sub: 'root-1', 'cognito:groups': 'admin' } } as const;

function dependencies(usage: InMemoryUsageMeter, prices = PRICES): ApiDependencies {
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const { table: _table, ...stores } = inMemoryDocumentStores({ now: () => NOW.getTime() });
  return {
    settings: loadApiSettings(apiTestEnvironment({})),
    ...stores,
    audit: new AuditRepository(documentClient, 'audit', 30),
    webhooks: new WebhookStore(documentClient, 'documents', 86_400),
    objects: new ApiObjects(new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })),
    sqs: new SQSClient({ region: 'eu-west-1' }),
    usage,
    prices,
    now: () => NOW,
    newId: () => '00000000-0000-4000-8000-000000000001',
  };
}

function usageEvent(who: keyof typeof callers, query: Record<string, string> = {}): APIGatewayProxyEvent {
  return {
    resource: '/v1/usage',
    path: '/v1/usage',
    httpMethod: 'GET',
    headers: { Authorization: 'Bearer token' },
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { requestId: 'req-1', stage: 'api', authorizer: { claims: { ...callers[who], scope: ALL_FULL_SCOPES.join(' '), token_use: 'access' } } },
    body: null,
    isBase64Encoded: false,
  } as never;
}

let meter: InMemoryUsageMeter;

beforeEach(async () => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
  meter = new InMemoryUsageMeter();
  await meter.recordUsage('alice', '2026-11-30', { documentsCompleted: 1, pages: 2 });
  await meter.recordUsage('alice', '2026-12-01', { documentsCompleted: 2, pages: 10, gbSeconds: 1.5, dynamoDbWrites: 40 });
  await meter.recordUsage('alice', '2026-12-03', { documentsFailed: 1, ocrPages: { textract: 4 } });
  await meter.recordUsage('mallory', '2026-12-02', { documentsCompleted: 7 });
});

describe('GET /v1/usage', () => {
  it("answers the caller's days of the current month by default, with their total and estimated cost", async () => {
    // Act
    const result = await routeEvent(usageEvent('alice'), dependencies(meter));

    // Assert
    expect(result.statusCode).toBe(200);
    const body = UsageResponse.parse(JSON.parse(result.body));
    expect([body.ownerId, body.from, body.to]).toEqual(['alice', '2026-12-01', '2026-12-04']);
    expect(body.days.map((day) => day.day)).toEqual(['2026-12-01', '2026-12-03']);
    expect(body.total).toMatchObject({ documentsCompleted: 2, documentsFailed: 1, pages: 10, textractPages: 4 });
    const expected = estimateCost(body.total, PRICES);
    expect(body.estimatedCost).toMatchObject({ currency: 'USD', region: 'eu-west-1' });
    expect(body.estimatedCost!.total).toBeCloseTo(expected.totalUsd, 12);
    expect(body.estimatedCost!.lines.find((line) => line.service === 'Textract')!.usd).toBeCloseTo(4 * 0.0015, 12);
  });

  it('reads the range asked for, both days included', async () => {
    const result = await routeEvent(usageEvent('alice', { from: '2026-11-30', to: '2026-12-01' }), dependencies(meter));
    expect(JSON.parse(result.body).total.documentsCompleted).toBe(3);
  });

  it("refuses another owner's usage to an ordinary user, and answers it to an admin", async () => {
    // Act
    const refused = await routeEvent(usageEvent('alice', { ownerId: 'mallory' }), dependencies(meter));
    const answered = await routeEvent(usageEvent('admin', { ownerId: 'mallory' }), dependencies(meter));

    // Assert
    expect(refused.statusCode).toBe(403);
    expect(JSON.parse(refused.body).error.code).toBe('FORBIDDEN');
    expect(answered.statusCode).toBe(200);
    expect(JSON.parse(answered.body)).toMatchObject({ ownerId: 'mallory', total: { documentsCompleted: 7 } });
  });

  it.each([
    [{ from: '2026-12-05', to: '2026-12-01' }, /after to/],
    [{ from: '2025-01-01', to: '2026-12-01' }, /at most 366/],
    [{ from: '2026-02-30' }, /day of the calendar/],
    [{ to: '12/01/2026' }, /yyyy-mm-dd/],
  ])('answers 400 to the range %o', async (query, message) => {
    const result = await routeEvent(usageEvent('alice', query), dependencies(meter));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error).toMatchObject({ code: 'INVALID_QUERY', message: expect.stringMatching(message) });
  });

  it('answers the figures with no estimate where no prices are kept for the region', async () => {
    const result = await routeEvent(usageEvent('alice'), { ...dependencies(meter), prices: undefined });
    expect(JSON.parse(result.body).estimatedCost).toBeNull();
  });
});
