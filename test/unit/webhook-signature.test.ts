/** Webhook signatures: the Standard Webhooks specification's published example, rotation, refusals. */
import { describe, expect, it } from 'vitest';
import {
  generateSecret,
  signedHeaders,
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
} from '../../lambdas/shared/webhooks/signature.js';

// The example the Standard Webhooks specification and its reference libraries publish.
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const atSpecTime = { now: () => SPEC.timestamp * 1000 };
const specHeaders = (signature = SPEC.signature) => ({
  'webhook-id': SPEC.id,
  'webhook-timestamp': String(SPEC.timestamp),
  'webhook-signature': signature,
});

describe('signWebhook', () => {
  it('reproduces the specification’s example signature exactly', () => {
    expect(signWebhook(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature);
  });

  it('signs with every active secret, space-separated, during a rotation', () => {
    const next = generateSecret();

    const headers = signedHeaders([next, SPEC.secret], SPEC.id, SPEC.timestamp, SPEC.body);

    expect(headers['webhook-signature'].split(' ')).toEqual([signWebhook(next, SPEC.id, SPEC.timestamp, SPEC.body), SPEC.signature]);
    expect(headers['webhook-id']).toBe(SPEC.id);
    expect(headers['webhook-timestamp']).toBe('1614265330');
  });
});

describe('generateSecret', () => {
  it('issues whsec_ and 32 random bytes in base64', () => {
    const secret = generateSecret(() => Buffer.alloc(32, 7));

    expect(secret).toBe(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    expect(generateSecret()).not.toBe(generateSecret());
  });
});

describe('verifyWebhook', () => {
  it('accepts the specification’s example and returns the parsed body', () => {
    expect(verifyWebhook(SPEC.secret, specHeaders(), SPEC.body, atSpecTime)).toEqual({ test: 2432232314 });
  });

  it('accepts Fetch Headers, mixed-case names and a Buffer body', () => {
    const headers = new Headers({ 'Webhook-Id': SPEC.id, 'Webhook-Timestamp': String(SPEC.timestamp), 'Webhook-Signature': SPEC.signature });

    expect(verifyWebhook(SPEC.secret, headers, Buffer.from(SPEC.body), atSpecTime)).toEqual({ test: 2432232314 });
  });

  it('accepts a message whose signatures include one made with the secret', () => {
    const headers = specHeaders(`v1,bm9wZQ== ${SPEC.signature}`);

    expect(verifyWebhook(SPEC.secret, headers, SPEC.body, atSpecTime)).toEqual({ test: 2432232314 });
  });

  it.each([
    ['a changed body', specHeaders(), '{"test": 2432232315}'],
    ['another secret', specHeaders(signWebhook(generateSecret(), SPEC.id, SPEC.timestamp, SPEC.body)), SPEC.body],
    ['another version', specHeaders(SPEC.signature.replace('v1,', 'v2,')), SPEC.body],
    ['no signature', { 'webhook-id': SPEC.id, 'webhook-timestamp': String(SPEC.timestamp) }, SPEC.body],
  ])('refuses %s', (_case, headers, body) => {
    expect(() => verifyWebhook(SPEC.secret, headers, body, atSpecTime)).toThrow(WebhookVerificationError);
  });

  it('refuses a timestamp outside the tolerance (a replay)', () => {
    const sixMinutesLater = { now: () => (SPEC.timestamp + 6 * 60) * 1000 };

    expect(() => verifyWebhook(SPEC.secret, specHeaders(), SPEC.body, sixMinutesLater)).toThrow(/tolerance/);
  });
});
