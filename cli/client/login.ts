/**
 * Signing in to a deployed environment: Cognito's hosted UI with the authorization code grant and
 * PKCE, the answer received on a loopback redirect (RFC 8252), and the tokens kept per
 * environment under the user's config directory, readable by the user only. An expired access
 * token is renewed with the refresh token, so `login` is needed again only when that expires.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import envPaths from 'env-paths';
import * as oauth from 'openid-client';
import { CliError, EXIT_CODES } from './exit-codes.js';

/** Where and how to sign in: the environment's Cognito domain and app client. */
export interface HostedUiSettings {
  /** The Cognito domain, e.g. `https://pdf-pipeline-prod-123.auth.eu-west-1.amazoncognito.com` (stack output `AuthUrl`). */
  readonly authUrl: string;
  /** The public app client (stack output `UserPoolClientId`). */
  readonly clientId: string;
  /**
   * The loopback URL the hosted UI returns to; it must be one of the app client's callback URLs.
   * Port 0 takes any free port, for authorization servers that allow any loopback port.
   */
  readonly redirectUri: string;
  readonly scopes: readonly string[];
}

export interface StoredTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds the access token expires. */
  readonly expiresAt: number;
  /** Where they come from: tokens of another domain or client are not used. */
  readonly authUrl: string;
  readonly clientId: string;
}

/** The user's config directory for pdf-pipeline (`$PDF_PIPELINE_CONFIG_DIR` overrides it). */
export function defaultConfigDir(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.PDF_PIPELINE_CONFIG_DIR || envPaths('pdf-pipeline', { suffix: '' }).config;
}

/** Tokens per environment, one file each, mode 0600 in a 0700 directory. */
export class TokenStore {
  constructor(readonly dir: string = defaultConfigDir()) {}

  file(name: string): string {
    return join(this.dir, 'tokens', `${name}.json`);
  }

  read(name: string): StoredTokens | undefined {
    try {
      return JSON.parse(readFileSync(this.file(name), 'utf8')) as StoredTokens;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  write(name: string, tokens: StoredTokens): void {
    const file = this.file(name);
    mkdirSync(join(this.dir, 'tokens'), { recursive: true, mode: 0o700 });
    // Written whole, then renamed: a reader never sees half a file, and the mode is set before
    // any secret is in it.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(tokens), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  }

  remove(name: string): boolean {
    const file = this.file(name);
    try {
      rmSync(file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}

/** The hosted UI's OAuth 2.0 endpoints (`/oauth2/authorize`, `/oauth2/token`) for a public client. */
export function oauthConfiguration(settings: HostedUiSettings): oauth.Configuration {
  const base = settings.authUrl.replace(/\/+$/, '');
  const configuration = new oauth.Configuration(
    { issuer: base, authorization_endpoint: `${base}/oauth2/authorize`, token_endpoint: `${base}/oauth2/token` },
    settings.clientId,
    undefined,
    oauth.None(),
  );
  // Plain HTTP only for an authorization server on this machine (a test's stand-in).
  if (isLoopback(new URL(base))) oauth.allowInsecureRequests(configuration);
  return configuration;
}

/** Whether the access token is still good for at least `marginMs` (a request may take a while). */
export function isFresh(tokens: StoredTokens, now = Date.now(), marginMs = 60_000): boolean {
  return tokens.expiresAt - marginMs > now;
}

export interface SignInOptions {
  /** Opens the sign-in page for the user. @default the system's browser */
  readonly openBrowser?: (url: string) => void | Promise<void>;
  /** Told the URL, so a user without a browser here can open it elsewhere. */
  readonly onUrl?: (url: string) => void;
  /** @default 5 minutes */
  readonly timeoutMs?: number;
}

/** The authorization code flow with PKCE on a loopback redirect; the tokens it ends with. */
export async function signIn(settings: HostedUiSettings, options: SignInOptions = {}): Promise<StoredTokens> {
  const configuration = oauthConfiguration(settings);
  const verifier = oauth.randomPKCECodeVerifier();
  const state = oauth.randomState();
  const redirect = new URL(settings.redirectUri);
  if (redirect.protocol !== 'http:' || !isLoopback(redirect)) {
    throw new CliError(`The redirect ${settings.redirectUri} is not a loopback http URL`, EXIT_CODES.usage);
  }

  const callback = await listenForCallback(redirect, options.timeoutMs ?? 5 * 60_000);
  try {
    const authorizationUrl = oauth.buildAuthorizationUrl(configuration, {
      redirect_uri: callback.redirectUri,
      scope: settings.scopes.join(' '),
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    options.onUrl?.(authorizationUrl.href);
    // Not awaited: the browser comes back through the callback, whatever opening it reports.
    const open = options.openBrowser ?? openInBrowser;
    void Promise.resolve()
      .then(() => open(authorizationUrl.href))
      .catch(() => undefined);

    const { url, respond } = await callback.next;
    try {
      const errorCode = url.searchParams.get('error');
      if (errorCode) {
        throw new CliError(`Sign-in failed: ${errorCode} ${url.searchParams.get('error_description') ?? ''}`.trim(), EXIT_CODES.auth);
      }
      const answer = await oauth.authorizationCodeGrant(
        configuration,
        url,
        { pkceCodeVerifier: verifier, expectedState: state },
        { redirect_uri: callback.redirectUri },
      );
      respond(200, 'Signed in to pdf-pipeline. You can close this window.');
      return toStoredTokens(answer, settings);
    } catch (error) {
      respond(400, 'Sign-in failed; see the terminal.');
      if (error instanceof CliError) throw error;
      throw new CliError(`Sign-in failed: ${(error as Error).message}`, EXIT_CODES.auth);
    }
  } finally {
    await callback.close();
  }
}

/** A new access token from the refresh token; the refresh token is kept when none comes back. */
export async function refreshTokens(settings: HostedUiSettings, tokens: StoredTokens): Promise<StoredTokens> {
  if (!tokens.refreshToken) throw new CliError('The sign-in has no refresh token.', EXIT_CODES.auth);
  const answer = await oauth.refreshTokenGrant(oauthConfiguration(settings), tokens.refreshToken);
  const renewed = toStoredTokens(answer, settings);
  return { ...renewed, refreshToken: renewed.refreshToken ?? tokens.refreshToken };
}

function toStoredTokens(answer: oauth.TokenEndpointResponse, settings: HostedUiSettings): StoredTokens {
  return {
    accessToken: answer.access_token,
    ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}),
    expiresAt: Date.now() + (answer.expires_in ?? 3600) * 1000,
    authUrl: settings.authUrl,
    clientId: settings.clientId,
  };
}

interface Callback {
  readonly redirectUri: string;
  /** The first request to the redirect path, and a way to answer the browser. */
  readonly next: Promise<{ url: URL; respond: (status: number, text: string) => void }>;
  close(): Promise<void>;
}

/**
 * Listens on the redirect URI's port, on IPv4 and (where there is one) IPv6 loopback, since a
 * browser may resolve `localhost` to either; never on other interfaces.
 */
async function listenForCallback(redirect: URL, timeoutMs: number): Promise<Callback> {
  let deliver!: (value: { url: URL; respond: (status: number, text: string) => void }) => void;
  let fail!: (error: Error) => void;
  const next = new Promise<{ url: URL; respond: (status: number, text: string) => void }>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  next.catch(() => undefined);
  const path = redirect.pathname;
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    if (url.pathname !== path) {
      response.writeHead(404).end();
      return;
    }
    const callbackUrl = new URL(`${redirectUri}${url.search}`);
    deliver({
      url: callbackUrl,
      respond: (status, text) => {
        if (!response.headersSent) response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(text);
      },
    });
  };

  const servers: Server[] = [];
  const listen = (host: string, port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer(handler);
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  let port = Number(redirect.port || 80);
  try {
    const first = await listen('127.0.0.1', port);
    servers.push(first);
    port = (first.address() as AddressInfo).port;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `Cannot listen on 127.0.0.1:${port} for the sign-in answer (${code ?? (error as Error).message}).`,
      EXIT_CODES.auth,
      code === 'EADDRINUSE' ? 'Another `pdf-pipeline login` may be running; finish or stop it first.' : undefined,
    );
  }
  try {
    servers.push(await listen('::1', port));
  } catch {
    // no IPv6 loopback here: the IPv4 one serves
  }
  const redirectUri = `${redirect.protocol}//${redirect.hostname.includes(':') ? `[${redirect.hostname}]` : redirect.hostname}:${port}${path}`;
  const timer = setTimeout(() => fail(new CliError('Sign-in timed out: no answer from the browser.', EXIT_CODES.auth)), timeoutMs);
  return {
    redirectUri,
    next,
    close: async () => {
      clearTimeout(timer);
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

/** The system's way to open a URL; a failure only means the user opens the printed URL by hand. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // printed already
  }
}
