/**
 * What the stores that guard API requests do, written once and run against the stores on
 * DynamoDB Local (`test/integration/request-guard-store.test.ts`) and against the in-memory
 * stand-ins the core tests use (`test/unit/document-stores-fake.test.ts`): idempotency keys (one
 * claim per key however many requests race, a takeover that keeps the document id, replayed
 * answers) and upload quotas (both windows move together, neither passes its limit).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { IdempotencyClaimRequest, IdempotencyStore } from '../../lambdas/shared/idempotency-store.js';
import type { UploadQuotaStore } from '../../lambdas/shared/upload-quota-store.js';

const NOW = Date.parse('2026-11-23T12:00:30.000Z');

/** The stores under test, over one table. */
export interface RequestGuardSubject {
  idempotency(): Pick<IdempotencyStore, keyof IdempotencyStore>;
  quotas(): Pick<UploadQuotaStore, keyof UploadQuotaStore>;
}

export function specifyRequestGuards(subject: () => RequestGuardSubject): void {
  const keys = () => subject().idempotency();
  const quotas = () => subject().quotas();
  const claimAt = (now: number, fields: Partial<IdempotencyClaimRequest> = {}): IdempotencyClaimRequest => ({
    requestHash: 'hash-a',
    documentId: randomUUID(),
    lockedUntil: now + 30_000,
    expiresAt: Math.floor(now / 1000) + 86_400,
    now,
    ...fields,
  });

  describe('IdempotencyStore', () => {
    it('lets exactly one of many racing requests claim a key', async () => {
      // Arrange
      const key = randomUUID();

      // Act
      const claims = await Promise.all(Array.from({ length: 8 }, () => keys().claim('alice', key, claimAt(NOW)).catch(() => ({ claimed: 'gave up' }))));

      // Assert
      expect(claims.filter((claim) => claim.claimed === true)).toHaveLength(1);
      expect(claims.filter((claim) => claim.claimed === false).length + claims.filter((claim) => claim.claimed === 'gave up').length).toBe(7);
    });

    it('answers a repeated request with the stored response once completed', async () => {
      // Arrange
      const key = randomUUID();
      const first = await keys().claim('alice', key, claimAt(NOW));
      const response = { statusCode: 202, body: { documentId: 'd-1', status: 'QUEUED' }, headers: { Location: '/v1/documents/d-1' } };

      // Act
      await keys().complete('alice', key, response);
      const repeated = await keys().claim('alice', key, claimAt(NOW + 1_000));

      // Assert
      expect(first.claimed).toBe(true);
      expect(repeated).toEqual({ claimed: false, existing: expect.objectContaining({ status: 'COMPLETED', requestHash: 'hash-a', response }) });
    });

    it('keeps owners apart: the same key of two owners is two keys', async () => {
      // Arrange
      const key = randomUUID();

      // Act
      const alice = await keys().claim('alice', key, claimAt(NOW));
      const bob = await keys().claim('bob', key, claimAt(NOW));

      // Assert
      expect([alice.claimed, bob.claimed]).toEqual([true, true]);
    });

    it('lets a retry of the same request take over a claim whose lock ran out, keeping its document id', async () => {
      // Arrange
      const key = randomUUID();
      const abandoned = await keys().claim('alice', key, claimAt(NOW));

      // Act
      const whileLocked = await keys().claim('alice', key, claimAt(NOW + 10_000));
      const otherRequest = await keys().claim('alice', key, claimAt(NOW + 31_000, { requestHash: 'hash-b' }));
      const takeover = await keys().claim('alice', key, claimAt(NOW + 31_000));

      // Assert
      expect(whileLocked.claimed).toBe(false);
      expect(otherRequest.claimed).toBe(false);
      expect(takeover).toEqual({ claimed: true, documentId: (abandoned as { documentId: string }).documentId });
    });

    it('frees a released key and an expired one for a new claim', async () => {
      // Arrange
      const [released, expired] = [randomUUID(), randomUUID()];
      await keys().claim('alice', released, claimAt(NOW));
      await keys().claim('alice', expired, claimAt(NOW, { expiresAt: Math.floor(NOW / 1000) + 60 }));
      await keys().complete('alice', expired, { statusCode: 202, body: {} });

      // Act
      await keys().release('alice', released);
      const afterRelease = await keys().claim('alice', released, claimAt(NOW + 1_000, { requestHash: 'hash-b' }));
      const afterExpiry = await keys().claim('alice', expired, claimAt(NOW + 60_000, { requestHash: 'hash-b' }));

      // Assert
      expect([afterRelease.claimed, afterExpiry.claimed]).toEqual([true, true]);
    });
  });

  describe('UploadQuotaStore', () => {
    it('allows up to the minute limit however many uploads race, then says how long to wait', async () => {
      // Arrange
      const owner = `owner-${randomUUID()}`;
      const quota = { perMinute: 5, perDay: 100 };

      // Act
      const decisions = await Promise.all(
        Array.from({ length: 12 }, () =>
          quotas()
            .consume(owner, new Date(NOW), quota)
            .catch((error: Error) => ({ allowed: 'error', name: error.name })),
        ),
      );
      // …then one at a time until refused: a racing transaction may have failed outright (its caller retries).
      let afterRace = 0;
      let refusal = await quotas().consume(owner, new Date(NOW), quota);
      for (; refusal.allowed && afterRace < 10; afterRace += 1) refusal = await quotas().consume(owner, new Date(NOW), quota);

      // Assert: exactly the limit allowed in all, then the wait until the minute ends
      expect(decisions.filter((decision) => decision.allowed === true).length + afterRace).toBe(5);
      expect(refusal).toEqual({ allowed: false, window: 'minute', retryAfterSeconds: 30 });
    });

    it('counts the day across minutes, and the day decides once it is full', async () => {
      // Arrange
      const owner = `owner-${randomUUID()}`;
      const quota = { perMinute: 2, perDay: 3 };
      const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 12, minute, 0));

      // Act
      const decisions = [];
      for (const minute of [0, 0, 1, 2]) decisions.push(await quotas().consume(owner, at(minute), quota));

      // Assert
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
      expect(decisions[3]).toEqual({ allowed: false, window: 'day', retryAfterSeconds: 12 * 3600 - 120 });
    });

    it('starts a new minute afresh, and keeps owners apart', async () => {
      // Arrange
      const [owner, other] = [`owner-${randomUUID()}`, `owner-${randomUUID()}`];
      const quota = { perMinute: 1, perDay: 100 };
      await quotas().consume(owner, new Date(NOW), quota);

      // Act
      const sameMinute = await quotas().consume(owner, new Date(NOW), quota);
      const nextMinute = await quotas().consume(owner, new Date(NOW + 60_000), quota);
      const otherOwner = await quotas().consume(other, new Date(NOW), quota);

      // Assert
      expect([sameMinute.allowed, nextMinute.allowed, otherOwner.allowed]).toEqual([false, true, true]);
    });
  });
}
