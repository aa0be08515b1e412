/**
 * What the API abuse cases share: one local runtime for all of them, the cases recorded for the
 * report, the documents accepted along the way (every one must reach a terminal state), and the
 * helpers that read back what a case left behind through the SDK.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { expect } from 'vitest';
import { ALL_FULL_SCOPES } from '../../../lambdas/api/routes.js';
import { ErrorResponse } from '../../../lambdas/api/schemas.js';
import type { AuditRepository } from '../../../lambdas/shared/audit-repository.js';
import { TABLE_LAYOUT } from '../../../lambdas/shared/contract.js';
import { LOCAL_AUTH, LocalAuthority } from '../../../local/gateway/local-auth.js';
import { clientsPerUser } from '../../support/api-client.js';
import type { TestRuntime } from '../../support/local-runtime.js';
import type { PipelineProbe } from '../../support/pipeline-probe.js';
import { ThrottleClock } from '../../support/throttle-clock.js';
import type { AbuseCase } from '../figures.js';

/** Per-user uploads a minute: small enough for a burst to pass it, large enough for the filename cases. */
export const QUOTA = { uploadsPerMinute: 10, uploadsPerDay: 1000 };
/** The dev stage throttle (rate / burst), as deployed. */
export const THROTTLE = { rateLimit: 50, burstLimit: 100 };
/** The stage throttle refills only as the cases' clock says. */
export const throttleClock = new ThrottleClock();
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The runtime and its readers, set by the test file's `beforeAll` before any case runs. */
export const run = {} as { local: TestRuntime; probe: PipelineProbe; audit: AuditRepository };

export const cases: AbuseCase[] = [];
/** Every document an answer said was accepted: all must reach a terminal state. */
export const accepted = new Set<string>();

/** A client whose token's `sub` is `userId`. */
export const as = clientsPerUser(() => run.local);

/** Records a case for the report, then asserts its status and, for an error, its code. */
export function expectCase(
  group: string,
  name: string,
  answer: { status: number; body?: unknown },
  expected: number | readonly number[],
  options: { code?: string; sideEffectCheck?: string } = {},
) {
  const expectedStatuses = typeof expected === 'number' ? [expected] : expected;
  const code = answer.status >= 400 ? ErrorResponse.safeParse(answer.body).data?.error.code : undefined;
  cases.push({ group, name, expectedStatuses, status: answer.status, ...(code ? { code } : {}), ...(options.sideEffectCheck ? { sideEffectCheck: options.sideEffectCheck } : {}) });
  expect(expectedStatuses, `${name}: answered ${answer.status} ${JSON.stringify(answer.body)}`).toContain(answer.status);
  // Every refusal, the gateway's own included, has the one error shape.
  if (answer.status >= 400) ErrorResponse.parse(answer.body);
  if (options.code) expect(code, name).toBe(options.code);
}

/** Document ids the table holds for an owner (records, tombstones included). */
export async function documentsOf(ownerId: string): Promise<string[]> {
  return (await run.probe.allDocuments()).filter((record) => record.ownerId === ownerId).map((record) => record.documentId);
}

export async function objectKeys(): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await run.local.clients.s3.send(new ListObjectsV2Command({ Bucket: run.local.outputs.BucketName, ContinuationToken }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return keys;
}

/** The upload counters of an owner's quota windows of one kind (`MINUTE#` or `DAY#`), as the table holds them. */
export async function quotaCounters(ownerId: string, window: 'MINUTE#' | 'DAY#'): Promise<number[]> {
  const { Items = [] } = await DynamoDBDocumentClient.from(run.local.clients.dynamoDb).send(
    new QueryCommand({
      TableName: run.local.outputs.TableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :window)',
      ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey, '#sk': TABLE_LAYOUT.sortKey },
      ExpressionAttributeValues: { ':pk': `QUOTA#${ownerId}`, ':window': window },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => Number(item.count));
}

/** Signs a token with the runtime's own key, with claims a test chooses: only the claims can be wrong. */
export async function signWithRuntimeKey(claims: Record<string, unknown>, options: { issuer?: string } = {}): Promise<string> {
  const stored = JSON.parse(readFileSync(LocalAuthority.keyFile(run.local.stateDir), 'utf8')) as { kid: string; privateJwk: JWK };
  const key = (await importJWK(stored.privateJwk, LOCAL_AUTH.algorithm)) as CryptoKey;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ token_use: 'access', client_id: LOCAL_AUTH.clientId, scope: ALL_FULL_SCOPES.join(' '), ...claims })
    .setProtectedHeader({ alg: LOCAL_AUTH.algorithm, kid: stored.kid })
    .setIssuer(options.issuer ?? LOCAL_AUTH.issuer)
    .setSubject('token-abuser')
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(key);
}

/** Sends bytes as they are, for requests no HTTP client would send; resolves with the status line's code and the body. */
export function rawRequest(bytes: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(run.local.outputs.ApiUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('end', () => {
      const [head = '', body = ''] = response.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body });
    });
    socket.on('error', reject);
  });
}
