/**
 * The local gateway on its own, in front of a stand-in function that records its events: the
 * proxy events it builds, the authorizer (forged, `alg: none` and expired tokens), limits,
 * throttling, validation, CORS and the gateway's own error answers. No emulators are needed.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { rawGet } from '../support/api-client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, fullScope, API_SCOPES } from '../../lambdas/api/routes.js';
import { ErrorResponse } from '../../lambdas/api/schemas.js';
import { LocalAuthority } from '../../local/gateway/local-auth.js';
import { startLocalGateway, type LocalGateway, type LocalGatewayOptions } from '../../local/gateway/server.js';
import type { InvocationOutcome } from '../../local/lambda-invoker.js';
import { makeStateDir, removeStateDir } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';

const ORIGINS = ['https://app.example.com', 'https://admin.example.com'];
const stateDir = makeStateDir();
const otherStateDir = makeStateDir();
let authority: LocalAuthority;
let gateway: LocalGateway;
let token: string;
const events: APIGatewayProxyEvent[] = [];
let nextOutcome: (() => InvocationOutcome) | undefined;
const gateways: LocalGateway[] = [];

async function start(overrides: Partial<LocalGatewayOptions> = {}): Promise<LocalGateway> {
  const started = await startLocalGateway({
    port: 0,
    routes: ROUTES,
    stageName: 'api',
    allowedOrigins: ORIGINS,
    throttle: { rateLimit: 1000, burstLimit: 1000 },
    authority,
    invoke: async (event) => {
      events.push(event as APIGatewayProxyEvent);
      const outcome = nextOutcome?.();
      nextOutcome = undefined;
      return outcome ?? { status: 'succeeded', response: { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' } };
    },
    log: () => {},
    ...overrides,
  });
  gateways.push(started);
  return started;
}

beforeAll(async () => {
  authority = await LocalAuthority.open(stateDir);
  token = await authority.issue('user-1');
  gateway = await start();
});

afterAll(async () => {
  await Promise.all(gateways.map((started) => started.stop()));
  removeStateDir(stateDir);
  removeStateDir(otherStateDir);
});

async function send(path: string, init: RequestInit = {}, base = gateway) {
  const response = await fetch(`${base.url}${path}`, { redirect: 'manual', ...init });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

function expectGatewayError(answer: Awaited<ReturnType<typeof send>>, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(ErrorResponse.parse(answer.body).error.code).toBe(code);
}

const auth = (value = token) => ({ Authorization: `Bearer ${value}` });

describe('the proxy event', () => {
  it('is API Gateway’s REST proxy event: binary body base64, headers as sent, claims as the Cognito authorizer gives them', async () => {
    // Arrange
    const pdf = Buffer.from(makePdf(['hello']));
    events.length = 0;

    // Act
    await send('/v1/documents?filename=R%C3%A9sum%C3%A9.pdf&x=1&x=2', {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/pdf', 'X-Custom-Header': 'a' },
      body: pdf,
    });

    // Assert
    const [event] = events;
    expect(event).toMatchObject({
      resource: '/v1/documents',
      path: '/v1/documents',
      httpMethod: 'POST',
      isBase64Encoded: true,
      queryStringParameters: { filename: 'Résumé.pdf', x: '2' },
      multiValueQueryStringParameters: { filename: ['Résumé.pdf'], x: ['1', '2'] },
      pathParameters: null,
      stageVariables: null,
      requestContext: { stage: 'api', path: '/api/v1/documents', resourcePath: '/v1/documents', httpMethod: 'POST', requestId: expect.any(String) },
    });
    expect(Buffer.from(event!.body!, 'base64').equals(pdf)).toBe(true);
    expect(event!.headers['X-Custom-Header']).toBe('a');
    expect(event!.multiValueHeaders['X-Custom-Header']).toEqual(['a']);
    const claims = event!.requestContext.authorizer!.claims as Record<string, string>;
    expect(claims).toMatchObject({
      sub: 'user-1',
      token_use: 'access',
      scope: `${fullScope(API_SCOPES.read)} ${fullScope(API_SCOPES.write)}`,
    });
    for (const value of Object.values(claims)) expect(typeof value).toBe('string');
    expect(claims.exp).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
  });

  it('decodes path parameters, keeps JSON bodies as text, and has no authorizer on the public route', async () => {
    events.length = 0;

    await send('/v1/documents/abc%20def/pages', { headers: auth() });
    await send('/v1/uploads', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: '{"filename":"a.pdf","size":3}' });
    await send('/v1/health');

    expect(events[0]).toMatchObject({ resource: '/v1/documents/{id}/pages', pathParameters: { id: 'abc def' } });
    expect(events[1]).toMatchObject({ isBase64Encoded: false, body: '{"filename":"a.pdf","size":3}' });
    expect(events[2]!.requestContext.authorizer).toBeNull();
  });
});

describe('the authorizer', () => {
  it('lets a valid token through with or without the Bearer prefix', async () => {
    expect((await send('/v1/documents', { headers: auth() })).status).toBe(200);
    expect((await send('/v1/documents', { headers: { Authorization: token } })).status).toBe(200);
  });

  it('answers 401 in the error shape, with WWW-Authenticate, for a missing, forged, alg:none, expired or scope-less token', async () => {
    // Arrange
    const forger = await LocalAuthority.open(otherStateDir);
    const [header, payload] = token.split('.');
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'user-2' })).toString('base64url')}.${token.split('.')[2]}`;
    const tokens = {
      missing: undefined,
      forged: await forger.issue('user-1'),
      'alg:none': `${noneHeader}.${payload}.`,
      tampered,
      expired: await authority.issue('user-1', { ttlSeconds: -10 }),
      'no API scope': await authority.issue('user-1', { scopes: ['openid'] }),
      garbage: 'not-a-jwt',
    };
    events.length = 0;

    for (const [name, value] of Object.entries(tokens)) {
      // Act
      const answer = await send('/v1/documents', { headers: value ? auth(value) : {} });

      // Assert
      expectGatewayError(answer, 401, 'UNAUTHORIZED');
      expect(answer.headers.get('www-authenticate'), name).toBe('Bearer');
    }
    expect(events).toHaveLength(0);
  });
});

describe('routing, limits and validation', () => {
  it('answers an unknown route or method 404 NOT_FOUND, before asking for a token', async () => {
    expectGatewayError(await send('/v1/nothing'), 404, 'NOT_FOUND');
    expectGatewayError(await send('/v1/documents', { method: 'PUT', headers: auth() }), 404, 'NOT_FOUND');
    expectGatewayError(await send('/v1/documents/a/b/c', { headers: auth() }), 404, 'NOT_FOUND');
  });

  it('answers 413 above the 10 MB request limit and when the event passes Lambda’s 6 MB', async () => {
    const huge = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    const fiveMb = Buffer.alloc(5 * 1024 * 1024, 0x20);

    const tooLarge = await send('/v1/documents', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/pdf' }, body: huge });
    const eventTooLarge = await send('/v1/documents', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/pdf' }, body: fiveMb });

    expectGatewayError(tooLarge, 413, 'PAYLOAD_TOO_LARGE');
    expectGatewayError(eventTooLarge, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 431 in the error shape for huge headers', async () => {
    const answer = await rawGet(`${gateway.url}/v1/documents`, { ...auth(), 'X-Padding': 'x'.repeat(20_000) });

    expect(answer.status).toBe(431);
    expect(ErrorResponse.parse(JSON.parse(answer.body)).error.code).toBe('REQUEST_HEADER_FIELDS_TOO_LARGE');
  });

  it('validates the upload body against its model (bad JSON, unknown fields, wrong types) and requires Content-Type', async () => {
    const post = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
      send('/v1/uploads', { method: 'POST', headers: { ...auth(), ...headers }, body });
    events.length = 0;

    expectGatewayError(await post('{"filename":'), 400, 'INVALID_REQUEST_BODY');
    expectGatewayError(await post('{"filename":"a.pdf","size":1,"key":"uploads/x/y.pdf"}'), 400, 'INVALID_REQUEST_BODY');
    expectGatewayError(await post('{"filename":"a.pdf","size":"1"}'), 400, 'INVALID_REQUEST_BODY');
    // A byte body: fetch adds no Content-Type (for a string it would add text/plain).
    expectGatewayError(await send('/v1/documents', { method: 'POST', headers: auth(), body: Buffer.from('%PDF-') }), 400, 'INVALID_REQUEST_PARAMETERS');
    expect(events).toHaveLength(0);
  });

  it('throttles with 429 THROTTLED and Retry-After once the burst is spent', async () => {
    const throttled = await start({ throttle: { rateLimit: 1, burstLimit: 3 } });

    const answers = await Promise.all(Array.from({ length: 6 }, () => send('/v1/health', {}, throttled)));

    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(3);
    const rejected = answers.filter((answer) => answer.status === 429);
    expect(rejected).toHaveLength(3);
    for (const answer of rejected) {
      expectGatewayError(answer, 429, 'THROTTLED');
      expect(answer.headers.get('retry-after')).toBe('1');
    }
  });

  it('requires an API key on authorized routes when keys are on', async () => {
    const keyed = await start({ apiKeys: ['key-1'] });

    expectGatewayError(await send('/v1/documents', { headers: auth() }, keyed), 403, 'INVALID_API_KEY');
    expect((await send('/v1/documents', { headers: { ...auth(), 'x-api-key': 'key-1' } }, keyed)).status).toBe(200);
    expect((await send('/v1/health', {}, keyed)).status).toBe(200);
  });
});

describe('the integration', () => {
  it.each([
    ['a function error', { status: 'failed', reason: 'handler-error', message: 'boom' }, 502],
    ['a crash', { status: 'failed', reason: 'crash', message: 'exit 1' }, 502],
    ['a timeout', { status: 'failed', reason: 'timeout', message: 'timed out' }, 504],
    ['a malformed answer', { status: 'succeeded', response: { body: 'no status' } }, 502],
  ] as const)('answers %s in the error shape', async (_name, outcome, status) => {
    nextOutcome = () => outcome as InvocationOutcome;

    expectGatewayError(await send('/v1/documents', { headers: auth() }), status, 'INTERNAL');
  });

  it('passes the function’s status, headers and body through', async () => {
    nextOutcome = () => ({
      status: 'succeeded',
      response: { statusCode: 303, headers: { Location: 'http://example.com/file' }, multiValueHeaders: { 'X-Many': ['a', 'b'] }, body: '' },
    });

    const answer = await send('/v1/documents/x/file', { headers: auth() });

    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('http://example.com/file');
    expect(answer.headers.get('x-many')).toBe('a, b');
  });
});

describe('CORS', () => {
  it('answers preflights itself for the configured origins', async () => {
    const preflight = (origin: string) => send('/v1/documents/abc', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'DELETE' } });

    const allowed = await preflight(ORIGINS[1]!);
    const other = await preflight('https://evil.example.com');

    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGINS[1]);
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET,DELETE');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
    expect(other.headers.get('access-control-allow-origin')).toBe(ORIGINS[0]);
  });

  it('puts CORS headers on the gateway’s own errors too', async () => {
    const answer = await send('/v1/documents', { headers: { Origin: ORIGINS[1]! } });

    expectGatewayError(answer, 401, 'UNAUTHORIZED');
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGINS[1]);
  });
});
