/**
 * The API function as deployed (the real handler module, middy and Powertools included) over a
 * mocked SDK, for the tests of its routes (`api-handler-*.test.ts`, `api-markdown.test.ts`): the
 * environment it is given, the events the gateway would pass it, and the document records the
 * mocked table answers with.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, expect, vi } from 'vitest';
import { ALL_FULL_SCOPES } from '../../lambdas/api/routes.js';
import { ErrorResponse } from '../../lambdas/api/schemas.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { apiTestEnvironment } from './api-environment.js';

export const ddb = mockClient(DynamoDBDocumentClient);
export const s3 = mockClient(S3Client);
export const sqs = mockClient(SQSClient);

export const MB = 1024 * 1024;
export const OWNER = 'user-1';
export const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
export const ORIGIN = 'https://app.example.com';

let handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Loads the handler module under the test environment once per file, and resets the mocks before each test. */
export function useApiHandler(): void {
  beforeAll(async () => {
    const env: Record<string, string> = {
      ...apiTestEnvironment({
        PURGE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/purge',
        MAX_DIRECT_UPLOAD_BYTES: String(4 * MB),
        MAX_PRESIGNED_UPLOAD_BYTES: String(100 * MB),
        ALLOWED_ORIGINS: `${ORIGIN},http://localhost:5173`,
      }),
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    ({ handler } = (await import('../../lambdas/api/handler.js')) as never);
  });

  beforeEach(() => {
    ddb.reset();
    s3.reset();
    sqs.reset();
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(GetCommand).resolves({});
  });
}

const context = { getRemainingTimeInMillis: () => 29_000, functionName: 'api', awsRequestId: 'req-1' } as unknown as Context;

export interface EventInput {
  readonly method: string;
  readonly resource: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** `null` for no authorizer; default: user-1 with every scope. */
  readonly claims?: Record<string, string> | null;
}

export function apiEvent(input: EventInput): APIGatewayProxyEvent {
  const binary = Buffer.isBuffer(input.body);
  const path = input.resource.replace('{id}', input.pathParameters?.id ?? '');
  const claims = input.claims === undefined ? { sub: OWNER, scope: ALL_FULL_SCOPES.join(' '), token_use: 'access' } : input.claims;
  return {
    resource: input.resource,
    path,
    httpMethod: input.method,
    headers: input.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    requestContext: { requestId: 'r-1', stage: 'api', authorizer: claims ? { claims } : null } as never,
    body: input.body === undefined ? null : binary ? (input.body as Buffer).toString('base64') : (input.body as string),
    isBase64Encoded: binary,
  };
}

export const call = (input: EventInput) => handler(apiEvent(input), context);
/** Calls that touched documents: audit entries (their own table) are specified in api-admin.test.ts. */
export const documentTableCalls = () => ddb.calls().filter((sent) => (sent.args[0].input as { TableName?: string }).TableName !== 'audit');
export const json = (result: APIGatewayProxyResult) => JSON.parse(result.body) as Record<string, any>;

/** A document record as the table holds it (keys included). */
export function record(overrides: Partial<DocumentRecord> = {}): Record<string, unknown> {
  return {
    pk: `DOC#${DOC_ID}`,
    sk: 'DOCUMENT',
    ownerPk: `OWNER#${OWNER}`,
    documentId: DOC_ID,
    ownerId: OWNER,
    status: 'COMPLETED',
    source: 'api',
    lane: 'interactive',
    filename: 'report.pdf',
    bucket: 'docs',
    objectKey: `uploads/${OWNER}/${DOC_ID}.pdf`,
    generation: 2,
    attempts: 1,
    sequencer: '0001',
    size: 1234,
    sha256: 'ab'.repeat(32),
    pageCount: 3,
    metadata: { title: 'Report' },
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:01:00.000Z',
    ...overrides,
  };
}

export function expectError(result: APIGatewayProxyResult, statusCode: number, code: string) {
  expect(result.statusCode).toBe(statusCode);
  const body = ErrorResponse.parse(json(result));
  expect(body.error.code).toBe(code);
  return body;
}
