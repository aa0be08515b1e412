/**
 * The page's settings, read at run time from `config.json` beside it, so one build of the page
 * works against any API: the local runtime writes the file for its own gateway, the stack
 * deploys it with the environment's API URL and Cognito client.
 */

/** Where the page looks for its settings, relative to itself. */
export const PAGE_CONFIG_FILE = 'config.json';

/** The local runtime's sign-in: any user id, a token from an endpoint only the local web server has. */
export interface LocalAuthSettings {
  readonly mode: 'local';
  /** Same-origin URL that answers `POST {"userId"}` with `{"accessToken","expiresIn"}`. */
  readonly tokenUrl: string;
}

/** A deployed environment's sign-in: Cognito's hosted UI, authorization code with PKCE. */
export interface CognitoAuthSettings {
  readonly mode: 'cognito';
  /** The user pool domain, e.g. `https://pdf-pipeline-dev-123456789012.auth.eu-west-1.amazoncognito.com`. */
  readonly domain: string;
  /** The public app client (no secret). */
  readonly clientId: string;
  /** Where Cognito returns with the code: one of the app client's callback URLs. */
  readonly redirectUri: string;
  /** Where Cognito returns after signing out: one of the app client's sign-out URLs. */
  readonly logoutUri: string;
  /** Scopes requested: the API's, so the access token passes its authorizer. */
  readonly scopes: readonly string[];
}

export type AuthSettings = LocalAuthSettings | CognitoAuthSettings;

export interface PageConfig {
  /** The API's base URL, no trailing slash; routes start with `/v1`. */
  readonly apiUrl: string;
  /** Files up to this size go in the body of `POST /v1/documents`; larger ones by presigned POST. */
  readonly maxDirectUploadBytes: number;
  /** Largest file the API accepts at all (the presigned POST's limit). */
  readonly maxUploadBytes: number;
  readonly auth: AuthSettings;
}

/** `config.json` is missing a setting or has one of the wrong kind. */
export class PageConfigError extends Error {
  override readonly name = 'PageConfigError';
}

/** Checks what `config.json` holds; a page with broken settings says so instead of failing later. */
export function parsePageConfig(value: unknown): PageConfig {
  const root = record(value, 'config.json');
  const apiUrl = httpUrl(root.apiUrl, 'apiUrl').replace(/\/+$/, '');
  const maxDirectUploadBytes = positiveInteger(root.maxDirectUploadBytes, 'maxDirectUploadBytes');
  const maxUploadBytes = positiveInteger(root.maxUploadBytes, 'maxUploadBytes');
  if (maxUploadBytes < maxDirectUploadBytes) throw new PageConfigError('maxUploadBytes must be at least maxDirectUploadBytes');
  const auth = record(root.auth, 'auth');
  if (auth.mode === 'local') {
    return { apiUrl, maxDirectUploadBytes, maxUploadBytes, auth: { mode: 'local', tokenUrl: text(auth.tokenUrl, 'auth.tokenUrl') } };
  }
  if (auth.mode === 'cognito') {
    const scopes = auth.scopes;
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((scope) => typeof scope === 'string' && scope !== '')) {
      throw new PageConfigError('auth.scopes must be a non-empty list of scope names');
    }
    return {
      apiUrl,
      maxDirectUploadBytes,
      maxUploadBytes,
      auth: {
        mode: 'cognito',
        domain: httpUrl(auth.domain, 'auth.domain').replace(/\/+$/, ''),
        clientId: text(auth.clientId, 'auth.clientId'),
        redirectUri: httpUrl(auth.redirectUri, 'auth.redirectUri'),
        logoutUri: httpUrl(auth.logoutUri, 'auth.logoutUri'),
        scopes: scopes as string[],
      },
    };
  }
  throw new PageConfigError('auth.mode must be "local" or "cognito"');
}

function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PageConfigError(`${name} must be an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new PageConfigError(`${name} must be a non-empty string`);
  return value;
}

function httpUrl(value: unknown, name: string): string {
  const url = text(value, name);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PageConfigError(`${name} must be an absolute URL, got "${url}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new PageConfigError(`${name} must be an http(s) URL`);
  return url;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new PageConfigError(`${name} must be a positive integer`);
  return value;
}
