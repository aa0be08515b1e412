/**
 * Signing in and staying signed in: the authorization code flow with PKCE against a small
 * OAuth 2.0 authorization server served by the test on loopback (real HTTP, as Cognito's
 * `/oauth2/authorize` and `/oauth2/token` answer), the token store's file permissions, and the
 * renewal of an expired access token with the refresh token.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tokenSource, resolveClientTarget, type AwsClientTarget } from '../../cli/client/api-target.js';
import { CliError, EXIT_CODES } from '../../cli/client/exit-codes.js';
import { refreshTokens, signIn, TokenStore, type HostedUiSettings, type StoredTokens } from '../../cli/client/login.js';
import { ALL_FULL_SCOPES } from '../../lambdas/api/routes.js';
import { CLI_LOGIN_CALLBACK_URL, CONFIGS, deriveSettings } from '../../lib/config.js';

const CLIENT_ID = 'cli-test-client';

/** What the fake authorization server saw and handed out. */
interface Grant {
  readonly challenge: string;
  readonly method: string;
  readonly redirectUri: string;
  readonly scope: string;
}

/** A minimal authorization server: code grant with PKCE (S256 only) and refresh tokens. */
class FakeAuthorizationServer {
  readonly codes = new Map<string, Grant>();
  readonly refreshTokens = new Set<string>();
  readonly tokenRequests: URLSearchParams[] = [];
  /** Lifetime of the access tokens it hands out, in seconds. */
  accessTokenSeconds = 3600;
  private server!: Server;
  url!: string;

  async start(): Promise<void> {
    this.server = createServer(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method === 'GET' && url.pathname === '/oauth2/authorize') {
        const query = url.searchParams;
        if (query.get('client_id') !== CLIENT_ID || query.get('response_type') !== 'code') {
          response.writeHead(400).end('bad client or response type');
          return;
        }
        const code = randomUUID();
        this.codes.set(code, {
          challenge: query.get('code_challenge') ?? '',
          method: query.get('code_challenge_method') ?? '',
          redirectUri: query.get('redirect_uri') ?? '',
          scope: query.get('scope') ?? '',
        });
        const back = new URL(query.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', query.get('state') ?? '');
        response.writeHead(302, { Location: back.href }).end();
        return;
      }
      if (request.method === 'POST' && url.pathname === '/oauth2/token') {
        let body = '';
        for await (const chunk of request) body += chunk;
        const form = new URLSearchParams(body);
        this.tokenRequests.push(form);
        const answer = this.exchange(form);
        response.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
        return;
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private exchange(form: URLSearchParams): { status: number; body: Record<string, unknown> } {
    const invalid = (error: string) => ({ status: 400, body: { error } });
    if (form.get('client_id') !== CLIENT_ID) return invalid('invalid_client');
    if (form.get('grant_type') === 'authorization_code') {
      const grant = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      if (!grant || grant.redirectUri !== form.get('redirect_uri')) return invalid('invalid_grant');
      const computed = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (grant.method !== 'S256' || computed !== grant.challenge) return invalid('invalid_grant');
      return { status: 200, body: this.tokens(true) };
    }
    if (form.get('grant_type') === 'refresh_token') {
      if (!this.refreshTokens.has(form.get('refresh_token') ?? '')) return invalid('invalid_grant');
      // As Cognito does: a new access token, the same refresh token (none in the answer).
      return { status: 200, body: this.tokens(false) };
    }
    return invalid('unsupported_grant_type');
  }

  private tokens(withRefresh: boolean): Record<string, unknown> {
    const refresh = `refresh-${randomUUID()}`;
    if (withRefresh) this.refreshTokens.add(refresh);
    return {
      access_token: `access-${randomUUID()}`,
      token_type: 'Bearer',
      expires_in: this.accessTokenSeconds,
      ...(withRefresh ? { refresh_token: refresh } : {}),
    };
  }
}

let authServer: FakeAuthorizationServer;
let scratch: string;

beforeAll(async () => {
  authServer = new FakeAuthorizationServer();
  await authServer.start();
});

afterAll(async () => {
  await authServer.stop();
});

afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const settings = (): HostedUiSettings => ({
  authUrl: authServer.url,
  clientId: CLIENT_ID,
  // Port 0: any free port, so parallel test files never collide.
  redirectUri: 'http://127.0.0.1:0/callback',
  scopes: ALL_FULL_SCOPES,
});

/** Stands for the user's browser: follows the sign-in page's redirect back to the CLI. */
function browser() {
  const visits: Promise<Response>[] = [];
  return { visits, open: (url: string) => void visits.push(fetch(url)) };
}

describe('signIn', () => {
  it('completes the code flow with PKCE (S256) on a loopback redirect and returns the tokens', async () => {
    // Arrange
    const user = browser();

    // Act
    const tokens = await signIn(settings(), { openBrowser: user.open });
    const page = await user.visits[0]!;

    // Assert
    expect(tokens).toMatchObject({ accessToken: expect.stringMatching(/^access-/), refreshToken: expect.stringMatching(/^refresh-/), clientId: CLIENT_ID });
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    const exchange = authServer.tokenRequests.at(-1)!;
    expect(exchange.get('grant_type')).toBe('authorization_code');
    expect(exchange.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
    expect(exchange.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in');
  });

  it('asks for the API scopes', async () => {
    const user = browser();
    let requested = '';

    await signIn(settings(), {
      openBrowser: (url) => {
        requested = new URL(url).searchParams.get('scope') ?? '';
        user.open(url);
      },
    });

    expect(requested.split(' ').sort()).toEqual([...ALL_FULL_SCOPES].sort());
  });

  it('fails with the authorization server’s error when the user does not consent', async () => {
    // Arrange: a browser that comes back with an error instead of a code
    const decline = (url: string) => {
      const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
      redirect.searchParams.set('error', 'access_denied');
      redirect.searchParams.set('state', new URL(url).searchParams.get('state')!);
      void fetch(redirect);
    };

    // Act
    const attempt = signIn(settings(), { openBrowser: decline });

    // Assert
    await expect(attempt).rejects.toMatchObject({ exitCode: EXIT_CODES.auth, message: expect.stringContaining('access_denied') });
  });

  it('refuses an answer with another state (a forged callback)', async () => {
    const forge = (url: string) => {
      const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
      redirect.searchParams.set('code', 'stolen');
      redirect.searchParams.set('state', 'not-the-one-sent');
      void fetch(redirect);
    };

    await expect(signIn(settings(), { openBrowser: forge })).rejects.toBeInstanceOf(CliError);
  });
});

describe('refreshTokens', () => {
  it('gets a new access token and keeps the refresh token the server did not replace', async () => {
    const user = browser();
    const first = await signIn(settings(), { openBrowser: user.open });

    const renewed = await refreshTokens(settings(), first);

    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(renewed.refreshToken).toBe(first.refreshToken);
  });
});

describe('TokenStore', () => {
  it('keeps tokens per environment in a file only the user can read, in a folder only the user can enter', () => {
    // Arrange
    scratch = mkdtempSync(join(tmpdir(), 'pdf-pipeline-tokens-'));
    const store = new TokenStore(join(scratch, 'config'));
    const tokens: StoredTokens = { accessToken: 'a', refreshToken: 'r', expiresAt: 1, authUrl: 'https://x', clientId: 'c' };

    // Act
    store.write('staging', tokens);

    // Assert
    expect(store.read('staging')).toEqual(tokens);
    expect(store.read('prod')).toBeUndefined();
    expect(statSync(store.file('staging')).mode & 0o777).toBe(0o600);
    expect(statSync(join(scratch, 'config', 'tokens')).mode & 0o777).toBe(0o700);
    expect(store.remove('staging')).toBe(true);
    expect(store.read('staging')).toBeUndefined();
  });
});

describe('tokenSource for a deployed environment', () => {
  /** A `staging` target whose outputs point at the fake authorization server. */
  function stagingTarget(): { target: AwsClientTarget; store: TokenStore } {
    scratch = mkdtempSync(join(tmpdir(), 'pdf-pipeline-login-'));
    const outputsDir = join(scratch, 'cdk-outputs');
    mkdirSync(outputsDir);
    const { stackName } = deriveSettings(CONFIGS.staging);
    writeFileSync(
      join(outputsDir, 'staging.json'),
      JSON.stringify({ [stackName]: { ApiUrl: 'https://api.example.com/api', AuthUrl: authServer.url, UserPoolClientId: CLIENT_ID } }),
    );
    const target = resolveClientTarget({ env: 'staging', outputsDir });
    if (target.kind !== 'aws') throw new Error('expected a deployed target');
    return { target, store: new TokenStore(join(scratch, 'config')) };
  }

  it('uses the stored access token while it is fresh', async () => {
    const { target, store } = stagingTarget();
    store.write('staging', { accessToken: 'still-good', expiresAt: Date.now() + 600_000, authUrl: authServer.url, clientId: CLIENT_ID });

    const token = await tokenSource(target, { store, environment: {} })();

    expect(token).toBe('still-good');
  });

  it('renews an expired access token with the refresh token and stores the new one', async () => {
    // Arrange: a real sign-in, then its access token expired
    const { target, store } = stagingTarget();
    const signedIn = await signIn({ ...target.hostedUi!, redirectUri: 'http://127.0.0.1:0/callback' }, { openBrowser: browser().open });
    store.write('staging', { ...signedIn, expiresAt: Date.now() - 1000 });

    // Act
    const token = await tokenSource(target, { store, environment: {} })();

    // Assert
    expect(token).not.toBe(signedIn.accessToken);
    expect(token).toMatch(/^access-/);
    expect(store.read('staging')).toMatchObject({ accessToken: token, refreshToken: signedIn.refreshToken });
    expect(store.read('staging')!.expiresAt).toBeGreaterThan(Date.now());
  });

  it('says to sign in again when the refresh token is refused', async () => {
    const { target, store } = stagingTarget();
    store.write('staging', { accessToken: 'old', refreshToken: 'revoked', expiresAt: Date.now() - 1000, authUrl: authServer.url, clientId: CLIENT_ID });

    const attempt = tokenSource(target, { store, environment: {} })();

    await expect(attempt).rejects.toMatchObject({ exitCode: EXIT_CODES.auth, hint: expect.stringContaining('pdf-pipeline login --env staging') });
  });

  it('says to sign in when it never signed in, or signed in with another app client', async () => {
    const { target, store } = stagingTarget();
    const none = tokenSource(target, { store, environment: {} })();
    store.write('staging', { accessToken: 'x', expiresAt: Date.now() + 600_000, authUrl: authServer.url, clientId: 'a-replaced-client' });
    const foreign = tokenSource(target, { store, environment: {} })();

    await expect(none).rejects.toMatchObject({ exitCode: EXIT_CODES.auth, message: 'Not signed in to staging.' });
    await expect(foreign).rejects.toMatchObject({ exitCode: EXIT_CODES.auth });
  });

  it('signs in through the loopback URL every environment allows as a callback', () => {
    const { target } = stagingTarget();

    expect(target.hostedUi?.redirectUri).toBe(CLI_LOGIN_CALLBACK_URL);
  });
});
