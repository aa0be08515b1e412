/**
 * API abuse through the local gateway with real tokens, as a matrix: tokens that must not pass,
 * one user reaching for another's document, malformed and oversized bodies, hostile filenames,
 * header floods and upload bursts. Each case checks its status and error shape and that it left
 * nothing behind (the table, the bucket and the audit trail, read through the SDK). The cases
 * are in `reports/reliability/api-abuse.json` for RELIABILITY.md.
 *
 * Covered elsewhere and not repeated here: the GET variants of missing, forged, alg:none,
 * expired and garbage tokens, and scope-less tokens (test/integration/api-errors.test.ts,
 * api-gateway.test.ts); a direct upload above 4 MB and a request above 10 MB, bad JSON, wrong
 * JSON types and unknown fields, the form-encoded and octet-stream media types, a single 64 KB
 * header and the stage throttle on reads (api-errors.test.ts); the RTL-override filename
 * (api-documents.test.ts); another owner's list and the admin routes (api-admin.test.ts).
 */
import { ListObjectsV2Command, HeadObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_FULL_SCOPES } from '../../lambdas/api/routes.js';
import { ErrorResponse } from '../../lambdas/api/schemas.js';
import { AuditRepository } from '../../lambdas/shared/audit-repository.js';
import { TABLE_LAYOUT, TERMINAL_STATUSES } from '../../lambdas/shared/contract.js';
import { uploadKey } from '../../lambdas/shared/s3-keys.js';
import { LOCAL_AUTH, LocalAuthority } from '../../local/gateway/local-auth.js';
import { LOCAL_NAMES } from '../../local/settings.js';
import { ApiClient, clientsPerUser, rawGet, type ApiAnswer } from '../support/api-client.js';
import { createUpload, documentIn, postForm, uploadDirect } from '../support/api-flows.js';
import { makeStateDir, removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { ThrottleClock } from '../support/throttle-clock.js';
import { reconcile, writeFigures, type AbuseCase, type ApiAbuseFigures } from './figures.js';
import { deadLetterDepth } from './runtime-checks.js';

/** Per-user uploads a minute: small enough for a burst to pass it, large enough for the filename cases. */
const QUOTA = { uploadsPerMinute: 10, uploadsPerDay: 1000 };
/** The dev stage throttle (rate / burst), as deployed. */
const THROTTLE = { rateLimit: 50, burstLimit: 100 };
const BURST = 200;
/** The stage throttle refills only as this file's clock says. */
const throttleClock = new ThrottleClock();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const COVERED_ELSEWHERE = [
  { name: 'GET with a missing, forged, alg:none, expired or garbage token → 401', where: 'test/integration/api-errors.test.ts, api-gateway.test.ts' },
  { name: 'token without an API scope → 401; read-only token on a write route → 403', where: 'test/integration/api-gateway.test.ts, api-errors.test.ts' },
  { name: 'direct upload above 4 MB → 413; request above 10 MB → 413; event above 6 MB → 413', where: 'test/integration/api-errors.test.ts, api-gateway.test.ts' },
  { name: 'bad JSON, wrong JSON types, unknown fields → 400 INVALID_REQUEST_BODY', where: 'test/integration/api-errors.test.ts' },
  { name: 'form-encoded and octet-stream bodies → 415', where: 'test/integration/api-errors.test.ts' },
  { name: 'one 64 KB header → 431', where: 'test/integration/api-errors.test.ts' },
  { name: 'stage throttle on 40 concurrent reads → 429 THROTTLED', where: 'test/integration/api-errors.test.ts' },
  { name: 'right-to-left override in a filename → stripped', where: 'test/integration/api-documents.test.ts' },
  { name: "another owner's list, admin routes → 403", where: 'test/integration/api-admin.test.ts' },
];

let local: TestRuntime;
let probe: PipelineProbe;
let audit: AuditRepository;
const cases: AbuseCase[] = [];
/** Every document an answer said was accepted: all must reach a terminal state. */
const accepted = new Set<string>();
let startedAt = 0;

/** A client whose token's `sub` is `userId`. */
const as = clientsPerUser(() => local);

/** Records a case for the report, then asserts its status and, for an error, its code. */
function expectCase(
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
async function documentsOf(ownerId: string): Promise<string[]> {
  return (await probe.allDocuments()).filter((record) => record.ownerId === ownerId).map((record) => record.documentId);
}

async function objectKeys(): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await local.clients.s3.send(new ListObjectsV2Command({ Bucket: local.outputs.BucketName, ContinuationToken }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return keys;
}

/** The upload counters of an owner's quota windows of one kind (`MINUTE#` or `DAY#`), as the table holds them. */
async function quotaCounters(ownerId: string, window: 'MINUTE#' | 'DAY#'): Promise<number[]> {
  const { Items = [] } = await DynamoDBDocumentClient.from(local.clients.dynamoDb).send(
    new QueryCommand({
      TableName: local.outputs.TableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :window)',
      ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey, '#sk': TABLE_LAYOUT.sortKey },
      ExpressionAttributeValues: { ':pk': `QUOTA#${ownerId}`, ':window': window },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => Number(item.count));
}

/** Signs a token with the runtime's own key, with claims a test chooses: only the claims can be wrong. */
async function signWithRuntimeKey(claims: Record<string, unknown>, options: { issuer?: string } = {}): Promise<string> {
  const stored = JSON.parse(readFileSync(LocalAuthority.keyFile(local.stateDir), 'utf8')) as { kid: string; privateJwk: JWK };
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
function rawRequest(bytes: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(local.outputs.ApiUrl);
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

beforeAll(async () => {
  local = await startTestRuntime({ api: { quotas: QUOTA, throttle: THROTTLE, throttleClock: throttleClock.now } });
  probe = new PipelineProbe(local);
  audit = new AuditRepository(DynamoDBDocumentClient.from(local.clients.dynamoDb), LOCAL_NAMES.auditTable, 30);
  startedAt = Date.now();
});

afterAll(async () => {
  if (!local) return;
  try {
    const records = await probe.allDocuments();
    const terminal = new Set(records.filter((record) => TERMINAL_STATUSES.includes(record.status)).map((record) => record.documentId));
    const figures: ApiAbuseFigures = {
      suite: 'api-abuse',
      generatedAt: new Date().toISOString(),
      wallClockMs: Date.now() - startedAt,
      reconciliation: reconcile([...accepted], terminal, await deadLetterDepth(local).catch(() => -1)),
      cases,
      coveredElsewhere: COVERED_ELSEWHERE,
    };
    writeFigures(figures);
  } finally {
    await local.stop();
    removeStateDir(local.stateDir);
  }
});

describe('tokens that must not pass (401 on an upload, and nothing stored)', () => {
  it('refuses each one before the function runs, leaving no document or object', async () => {
    // Arrange
    const forgerDir = makeStateDir();
    const forger = await LocalAuthority.open(forgerDir);
    const valid = await local.runtime.api.authority.issue('token-abuser');
    const other = await local.runtime.api.authority.issue('someone-else');
    const [, payload] = valid.split('.');
    const tokens: Record<string, string | null> = {
      'no Authorization header': null,
      'signed with another key (forged)': await forger.issue('token-abuser'),
      expired: await local.runtime.api.authority.issue('token-abuser', { ttlSeconds: -5 }),
      'alg:none, unsigned': `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`,
      'issued to another app client (wrong audience)': await signWithRuntimeKey({ client_id: 'another-app-client' }),
      'another issuer': await signWithRuntimeKey({}, { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_attacker' }),
      'an ID token, not an access token': await signWithRuntimeKey({ token_use: 'id', aud: LOCAL_AUTH.clientId }),
      "one user's claims under another's signature": `${other.split('.').slice(0, 2).join('.')}.${valid.split('.')[2]}`,
    };
    const client = new ApiClient(local.outputs.ApiUrl);
    const keysBefore = await objectKeys();

    try {
      for (const [name, token] of Object.entries(tokens)) {
        // Act
        const answer = await uploadDirect(client.withToken(token ?? undefined), makePdf([name]));

        // Assert
        expectCase('tokens', `${name} → 401`, answer, 401, { code: 'UNAUTHORIZED', sideEffectCheck: 'no document, no object' });
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect(await documentsOf('token-abuser')).toEqual([]);
      expect(await objectKeys()).toEqual(keysBefore);
    } finally {
      removeStateDir(forgerDir);
    }
  });
});

describe("one user reaching for another's document", () => {
  let victim: ApiClient;
  let intruder: ApiClient;
  let documentId: string;

  beforeAll(async () => {
    victim = await as('victim');
    intruder = await as('intruder');
    const answer = await uploadDirect(victim, makePdf(['the victim’s private page']), { filename: 'private.pdf', idempotencyKey: 'victim-upload-1' });
    documentId = answer.body.documentId;
    accepted.add(documentId);
    await documentIn(victim, documentId, ['COMPLETED']);
  });

  it('gets the missing-document 404 for every route, and the document, its pages, its object and the audit trail are unchanged', async () => {
    // Arrange
    const record = await probe.documents.get(documentId);
    const pages = await probe.pages(documentId);
    const key = uploadKey('victim', documentId);
    const object = await local.clients.s3.send(new HeadObjectCommand({ Bucket: local.outputs.BucketName, Key: key }));
    const missing = await intruder.call('getDocument', { id: randomUUID() });

    // Act
    for (const operationId of ['getDocument', 'listDocumentPages', 'downloadDocumentFile', 'deleteDocument', 'reprocessDocument'] as const) {
      const answer = await intruder.call(operationId, { id: documentId });
      expectCase('cross-user access', `${operationId} of another user's document → 404`, answer, 404, {
        code: 'NOT_FOUND',
        sideEffectCheck: 'record, pages, object and audit trail unchanged',
      });
      expect(answer.body).toEqual(missing.body);
    }
    const upperCase = await intruder.call('getDocument', { id: documentId.toUpperCase() });
    expectCase('cross-user access', 'the id in upper case → 404', upperCase, 404, { code: 'NOT_FOUND' });
    const listed = await intruder.call('listDocuments');

    // Assert
    expect(listed.body.documents).toEqual([]);
    expect(await probe.documents.get(documentId)).toEqual(record);
    expect(await probe.pages(documentId)).toEqual(pages);
    const after = await local.clients.s3.send(new HeadObjectCommand({ Bucket: local.outputs.BucketName, Key: key }));
    expect(after.ETag).toBe(object.ETag);
    const { items } = await audit.query({ documentId, limit: 100 }, new Date());
    const byIntruder = items.filter((entry) => entry.actor === 'intruder');
    expect(byIntruder.every((entry) => entry.outcome.status === 404)).toBe(true);
    expect(items.filter((entry) => entry.actor !== 'victim' && entry.outcome.status < 400)).toEqual([]);
  });

  it("gets a document of its own, not the victim's, when it replays the victim's Idempotency-Key and body", async () => {
    // Act
    const answer = await uploadDirect(intruder, makePdf(['the victim’s private page']), { filename: 'private.pdf', idempotencyKey: 'victim-upload-1' });

    // Assert
    expectCase('cross-user access', "another user's Idempotency-Key and body → 202, a new document of the caller's", answer, 202, {
      sideEffectCheck: "not replayed; the victim's record unchanged",
    });
    expect(answer.headers.get('idempotent-replayed')).toBeNull();
    expect(answer.body.documentId).not.toBe(documentId);
    accepted.add(answer.body.documentId);
    expect((await probe.documents.get(answer.body.documentId))?.ownerId).toBe('intruder');
    expect((await probe.documents.get(documentId))?.ownerId).toBe('victim');
  });
});

describe('malformed and oversized bodies (400, 413, 415 in the error shape; nothing stored)', () => {
  it('refuses each one, and the caller has no document', async () => {
    // Arrange
    const client = await as('body-abuser');
    const json = (body: string) => client.raw('POST', '/v1/uploads', { body, headers: { 'Content-Type': 'application/json' } });
    const pdf = makePdf(['a real PDF, wrongly labelled']);
    const NOTHING_STORED = { sideEffectCheck: 'no document, no object' };

    // Act & Assert
    expectCase('bodies', 'upload request with size 0 → 400', await json('{"filename":"a.pdf","size":0}'), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
    expectCase('bodies', 'upload request with a negative size → 400', await json('{"filename":"a.pdf","size":-1}'), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
    expectCase('bodies', 'upload request with an empty filename → 400', await json('{"filename":"","size":10}'), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
    expectCase('bodies', 'upload request with an unknown lane → 400', await json('{"filename":"a.pdf","size":10,"lane":"express"}'), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
    expectCase('bodies', 'upload request that is JSON null → 400', await json('null'), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
    expectCase('bodies', 'JSON nested 100,000 deep → 400', await json(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
    expectCase('bodies', 'a 2,000-character filename in JSON → 400', await json(JSON.stringify({ filename: `${'a'.repeat(2000)}.pdf`, size: 10 })), 400, { code: 'INVALID_REQUEST_BODY', ...NOTHING_STORED });
    expectCase('bodies', 'a cursor that is not base64url → 400', await client.call('listDocuments', { query: { cursor: '!!not*base64~~' } }), 400, { code: 'INVALID_CURSOR', ...NOTHING_STORED });
    expectCase('bodies', 'a PDF sent base64-encoded as the body → 415', await client.call('uploadDocument', {
      body: Buffer.from(pdf).toString('base64'),
      headers: { 'Content-Type': 'application/pdf' },
    }), 415, { code: 'NOT_A_PDF', ...NOTHING_STORED });
    expectCase('bodies', 'an empty PDF body → 400', await client.call('uploadDocument', { body: new Uint8Array(0), headers: { 'Content-Type': 'application/pdf' } }), 400, { code: 'EMPTY_BODY', ...NOTHING_STORED });
    const multipart = new FormData();
    multipart.append('file', new Blob([pdf], { type: 'application/pdf' }), 'a.pdf');
    expectCase('bodies', 'a PDF as multipart/form-data → 415', await client.call('uploadDocument', { body: multipart }), 415, { code: 'UNSUPPORTED_MEDIA_TYPE', ...NOTHING_STORED });
    expectCase('bodies', 'a PDF labelled application/json → 415', await client.raw('POST', '/v1/documents', { body: pdf, headers: { 'Content-Type': 'application/json' } }), 415, { code: 'UNSUPPORTED_MEDIA_TYPE', ...NOTHING_STORED });
    expectCase('bodies', 'JSON labelled text/plain → 415', await client.raw('POST', '/v1/uploads', { body: '{"filename":"a.pdf","size":10}', headers: { 'Content-Type': 'text/plain' } }), 415, { code: 'UNSUPPORTED_MEDIA_TYPE', ...NOTHING_STORED });
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        // 11 MB with no Content-Length: the limit must hold on what arrives, not on what is declared.
        const megabyte = new Uint8Array(1024 * 1024).fill(0x20);
        for (let index = 0; index < 11; index += 1) controller.enqueue(megabyte);
        controller.close();
      },
    });
    const streamed = await client.raw('POST', '/v1/documents', { body: chunks, headers: { 'Content-Type': 'application/pdf' }, duplex: 'half' } as RequestInit);
    expectCase('bodies', '11 MB streamed in chunks without Content-Length → 413', streamed, 413, { code: 'PAYLOAD_TOO_LARGE', ...NOTHING_STORED });

    expect(await documentsOf('body-abuser')).toEqual([]);
    expect((await objectKeys()).filter((key) => key.includes('/body-abuser/'))).toEqual([]);
  });
});

describe('hostile filenames (stored for display only, the key chosen by the server)', () => {
  const NAMES: Record<string, { name: string; stored?: string }> = {
    'a path climbing out': { name: '../../etc/passwd', stored: 'passwd' },
    'a Windows path': { name: '..\\..\\Windows\\System32\\config\\SAM', stored: 'SAM' },
    'a percent-encoded path (..%2f), kept literally': { name: '..%2f..%2fetc%2fpasswd', stored: '..%2f..%2fetc%2fpasswd' },
    'NUL bytes': { name: 'report\u0000.pdf\u0000.exe', stored: 'report.pdf.exe' },
    'a 5,000-character name': { name: `${'n'.repeat(5000)}.pdf` },
  };

  it.each(Object.entries(NAMES))('keeps %s out of the object key', async (label, { name, stored }) => {
    // Arrange
    const client = await as('namer');

    // Act
    const answer = await uploadDirect(client, makePdf([label]), { filename: name });

    // Assert
    expectCase('filenames', `direct upload named with ${label} → 202, key chosen by the server`, answer, 202, {
      sideEffectCheck: 'object key is uploads/<owner>/<uuid>.pdf; display name sanitised',
    });
    const documentId = answer.body.documentId as string;
    accepted.add(documentId);
    const record = await probe.documents.get(documentId);
    expect(record?.objectKey).toBe(uploadKey('namer', documentId));
    if (stored) expect(record?.filename).toBe(stored);
    expect(Buffer.byteLength(record?.filename ?? '')).toBeLessThanOrEqual(255);
    expect(record?.filename).not.toMatch(/[/\\\u0000]/);
  });

  it('refuses a name with nothing usable in it, storing nothing', async () => {
    const client = await as('namer');
    const before = await documentsOf('namer');

    for (const name of ['\u0000\u0000', '../..', '/']) {
      expectCase('filenames', `a filename of only ${JSON.stringify(name)} → 400`, await uploadDirect(client, makePdf(['x']), { filename: name }), 400, {
        code: 'INVALID_FILENAME',
        sideEffectCheck: 'no document',
      });
    }
    expect((await documentsOf('namer')).sort()).toEqual(before.sort());
  });

  it('pins the presigned POST to the server’s key whatever the filename, and the upload completes there', async () => {
    // Arrange
    const client = await as('namer');
    const pdf = makePdf(['through a presigned POST']);

    // Act
    const answer = await createUpload(client, '../../../uploads/victim/stolen.pdf', pdf.byteLength);
    expectCase('filenames', 'presigned upload named ../../../uploads/victim/stolen.pdf → 201, key chosen by the server', answer, 201, {
      sideEffectCheck: "the form's key is uploads/<owner>/<uuid>.pdf; nothing lands under the victim",
    });
    const documentId = answer.body.documentId as string;
    accepted.add(documentId);
    const posted = await postForm(answer.body.upload, pdf, 'stolen.pdf');

    // Assert
    expect(posted.ok).toBe(true);
    expect(answer.body.upload.fields.key).toBe(uploadKey('namer', documentId));
    expect((await documentIn(client, documentId, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
    expect((await objectKeys()).filter((key) => key.includes('stolen') || key.includes('..'))).toEqual([]);
    const namerKeys = (await objectKeys()).filter((key) => key.includes('/namer/'));
    for (const key of namerKeys) expect(key.split('/').at(-1)!.replace(/\.pdf$/, '')).toMatch(UUID);
  });
});

describe('header floods (431 or 400 in the error shape, and the gateway keeps serving)', () => {
  const url = () => `${local.outputs.ApiUrl}/v1/documents`;
  const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`X-Flood-${index}`, 'v'.repeat(8)]));

  it('serves hundreds of small headers within the 10 KB limit, and refuses them past it', async () => {
    const token = await local.runtime.api.authority.issue('flooder');

    const within = await rawGet(url(), { Authorization: `Bearer ${token}`, ...many(200) });
    const past = await rawGet(url(), { Authorization: `Bearer ${token}`, ...many(800) });

    expectCase('headers', '200 small headers (under 10 KB) → 200', { status: within.status }, 200);
    expectCase('headers', '800 small headers (over 10 KB) → 431', { status: past.status, body: JSON.parse(past.body) }, 431, {
      code: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    });
  });

  it('refuses a 12 KB Authorization header as too large rather than reading it as a token', async () => {
    const answer = await rawGet(url(), { Authorization: `Bearer ${'e'.repeat(12 * 1024)}` });

    expectCase('headers', 'a 12 KB Authorization header → 431', { status: answer.status, body: JSON.parse(answer.body) }, 431, {
      code: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    });
  });

  it('refuses an oversized Idempotency-Key within the header limit, storing nothing', async () => {
    const client = await as('flooder');

    const answer = await uploadDirect(client, makePdf(['x']), { idempotencyKey: 'k'.repeat(8 * 1024) });

    expectCase('headers', 'an 8 KB Idempotency-Key → 400', answer, 400, { code: 'INVALID_IDEMPOTENCY_KEY', sideEffectCheck: 'no document' });
    expect(await documentsOf('flooder')).toEqual([]);
  });

  it('answers a malformed header line 400 in the error shape', async () => {
    const answer = await rawRequest('GET /v1/health HTTP/1.1\r\nHost: localhost\r\nThis is no header\r\nConnection: close\r\n\r\n');

    expectCase('headers', 'a header line without a colon → 400', { status: answer.status, body: JSON.parse(answer.body) }, 400, { code: 'BAD_REQUEST' });
  });

  it('is still up after the floods', async () => {
    expect((await (await as('flooder')).call('getHealth')).status).toBe(200);
  });
});

describe('an upload burst from one user (429 with Retry-After; only the quota’s worth stored)', () => {
  it('accepts the per-minute quota and no more, refuses the rest at the stage throttle or the quota, and stores only what it accepted', async () => {
    // Arrange
    const client = await as('burster');
    throttleClock.hold(); // a full bucket, not refilled while the burst arrives

    // Act
    let answers: ApiAnswer[];
    try {
      answers = await Promise.all(Array.from({ length: BURST }, (_, index) => uploadDirect(client, makePdf([`burst ${index}`]))));
    } finally {
      throttleClock.release();
    }
    const stored = answers.filter((answer) => answer.status === 202).map((answer) => answer.body.documentId as string);
    for (const id of stored) accepted.add(id);

    // Assert: every answer is an acceptance or a 429 of one of the two kinds
    const byOutcome = new Map<string, ApiAnswer[]>();
    for (const answer of answers) {
      const outcome = answer.status === 202 ? '202' : `${answer.status} ${answer.body.error.code}`;
      byOutcome.set(outcome, [...(byOutcome.get(outcome) ?? []), answer]);
    }
    const quotaRefused = byOutcome.get('429 UPLOAD_QUOTA_EXCEEDED') ?? [];
    const throttled = byOutcome.get('429 THROTTLED') ?? [];
    expect([...byOutcome.keys()].sort()).toEqual(['202', '429 THROTTLED', '429 UPLOAD_QUOTA_EXCEEDED']);
    for (const answer of quotaRefused) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    for (const answer of quotaRefused) expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    for (const answer of throttled) expect(answer.headers.get('retry-after')).toBe('1');
    // …the quota held in every minute the burst touched (it may straddle two), counted as accepted…
    const minutes = await quotaCounters('burster', 'MINUTE#');
    expect(Math.max(...minutes)).toBe(QUOTA.uploadsPerMinute);
    expect(minutes.every((count) => count <= QUOTA.uploadsPerMinute)).toBe(true);
    expect(stored).toHaveLength(minutes.reduce((sum, count) => sum + count, 0));
    // …and only the accepted uploads left a record and an object.
    expect((await documentsOf('burster')).sort()).toEqual([...stored].sort());
    expect((await objectKeys()).filter((key) => key.includes('/burster/')).sort()).toEqual(stored.map((id) => uploadKey('burster', id)).sort());
    expectCase('rate limits', `${BURST} concurrent uploads: the per-minute quota (${QUOTA.uploadsPerMinute}) → 202`, answers.find((answer) => answer.status === 202)!, 202);
    expectCase('rate limits', `…past the per-user quota → 429 UPLOAD_QUOTA_EXCEEDED with Retry-After (${quotaRefused.length} of ${BURST})`, quotaRefused[0]!, 429, {
      code: 'UPLOAD_QUOTA_EXCEEDED',
      sideEffectCheck: 'only the accepted uploads stored; no quota window past its limit',
    });
    expectCase('rate limits', `…past the stage burst → 429 THROTTLED with Retry-After: 1 (${throttled.length} of ${BURST})`, throttled[0]!, 429, { code: 'THROTTLED' });
  });
});

describe('after the abuse', () => {
  it('loses no accepted document: each reaches a terminal state, and no other document exists', async () => {
    // Act
    const records = await waitFor(
      async () => {
        const all = await probe.allDocuments();
        const settled = [...accepted].every((id) => all.some((record) => record.documentId === id && TERMINAL_STATUSES.includes(record.status)));
        return settled ? all : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'every accepted document to be terminal' },
    );

    // Assert
    const terminal = new Set(records.filter((record) => TERMINAL_STATUSES.includes(record.status)).map((record) => record.documentId));
    expect(reconcile([...accepted], terminal, await deadLetterDepth(local))).toMatchObject({ lost: 0, deadLettered: 0 });
    expect(records.map((record) => record.documentId).sort()).toEqual([...accepted].sort());
  });
});
