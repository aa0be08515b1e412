/**
 * The local stand-in for Cognito: an RS256 key pair kept under the state directory, which
 * `npm run token` signs access tokens with and the local gateway verifies them against, as the
 * Cognito authorizer verifies a user pool's access tokens (signature, expiry, issuer, client,
 * token use and scope). A token signed with anything else, `alg: none`, or expired, is refused.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { ALL_FULL_SCOPES } from '../../lambdas/api/routes.js';

/** What the local "user pool" is called, in outputs and tokens. */
export const LOCAL_AUTH = {
  userPoolId: 'local_pdfpipeline',
  clientId: 'local-app-client',
  /** Plainly not a Cognito issuer, so a local token is never mistaken for a real one. */
  issuer: 'urn:pdf-pipeline:local-user-pool',
  algorithm: 'RS256',
} as const;

/** Users become a segment of object keys (`incoming/<userId>/`), as Cognito's `sub` does. */
export const LOCAL_USER_ID = /^[A-Za-z0-9._@+=:-]{1,128}$/;

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

interface StoredKey {
  readonly kid: string;
  readonly privateJwk: JWK;
}

export interface TokenOptions {
  /** Scopes granted; every API scope by default. */
  readonly scopes?: readonly string[];
  /** Lifetime in seconds; negative issues an expired token (for tests). */
  readonly ttlSeconds?: number;
  /** Cognito groups, carried as `cognito:groups` (e.g. the admin group). @default none */
  readonly groups?: readonly string[];
}

/** Why a token was refused (the gateway answers 401 either way). */
export class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
}

export class LocalAuthority {
  private constructor(
    private readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly publicJwk: JWK,
  ) {}

  /** The key file under a state directory. */
  static keyFile(stateDir: string): string {
    return join(stateDir, 'auth', 'signing-key.json');
  }

  /**
   * Opens the state directory's signing key, creating it on first use. Creation is exclusive, so
   * the runtime and `npm run token` starting together end up with one key.
   */
  static async open(stateDir: string): Promise<LocalAuthority> {
    const file = LocalAuthority.keyFile(stateDir);
    let stored = readStoredKey(file);
    if (!stored) {
      const { privateKey } = await generateKeyPair(LOCAL_AUTH.algorithm, { extractable: true });
      const candidate: StoredKey = { kid: randomUUID(), privateJwk: await exportJWK(privateKey) };
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, JSON.stringify(candidate));
        closeSync(fd);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      stored = readStoredKey(file);
      if (!stored) throw new Error(`Could not read the signing key at ${file}`);
    }
    const privateKey = (await importJWK(stored.privateJwk, LOCAL_AUTH.algorithm)) as CryptoKey;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = stored.privateJwk;
    const publicKey = (await importJWK(publicJwk, LOCAL_AUTH.algorithm)) as CryptoKey;
    return new LocalAuthority(stored.kid, privateKey, publicKey, { ...publicJwk, kid: stored.kid, alg: LOCAL_AUTH.algorithm, use: 'sig' });
  }

  /**
   * An access token shaped like Cognito's: `sub`, `token_use: access`, `client_id`, `scope`,
   * `username`, and `cognito:groups` for a user in groups (Cognito leaves it out otherwise).
   */
  async issue(userId: string, options: TokenOptions = {}): Promise<string> {
    if (!LOCAL_USER_ID.test(userId)) {
      throw new Error(`User ids are letters, digits and . _ @ + = : - (up to 128), got "${userId}"`);
    }
    const now = Math.floor(Date.now() / 1000);
    const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    return new SignJWT({
      token_use: 'access',
      client_id: LOCAL_AUTH.clientId,
      scope: (options.scopes ?? ALL_FULL_SCOPES).join(' '),
      username: userId,
      auth_time: now,
      ...(options.groups?.length ? { 'cognito:groups': [...options.groups] } : {}),
    })
      .setProtectedHeader({ alg: LOCAL_AUTH.algorithm, kid: this.kid })
      .setIssuer(LOCAL_AUTH.issuer)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt(ttl < 0 ? now + ttl - 60 : now)
      .setExpirationTime(now + ttl)
      .sign(this.privateKey);
  }

  /**
   * Verifies an access token as the Cognito authorizer does for a method with scopes: a valid
   * RS256 signature by this key, not expired, this issuer and client, an access token, and one
   * of the scopes the method accepts. Returns its claims.
   */
  async verify(token: string, acceptedScopes: readonly string[]): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        issuer: LOCAL_AUTH.issuer,
        algorithms: [LOCAL_AUTH.algorithm],
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      throw new TokenRejected((error as Error).message);
    }
    if (payload.token_use !== 'access') throw new TokenRejected('not an access token');
    if (payload.client_id !== LOCAL_AUTH.clientId) throw new TokenRejected('issued to another client');
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.some((scope) => acceptedScopes.includes(scope))) throw new TokenRejected('no accepted scope');
    return payload;
  }
}

function readStoredKey(file: string): StoredKey | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Claims as API Gateway hands a Cognito authorizer's claims to a proxy integration
 * (`requestContext.authorizer.claims`): every value a string, times written like
 * `Mon Nov 23 19:38:00 UTC 2026`, lists (`cognito:groups`) joined with commas.
 */
export function toGatewayClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) continue;
    if ((name === 'exp' || name === 'iat' || name === 'auth_time' || name === 'nbf') && typeof value === 'number') {
      claims[name] = javaDateString(value);
    } else {
      claims[name] = typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : JSON.stringify(value);
    }
  }
  return claims;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function javaDateString(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(
    date.getUTCMinutes(),
  )}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}
