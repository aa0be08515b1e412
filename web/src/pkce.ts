/**
 * Sign-in against Cognito's hosted UI: the authorization code grant with PKCE (RFC 7636), as a
 * public client must use it. Pure functions over Web Crypto, so they run in the page and in tests.
 */
import type { CognitoAuthSettings } from './page-config.js';

/** A random, URL-safe string: 32 bytes give a 43-character verifier (RFC 7636 allows 43–128). */
export function randomUrlSafe(byteLength = 32): string {
  const bytes = new Uint8Array(byteLength);
  crypto.getRandomValues(bytes);
  return base64Url(bytes);
}

/** The S256 challenge of a verifier: base64url(SHA-256(verifier)), no padding. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Where to send the browser to sign in; `state` comes back unchanged and guards against forged returns. */
export function authorizeUrl(settings: CognitoAuthSettings, state: string, challenge: string): string {
  const url = new URL(`${settings.domain}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: ['openid', ...settings.scopes].join(' '),
    state,
    code_challenge_method: 'S256',
    code_challenge: challenge,
  }).toString();
  return url.toString();
}

/** The token endpoint and the form that exchanges the returned code, with the verifier that proves it is ours. */
export function tokenRequest(settings: CognitoAuthSettings, code: string, verifier: string): { readonly url: string; readonly body: URLSearchParams } {
  return {
    url: `${settings.domain}/oauth2/token`,
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code,
      redirect_uri: settings.redirectUri,
      code_verifier: verifier,
    }),
  };
}

/** Cognito's sign-out: ends the hosted UI's session too, then returns to the page. */
export function logoutUrl(settings: CognitoAuthSettings): string {
  const url = new URL(`${settings.domain}/logout`);
  url.search = new URLSearchParams({ client_id: settings.clientId, logout_uri: settings.logoutUri }).toString();
  return url.toString();
}
