/**
 * The API function as deployed (the real handler module, middy and Powertools included) over a
 * mocked SDK: routing, scopes, CORS, the one error shape, and the health check.
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ALL_FULL_SCOPES, API_SCOPES, fullScope } from '../../lambdas/api/routes.js';
import { call, ddb, DOC_ID, documentTableCalls, expectError, json, ORIGIN, OWNER, s3, sqs, useApiHandler } from '../support/api-handler-harness.js';

useApiHandler();

describe('routing and authorization', () => {
  it('answers a route it does not know with the error shape', async () => {
    // Act
    const result = await call({ method: 'PUT', resource: '/v1/documents' });

    // Assert
    expectError(result, 404, 'NOT_FOUND');
  });

  it('answers 401 when the authorizer passed no subject', async () => {
    const result = await call({ method: 'GET', resource: '/v1/documents', claims: null });

    expectError(result, 401, 'UNAUTHORIZED');
  });

  it('answers 403 when the token lacks the route’s scope (authenticated but not allowed)', async () => {
    // Arrange: a read-only token on a write route
    const claims = { sub: OWNER, scope: fullScope(API_SCOPES.read) };

    // Act
    const result = await call({ method: 'DELETE', resource: '/v1/documents/{id}', pathParameters: { id: DOC_ID }, claims });

    // Assert
    expectError(result, 403, 'INSUFFICIENT_SCOPE');
    expect(documentTableCalls()).toHaveLength(0);
  });

  it('refuses a subject that could escape its key segment', async () => {
    const result = await call({ method: 'GET', resource: '/v1/documents', claims: { sub: '../other', scope: ALL_FULL_SCOPES.join(' ') } });

    expectError(result, 403, 'FORBIDDEN');
  });

  it('adds CORS headers for an allowed origin only', async () => {
    // Arrange
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    const allowed = await call({ method: 'GET', resource: '/v1/documents', headers: { Origin: ORIGIN } });
    const other = await call({ method: 'GET', resource: '/v1/documents', headers: { origin: 'https://evil.example' } });

    // Assert
    expect(allowed.headers).toMatchObject({ 'Access-Control-Allow-Origin': ORIGIN, Vary: 'Origin' });
    expect(other.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('answers 503 with Retry-After when DynamoDB throttles, and 500 without details otherwise', async () => {
    // Arrange
    ddb
      .on(GetCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException', $metadata: {} }))
      .rejectsOnce(new Error('secret internal detail'));
    const get = { method: 'GET', resource: '/v1/documents/{id}', pathParameters: { id: DOC_ID } };

    // Act
    const throttled = await call(get);
    const broken = await call(get);

    // Assert
    expectError(throttled, 503, 'UNAVAILABLE');
    expect(throttled.headers?.['Retry-After']).toBe('1');
    expect(expectError(broken, 500, 'INTERNAL').error.message).not.toContain('secret');
  });
});

describe('GET /v1/health', () => {
  const health = () => call({ method: 'GET', resource: '/v1/health', claims: null });

  it('answers ok when table, bucket and queue answer', async () => {
    s3.on(HeadBucketCommand).resolves({});
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });

    const result = await health();

    expect({ status: result.statusCode, body: json(result) }).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers 503 naming what did not answer within 2 s', async () => {
    s3.on(HeadBucketCommand).resolves({});
    sqs.on(GetQueueAttributesCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();

    const result = await health();

    expect(expectError(result, 503, 'UNAVAILABLE').error.message).toContain('queue');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
