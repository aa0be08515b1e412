/**
 * The local pieces behind the web uploader, without the emulators: the web server (the page,
 * `config.json`, the local sign-in endpoint) and the CORS proxy in front of fauxqs.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_FULL_SCOPES } from '../../lambdas/api/routes.js';
import { LocalAuthority } from '../../local/gateway/local-auth.js';
import { silentLog } from '../../local/log.js';
import { startS3CorsProxy, type S3CorsProxy } from '../../local/s3-cors-proxy.js';
import { startLocalWebServer, type LocalWebServer } from '../../local/web-server.js';

interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A request with exactly these headers (fetch would not let a test set `Host` or `Origin`). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

describe('local web server', () => {
  let stateDir: string;
  let web: LocalWebServer;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-web-'));
    web = await startLocalWebServer({ port: 0, stateRoot: stateDir, log: silentLog });
  });

  afterAll(async () => {
    await web.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const tokenRequest = (body: string, headers: Record<string, string> = {}) =>
    raw(`${web.url}/dev-token`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  it('answers config.json only once the API it names is known', async () => {
    // Arrange
    const before = await raw(`${web.url}/config.json`);

    // Act
    web.configure({ apiUrl: 'http://127.0.0.1:3999', maxDirectUploadBytes: 10, maxUploadBytes: 20, connectSources: ['http://127.0.0.1:3999'] });
    const after = await raw(`${web.url}/config.json`);

    // Assert
    expect(before.status).toBe(503);
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body)).toEqual({
      apiUrl: 'http://127.0.0.1:3999',
      maxDirectUploadBytes: 10,
      maxUploadBytes: 20,
      auth: { mode: 'local', tokenUrl: '/dev-token' },
    });
  });

  it('serves the page at its root and at the sign-in callback path, under its security headers', async () => {
    // Act
    const root = await raw(`${web.url}/`);
    const callback = await raw(`${web.url}/auth/callback`);
    const script = await raw(`${web.url}/main.js`);
    const missing = await raw(`${web.url}/nothing-here.js`);

    // Assert
    expect(root.status).toBe(200);
    expect(root.body).toContain('<title>PDF uploader');
    expect(callback.body).toBe(root.body);
    expect(root.headers['content-security-policy']).toContain("script-src 'self'");
    expect(root.headers['content-security-policy']).toContain("connect-src 'self' http://127.0.0.1:3999");
    expect(root.headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(missing.status).toBe(404);
  });

  it('signs a user in with a token the local authority verifies, for that user and every scope', async () => {
    // Act
    const answer = await tokenRequest(JSON.stringify({ userId: 'alice' }));
    const { accessToken, expiresIn } = JSON.parse(answer.body) as { accessToken: string; expiresIn: number };
    const claims = await (await LocalAuthority.open(stateDir)).verify(accessToken, ALL_FULL_SCOPES);

    // Assert
    expect(answer.status).toBe(200);
    expect(expiresIn).toBe(3600);
    expect(claims.sub).toBe('alice');
    expect(String(claims.scope).split(' ').sort()).toEqual([...ALL_FULL_SCOPES].sort());
  });

  it.each([
    ['a form post (a cross-site form could send one)', () => tokenRequest('userId=alice', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415],
    ['a name other than loopback (DNS rebinding)', () => tokenRequest(JSON.stringify({ userId: 'alice' }), { Host: 'evil.example:5173' }), 403],
    ['a user id unfit for a key', () => tokenRequest(JSON.stringify({ userId: 'a/b' })), 400],
    ['broken JSON', () => tokenRequest('{'), 400],
    ['a GET', () => raw(`${web.url}/dev-token`), 405],
  ])('refuses %s', async (_case, send, status) => {
    // Act
    const answer = await send();

    // Assert
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  });
});

describe('S3 CORS proxy', () => {
  const ALLOWED = 'http://127.0.0.1:5173';
  let upstream: Server;
  let proxy: S3CorsProxy;
  const received: Array<{ method?: string; url?: string; body: string }> = [];

  beforeAll(async () => {
    // Stands for fauxqs: records requests and answers like an S3 POST upload, without CORS.
    upstream = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ method: request.method, url: request.url, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204, { ETag: '"abc"' });
        response.end();
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address() as { port: number };
    const target = `http://127.0.0.1:${address.port}`;
    const s3 = new S3Client({ endpoint: target, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    proxy = await startS3CorsProxy({ target, allowedOrigins: [ALLOWED], postObject: { s3, secretAccessKey: 'local', maxFormBytes: 1024 }, log: silentLog });
  });

  afterAll(async () => {
    await proxy.stop();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const preflight = (origin: string, method: string) =>
    raw(`${proxy.url}/pdf-pipeline-local`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'content-type' },
    });

  it('answers a preflight from an allowed origin as the bucket’s CORS rule does', async () => {
    // Act
    const answer = await preflight(ALLOWED, 'POST');

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-methods': 'POST, GET, HEAD',
      'access-control-allow-headers': 'content-type',
      'access-control-expose-headers': 'ETag',
    });
  });

  it('refuses a preflight from another origin, or for a method the rule does not allow', async () => {
    // Act
    const [otherOrigin, otherMethod] = await Promise.all([preflight('https://evil.example', 'POST'), preflight(ALLOWED, 'PUT')]);

    // Assert
    expect(otherOrigin.status).toBe(403);
    expect(otherOrigin.headers['access-control-allow-origin']).toBeUndefined();
    expect(otherMethod.status).toBe(403);
  });

  it('passes an upload through unchanged and adds CORS headers for an allowed origin only', async () => {
    // Act
    const allowed = await raw(`${proxy.url}/pdf-pipeline-local?x=1`, { method: 'POST', headers: { Origin: ALLOWED }, body: 'form' });
    const other = await raw(`${proxy.url}/pdf-pipeline-local`, { method: 'POST', headers: { Origin: 'https://evil.example' }, body: 'form' });

    // Assert
    expect(received.slice(-2).map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      { method: 'POST', url: '/pdf-pipeline-local?x=1', body: 'form' },
      { method: 'POST', url: '/pdf-pipeline-local', body: 'form' },
    ]);
    expect(allowed.status).toBe(204);
    expect(allowed.headers).toMatchObject({ 'access-control-allow-origin': ALLOWED, 'access-control-expose-headers': 'ETag', etag: '"abc"' });
    expect(other.status).toBe(204);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
