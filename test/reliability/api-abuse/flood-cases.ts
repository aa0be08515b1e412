/** Volume abuse: header floods, and an upload burst from one user against the quota and the stage throttle. */
import { describe, expect, it } from 'vitest';
import { uploadKey } from '../../../lambdas/shared/s3-keys.js';
import { rawGet, type ApiAnswer } from '../../support/api-client.js';
import { uploadDirect } from '../../support/api-flows.js';
import { makePdf } from '../../support/pdf-factory.js';
import { accepted, as, documentsOf, expectCase, objectKeys, QUOTA, quotaCounters, rawRequest, run, throttleClock } from './abuse-run.js';

const BURST = 200;

export function describeFloodAbuse(): void {
  describe('header floods (431 or 400 in the error shape, and the gateway keeps serving)', () => {
    const url = () => `${run.local.outputs.ApiUrl}/v1/documents`;
    const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`X-Flood-${index}`, 'v'.repeat(8)]));

    it('serves hundreds of small headers within the 10 KB limit, and refuses them past it', async () => {
      const token = await run.local.runtime.api.authority.issue('flooder');

      const within = await rawGet(url(), { Authorization: `Bearer ${token}`, ...many(200) });
      const past = await rawGet(url(), { Authorization: `Bearer ${token}`, ...many(800) });

      expectCase('headers', '200 small headers (under 10 KB) → 200', { status: within.status }, 200);
      expectCase('headers', '800 small headers (over 10 KB) → 431', { status: past.status, body: JSON.parse(past.body) }, 431, {
        code: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
      });
    });

    it('refuses a 12 KB Authorization header as too large rather than reading it as a token', async () => {
      const answer = await rawGet(url(), { Authorization: `Bearer ${'e'.repeat(12 * 1024)}` });

      expectCase('headers', 'a 12 KB Authorization header → 431', { status: answer.status, body: JSON.parse(answer.body) }, 431, {
        code: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
      });
    });

    it('refuses an oversized Idempotency-Key within the header limit, storing nothing', async () => {
      const client = await as('flooder');

      const answer = await uploadDirect(client, makePdf(['x']), { idempotencyKey: 'k'.repeat(8 * 1024) });

      expectCase('headers', 'an 8 KB Idempotency-Key → 400', answer, 400, { code: 'INVALID_IDEMPOTENCY_KEY', sideEffectCheck: 'no document' });
      expect(await documentsOf('flooder')).toEqual([]);
    });

    it('answers a malformed header line 400 in the error shape', async () => {
      const answer = await rawRequest('GET /v1/health HTTP/1.1\r\nHost: localhost\r\nThis is no header\r\nConnection: close\r\n\r\n');

      expectCase('headers', 'a header line without a colon → 400', { status: answer.status, body: JSON.parse(answer.body) }, 400, { code: 'BAD_REQUEST' });
    });

    it('is still up after the floods', async () => {
      expect((await (await as('flooder')).call('getHealth')).status).toBe(200);
    });
  });

  describe('an upload burst from one user (429 with Retry-After; only the quota’s worth stored)', () => {
    it('accepts the per-minute quota and no more, refuses the rest at the stage throttle or the quota, and stores only what it accepted', async () => {
      // Arrange
      const client = await as('burster');
      throttleClock.hold(); // a full bucket, not refilled while the burst arrives

      // Act
      let answers: ApiAnswer[];
      try {
        answers = await Promise.all(Array.from({ length: BURST }, (_, index) => uploadDirect(client, makePdf([`burst ${index}`]))));
      } finally {
        throttleClock.release();
      }
      const stored = answers.filter((answer) => answer.status === 202).map((answer) => answer.body.documentId as string);
      for (const id of stored) accepted.add(id);

      // Assert: every answer is an acceptance or a 429 of one of the two kinds
      const byOutcome = new Map<string, ApiAnswer[]>();
      for (const answer of answers) {
        const outcome = answer.status === 202 ? '202' : `${answer.status} ${answer.body.error.code}`;
        byOutcome.set(outcome, [...(byOutcome.get(outcome) ?? []), answer]);
      }
      const quotaRefused = byOutcome.get('429 UPLOAD_QUOTA_EXCEEDED') ?? [];
      const throttled = byOutcome.get('429 THROTTLED') ?? [];
      expect([...byOutcome.keys()].sort()).toEqual(['202', '429 THROTTLED', '429 UPLOAD_QUOTA_EXCEEDED']);
      for (const answer of quotaRefused) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      for (const answer of quotaRefused) expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      for (const answer of throttled) expect(answer.headers.get('retry-after')).toBe('1');
      // …the quota held in every minute the burst touched (it may straddle two), counted as accepted…
      const minutes = await quotaCounters('burster', 'MINUTE#');
      expect(Math.max(...minutes)).toBe(QUOTA.uploadsPerMinute);
      expect(minutes.every((count) => count <= QUOTA.uploadsPerMinute)).toBe(true);
      expect(stored).toHaveLength(minutes.reduce((sum, count) => sum + count, 0));
      // …and only the accepted uploads left a record and an object.
      expect((await documentsOf('burster')).sort()).toEqual([...stored].sort());
      expect((await objectKeys()).filter((key) => key.includes('/burster/')).sort()).toEqual(stored.map((id) => uploadKey('burster', id)).sort());
      expectCase('rate limits', `${BURST} concurrent uploads: the per-minute quota (${QUOTA.uploadsPerMinute}) → 202`, answers.find((answer) => answer.status === 202)!, 202);
      expectCase('rate limits', `…past the per-user quota → 429 UPLOAD_QUOTA_EXCEEDED with Retry-After (${quotaRefused.length} of ${BURST})`, quotaRefused[0]!, 429, {
        code: 'UPLOAD_QUOTA_EXCEEDED',
        sideEffectCheck: 'only the accepted uploads stored; no quota window past its limit',
      });
      expectCase('rate limits', `…past the stage burst → 429 THROTTLED with Retry-After: 1 (${throttled.length} of ${BURST})`, throttled[0]!, 429, { code: 'THROTTLED' });
    });
  });
}
