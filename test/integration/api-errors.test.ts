/**
 * Every error status of the API over HTTP against the local runtime, the gateway's own included
 * (400, 401, 403, 404, 409, 413, 415, 429, 431, 500, 503), malformed input, and proof that the
 * local gateway serves exactly the routes the `dev` stack deploys.
 */
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, fullScope, API_SCOPES } from '../../lambdas/api/routes.js';
import { ErrorResponse } from '../../lambdas/api/schemas.js';
import { LocalAuthority } from '../../local/gateway/local-auth.js';
import { buildApp } from '../infra/app-fixture.js';
import { ApiClient, rawGet, type ApiAnswer } from '../support/api-client.js';
import { templateMethods } from '../support/api-template.js';
import { createUpload, uploadDirect } from '../support/api-flows.js';
import { makeStateDir, removeStateDir, startTestRuntime, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { ThrottleClock } from '../support/throttle-clock.js';

const QUOTA = { uploadsPerMinute: 3, uploadsPerDay: 50 };
const THROTTLE = { rateLimit: 20, burstLimit: 20 };
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** The stage throttle refills only as this file's clock says. */
const throttleClock = new ThrottleClock();
let local: TestRuntime;
let client: ApiClient;

/** The synthesized `dev` template's API methods. */
let methods: ReturnType<typeof templateMethods>;

beforeAll(async () => {
  // Synthesis first, in the hook: it is slow on a busy machine, and it holds this process's event
  // loop, which would leave the runtime's open keep-alive connections to time out under a request.
  methods = templateMethods(Template.fromStack(buildApp().stacks.dev));
  local = await startTestRuntime({ api: { quotas: QUOTA, throttle: THROTTLE, throttleClock: throttleClock.now } });
  client = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue('erring-user'));
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

function expectError(answer: ApiAnswer, status: number, code: string) {
  expect({ status: answer.status, code: ErrorResponse.parse(answer.body).error.code }).toEqual({ status, code });
}

describe('400: malformed requests', () => {
  it('refuses bad JSON, wrong types and unknown fields (at the gateway, before the function)', async () => {
    const post = (body: string) => client.raw('POST', '/v1/uploads', { body, headers: { 'Content-Type': 'application/json' } });

    expectError(await post('{"filename": "a.pdf", '), 400, 'INVALID_REQUEST_BODY');
    expectError(await post('{"filename": 42, "size": "big"}'), 400, 'INVALID_REQUEST_BODY');
    expectError(await post('{"filename": "a.pdf", "size": 10, "key": "uploads/someone-else/x.pdf"}'), 400, 'INVALID_REQUEST_BODY');
    expectError(await post('[]'), 400, 'INVALID_REQUEST_BODY');
  });

  it('refuses bad query parameters, forged cursors, bad idempotency keys and unusable filenames', async () => {
    expectError(await client.call('listDocuments', { query: { limit: 0 } }), 400, 'INVALID_QUERY');
    expectError(await client.call('listDocuments', { query: { status: 'DONE' } }), 400, 'INVALID_QUERY');
    expectError(await client.call('listDocuments', { query: { cursor: Buffer.from('{"v":1,"c":"x","d":"../"}').toString('base64url') } }), 400, 'INVALID_CURSOR');
    expectError(
      await client.call('uploadDocument', { body: makePdf(['x']), headers: { 'Content-Type': 'application/pdf', 'Idempotency-Key': 'has spaces' } }),
      400,
      'INVALID_IDEMPOTENCY_KEY',
    );
    expectError(await uploadDirect(client, makePdf(['x']), { filename: '../..' }), 400, 'INVALID_FILENAME');
    expectError(await client.raw('POST', '/v1/documents', { body: Buffer.from('%PDF-1.4') }), 400, 'INVALID_REQUEST_PARAMETERS');
  });
});

describe('401 and 403: tokens and scopes', () => {
  it('answers 401 for no token, a forged one, alg:none, an expired one and garbage', async () => {
    const forgerDir = makeStateDir();
    try {
      const forger = await LocalAuthority.open(forgerDir);
      const valid = await local.runtime.api.authority.issue('erring-user');
      const [, payload] = valid.split('.');
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
      const tokens = [
        null,
        await forger.issue('erring-user'),
        unsigned,
        await local.runtime.api.authority.issue('erring-user', { ttlSeconds: -5 }),
        'garbage',
      ];

      for (const token of tokens) expectError(await client.call('listDocuments', { token }), 401, 'UNAUTHORIZED');
    } finally {
      removeStateDir(forgerDir);
    }
  });

  it('answers 403 to an authenticated caller whose token lacks the scope (read-only token, write route)', async () => {
    const readOnly = await local.runtime.api.authority.issue('erring-user', { scopes: [fullScope(API_SCOPES.read)] });

    expectError(await client.call('deleteDocument', { id: MISSING_ID, token: readOnly }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await client.call('uploadDocument', { token: readOnly, body: makePdf(['x']), headers: { 'Content-Type': 'application/pdf' } }), 403, 'INSUFFICIENT_SCOPE');
    expect((await client.call('listDocuments', { token: readOnly })).status).toBe(200);
  });
});

describe('404, 409, 413, 415, 431', () => {
  it('answers 404 for an unknown route or method (gateway), a missing and a malformed document id', async () => {
    expectError(await client.raw('GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
    expectError(await client.raw('PATCH', '/v1/documents'), 404, 'NOT_FOUND');
    expectError(await client.raw('GET', '/v2/documents'), 404, 'NOT_FOUND');
    expectError(await client.call('getDocument', { id: MISSING_ID }), 404, 'NOT_FOUND');
    expectError(await client.call('getDocument', { id: '../../etc/passwd' }), 404, 'NOT_FOUND');
  });

  it('answers 409 for what the document’s status does not allow yet, and for a reused idempotency key', async () => {
    const waiting = (await createUpload(client, 'later.pdf', 100)).body.documentId;
    await uploadDirect(client, makePdf(['one']), { idempotencyKey: 'key-409' });

    expectError(await client.call('listDocumentPages', { id: waiting }), 409, 'DOCUMENT_NOT_READY');
    expectError(await client.call('downloadDocumentFile', { id: waiting }), 409, 'FILE_NOT_AVAILABLE');
    expectError(await uploadDirect(client, makePdf(['two']), { idempotencyKey: 'key-409' }), 409, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('answers 413 for a direct upload above 4 MB (pointing to /v1/uploads) and above the gateway’s 10 MB', async () => {
    const pdf = Buffer.concat([Buffer.from(makePdf(['big'])), Buffer.alloc(4 * 1024 * 1024 + 1, 0x20)]);

    const direct = await client.call('uploadDocument', { body: pdf, headers: { 'Content-Type': 'application/pdf' } });
    const huge = await client.raw('POST', '/v1/documents', { body: Buffer.alloc(11 * 1024 * 1024), headers: { 'Content-Type': 'application/pdf' } });

    expectError(direct, 413, 'PAYLOAD_TOO_LARGE');
    expect(direct.body.error.message).toContain('/v1/uploads');
    expectError(huge, 413, 'PAYLOAD_TOO_LARGE');
    expectError(await createUpload(client, 'too-big.pdf', 101 * 1024 * 1024), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 415 for a body that is not a PDF or not the expected media type', async () => {
    expectError(await client.call('uploadDocument', { body: '<html></html>', headers: { 'Content-Type': 'application/pdf' } }), 415, 'NOT_A_PDF');
    expectError(await client.call('uploadDocument', { body: makePdf(['x']), headers: { 'Content-Type': 'application/octet-stream' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await client.call('createUpload', { body: 'filename=a.pdf&size=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 431 in the error shape for huge headers', async () => {
    const answer = await rawGet(`${local.outputs.ApiUrl}/v1/documents`, { 'X-Huge': 'h'.repeat(64 * 1024) });

    expect(answer.status).toBe(431);
    expect(ErrorResponse.parse(JSON.parse(answer.body)).error.code).toBe('REQUEST_HEADER_FIELDS_TOO_LARGE');
  });
});

describe('429: quotas and throttling', () => {
  it('answers 429 with Retry-After once a user’s per-minute upload quota is used up, and not for other users', async () => {
    // Arrange: stay clear of a minute boundary, so the minute window is one window
    const second = new Date().getUTCSeconds();
    if (second >= 50) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    const quotaUser = client.withToken(await local.runtime.api.authority.issue('quota-user'));
    const other = client.withToken(await local.runtime.api.authority.issue('quota-other'));

    // Act
    const answers = [];
    for (let index = 0; index <= QUOTA.uploadsPerMinute; index += 1) answers.push(await createUpload(quotaUser, `q${index}.pdf`, 100));

    // Assert
    expect(answers.slice(0, QUOTA.uploadsPerMinute).map((answer) => answer.status)).toEqual([201, 201, 201]);
    const refused = answers.at(-1)!;
    expectError(refused, 429, 'UPLOAD_QUOTA_EXCEEDED');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await createUpload(other, 'fine.pdf', 100)).status).toBe(201);
  });

  it('throttles the stage: past the burst, the gateway answers 429 THROTTLED with Retry-After', async () => {
    // Arrange: a full bucket that does not refill while the requests arrive
    throttleClock.hold();
    const requests = THROTTLE.burstLimit * 2;

    try {
      // Act
      const answers = await Promise.all(Array.from({ length: requests }, () => client.raw('GET', `/v1/documents/${MISSING_ID}`)));

      // Assert: the burst passes (to the function, which finds nothing), the rest is throttled
      const throttled = answers.filter((answer) => answer.status === 429);
      expect(throttled).toHaveLength(requests - THROTTLE.burstLimit);
      for (const answer of throttled) {
        expectError(answer, 429, 'THROTTLED');
        expect(answer.headers.get('retry-after')).toBe('1');
      }
      expect(answers.filter((answer) => answer.status === 404)).toHaveLength(THROTTLE.burstLimit);
    } finally {
      throttleClock.release();
    }
  });

  it('lets requests through again once the bucket has refilled', async () => {
    // Arrange: the bucket drained, then held a little longer than one token takes to refill
    throttleClock.hold();
    await Promise.all(Array.from({ length: THROTTLE.burstLimit + 1 }, () => client.raw('GET', `/v1/documents/${MISSING_ID}`)));
    const drained = await client.raw('GET', `/v1/documents/${MISSING_ID}`);
    throttleClock.release();

    // Act
    const refilled = await client.raw('GET', `/v1/documents/${MISSING_ID}`);

    // Assert
    expectError(drained, 429, 'THROTTLED');
    expectError(refilled, 404, 'NOT_FOUND');
  });
});

describe('the local routes are the deployed routes', () => {
  it('serves exactly the methods of the synthesized dev template, with the same authorization', async () => {
    // Arrange
    const deployed = [...methods.entries()].filter(([key]) => !key.startsWith('OPTIONS '));

    // Act & Assert: each deployed method exists locally, authorized as deployed
    expect(deployed.map(([key]) => key).sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    // More routes than the test stage's burst: a throttled call waits as `Retry-After` says.
    const unthrottled = async (call: () => Promise<ApiAnswer>) => {
      for (;;) {
        const answer = await call();
        if (answer.status !== 429) return answer;
        await new Promise((resolve) => setTimeout(resolve, Number(answer.headers.get('retry-after') ?? '1') * 1000));
      }
    };
    for (const [key, method] of deployed) {
      const [httpMethod, path] = key.split(' ') as [string, string];
      const answer = await unthrottled(() => client.raw(httpMethod, path.replace('{id}', MISSING_ID).replace('{messageId}', 'msg_x'), { token: null }));
      if (method.AuthorizationType === 'NONE') expect(answer.status, key).toBe(200);
      else expectError(answer, 401, 'UNAUTHORIZED');
    }
    // …and nothing else does.
    for (const key of ['PUT /v1/documents', 'POST /v1/health', 'GET /v1/uploads', 'GET /v1/documents/x/y']) {
      const [httpMethod, path] = key.split(' ') as [string, string];
      expectError(await unthrottled(() => client.raw(httpMethod, path, { token: null })), 404, 'NOT_FOUND');
    }
  });
});

describe('500 and 503', () => {
  it('answers 500 without internals when a record points at a result that is gone', async () => {
    // Arrange: a record whose spilled metadata no longer exists
    const probe = new PipelineProbe(local);
    const id = '11111111-2222-4333-8444-555555555555';
    const now = new Date().toISOString();
    await probe.documents.create({
      documentId: id,
      ownerId: 'erring-user',
      status: 'COMPLETED',
      source: 'api',
      lane: 'interactive',
      generation: 1,
      attempts: 1,
      metadataRef: { bucket: local.outputs.BucketName, key: `results/${id}/g1/metadata.json` },
      createdAt: now,
      updatedAt: now,
    });

    // Act
    const answer = await client.call('getDocument', { id });

    // Assert
    expectError(answer, 500, 'INTERNAL');
    expect(answer.body.error.message).not.toMatch(/NoSuchKey|results\//);
  });

  it('answers health 200, then 503 with Retry-After once the queue is gone (last: it breaks the runtime)', async () => {
    expect((await client.call('getHealth')).body).toEqual({ status: 'ok' });

    await local.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: local.outputs.QueueUrl }));
    const answer = await client.call('getHealth');

    expectError(answer, 503, 'UNAVAILABLE');
    expect(answer.body.error.message).toContain('queue');
    expect(answer.headers.get('retry-after')).toBe('5');
  });
});
