/**
 * Webhook signatures as the Standard Webhooks specification defines them, so a receiver can use
 * any of its libraries, or `verifyWebhook` below:
 *
 * - `webhook-id`: the message id, the same on every attempt and redelivery of one message;
 * - `webhook-timestamp`: the attempt's time, integer seconds since the epoch;
 * - `webhook-signature`: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, one per active
 *   secret, separated by spaces (during a rotation the old and the new secret both sign).
 *
 * Secrets are `whsec_` + base64 of 32 random bytes; the HMAC key is the decoded bytes.
 *
 * No dependencies beyond node:crypto: receivers may copy this file as it is.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const SIGNATURE_VERSION = 'v1';
/** How far a timestamp may be from the receiver's clock before the message is refused (replay protection). */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/** The headers a signed delivery carries, lower-case as Node reports them. */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** A new secret: `whsec_` and 32 random bytes in base64. */
export function generateSecret(random: (size: number) => Buffer = randomBytes): string {
  return `${SECRET_PREFIX}${random(32).toString('base64')}`;
}

/** The HMAC key of a secret: the bytes of its base64 part (a secret without the prefix is accepted too). */
function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new Error('The webhook secret is empty or not base64.');
  return key;
}

/** One `v1,<signature>` entry for a message. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `${SIGNATURE_VERSION},${digest}`;
}

/** The three headers of one attempt, signed with every secret given (old and new during a rotation). */
export function signedHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): WebhookHeaders {
  if (secrets.length === 0) throw new Error('A webhook needs at least one secret to sign with.');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((secret) => signWebhook(secret, id, timestampSeconds, body)).join(' '),
  };
}

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

export interface VerifyOptions {
  /** @default DEFAULT_TOLERANCE_SECONDS */
  readonly toleranceSeconds?: number;
  /** The receiver's clock. @default Date.now */
  readonly now?: () => number;
}

type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>> | { get(name: string): string | null };

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const bag = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(bag).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

/**
 * Checks a received webhook: its signature (any `v1` entry made with `secret`) over the exact raw
 * body, and a timestamp within the tolerance of the receiver's clock. Returns the parsed body;
 * throws `WebhookVerificationError` otherwise.
 *
 * `headers` may be Node's `IncomingHttpHeaders`, a plain object or a Fetch `Headers`. `body` must
 * be the raw bytes as received (parsing and re-serializing JSON changes them).
 */
export function verifyWebhook(secret: string, headers: HeaderBag, body: string | Buffer, options: VerifyOptions = {}): unknown {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature.');
  if (!/^\d{1,15}$/.test(timestamp)) throw new WebhookVerificationError('webhook-timestamp is not integer seconds.');

  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) {
    throw new WebhookVerificationError('webhook-timestamp is outside the tolerance (a replay, or a wrong clock).');
  }

  const text = typeof body === 'string' ? body : body.toString('utf8');
  const expected = Buffer.from(signWebhook(secret, id, Number(timestamp), text));
  const matches = signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookVerificationError('No signature matches the secret.');
  return JSON.parse(text) as unknown;
}
