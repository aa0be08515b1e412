/**
 * Who is signed in: an access token kept in session storage (gone when the tab closes), obtained
 * from the local runtime's token endpoint or from Cognito's hosted UI.
 */
import type { CognitoAuthSettings, LocalAuthSettings } from './page-config.js';
import { authorizeUrl, codeChallenge, logoutUrl, randomUrlSafe, tokenRequest } from './pkce.js';

export interface Session {
  readonly accessToken: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** Shown beside "Sign out": the user id, or the token's `username`. */
  readonly userLabel: string;
}

const SESSION_KEY = 'pdf-pipeline.session';
const PENDING_SIGN_IN_KEY = 'pdf-pipeline.pending-sign-in';
/** A token this close to expiry is not used: a call it starts could be refused halfway through. */
const EXPIRY_MARGIN_MS = 30_000;

export function currentSession(): Session | undefined {
  const stored = sessionStorage.getItem(SESSION_KEY);
  if (!stored) return undefined;
  try {
    const session = JSON.parse(stored) as Session;
    if (typeof session.accessToken === 'string' && session.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return session;
  } catch {
    // unreadable: treated as signed out
  }
  sessionStorage.removeItem(SESSION_KEY);
  return undefined;
}

export function endSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

function keep(accessToken: string, expiresInSeconds: number, userLabel: string): Session {
  const session: Session = { accessToken, expiresAt: Date.now() + expiresInSeconds * 1000, userLabel };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

/** The local runtime: any user id gets a token from the local web server (never deployed). */
export async function signInLocally(settings: LocalAuthSettings, userId: string): Promise<Session> {
  const response = await fetch(settings.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  const body = (await response.json().catch(() => undefined)) as
    | { accessToken?: string; expiresIn?: number; error?: { message?: string } }
    | undefined;
  if (!response.ok || typeof body?.accessToken !== 'string' || typeof body.expiresIn !== 'number') {
    throw new Error(body?.error?.message ?? `Sign-in failed (${response.status}).`);
  }
  return keep(body.accessToken, body.expiresIn, userId);
}

/** Sends the browser to Cognito's hosted UI; it comes back to `redirectUri` with a code. */
export async function startCognitoSignIn(settings: CognitoAuthSettings): Promise<void> {
  const verifier = randomUrlSafe();
  const state = randomUrlSafe(16);
  sessionStorage.setItem(PENDING_SIGN_IN_KEY, JSON.stringify({ verifier, state }));
  window.location.assign(authorizeUrl(settings, state, await codeChallenge(verifier)));
}

/**
 * Finishes a sign-in when the page was opened by Cognito's redirect (`?code=…&state=…`), and
 * removes the code from the address bar. Returns `undefined` when there is nothing to finish.
 */
export async function completeCognitoSignIn(settings: CognitoAuthSettings, location: URL): Promise<Session | undefined> {
  const code = location.searchParams.get('code');
  const error = location.searchParams.get('error');
  if (!code && !error) return undefined;
  history.replaceState(null, '', location.pathname);
  const pending = sessionStorage.getItem(PENDING_SIGN_IN_KEY);
  sessionStorage.removeItem(PENDING_SIGN_IN_KEY);
  if (error) throw new Error(`Sign-in was not completed: ${location.searchParams.get('error_description') ?? error}.`);
  const { verifier, state } = (pending ? JSON.parse(pending) : {}) as { verifier?: string; state?: string };
  if (!verifier || state !== location.searchParams.get('state')) {
    throw new Error('This sign-in did not start on this page: sign in again.');
  }
  const request = tokenRequest(settings, code!, verifier);
  const response = await fetch(request.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: request.body,
  });
  const body = (await response.json().catch(() => undefined)) as
    | { access_token?: string; expires_in?: number; error?: string }
    | undefined;
  if (!response.ok || typeof body?.access_token !== 'string') {
    throw new Error(`Sign-in failed: ${body?.error ?? response.status}.`);
  }
  return keep(body.access_token, body.expires_in ?? 3600, usernameOf(body.access_token));
}

export function cognitoLogoutUrl(settings: CognitoAuthSettings): string {
  return logoutUrl(settings);
}

/** The `username` claim, for display only (the API verifies the token; the page does not need to). */
function usernameOf(accessToken: string): string {
  try {
    const payload = JSON.parse(atob(accessToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { username?: string };
    return payload.username ?? 'signed in';
  } catch {
    return 'signed in';
  }
}
