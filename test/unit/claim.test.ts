import { describe, expect, it } from 'vitest';
import { decideClaim, type Delivery } from '../../lambdas/extract/claim.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';

const record = (overrides: Partial<DocumentRecord> = {}): DocumentRecord => ({
  documentId: 'doc-1',
  source: 'drop-folder',
  lane: 'bulk',
  status: 'PROCESSING',
  sequencer: '0000000000000010',
  generation: 1,
  attempts: 1,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...overrides,
});

const delivery = (overrides: Partial<Delivery> = {}): Delivery => ({
  sequencer: '0000000000000010',
  receiveCount: 1,
  maxAttempts: 5,
  ...overrides,
});

describe('decideClaim', () => {
  it('creates the record when none exists', () => {
    expect(decideClaim(undefined, delivery())).toEqual({ action: 'create' });
  });

  it('claims the next attempt of a document that is not yet terminal', () => {
    expect(decideClaim(record({ status: 'QUEUED', attempts: 0 }), delivery())).toEqual({ action: 'claim', attempt: 1 });
    expect(decideClaim(record({ status: 'PROCESSING', attempts: 2 }), delivery({ receiveCount: 3 }))).toEqual({
      action: 'claim',
      attempt: 3,
    });
  });

  it('claims an API record that has not seen an event yet (no sequencer)', () => {
    expect(decideClaim(record({ status: 'UPLOADING', sequencer: undefined, attempts: 0 }), delivery())).toEqual({
      action: 'claim',
      attempt: 1,
    });
  });

  it.each(['COMPLETED', 'FAILED'] as const)('skips a duplicate event for a %s document', (status) => {
    expect(decideClaim(record({ status }), delivery())).toEqual({ action: 'skip', reason: 'duplicate' });
  });

  it('never brings back a document its owner deleted', () => {
    expect(decideClaim(record({ status: 'QUEUED', deletedAt: '2026-11-23T11:00:00.000Z' }), delivery())).toEqual({
      action: 'skip',
      reason: 'deleted',
    });
  });

  it('skips an event older than the one the record describes, whatever the status', () => {
    const stale = delivery({ sequencer: '000000000000000F' });

    expect(decideClaim(record({ status: 'QUEUED' }), stale)).toEqual({ action: 'skip', reason: 'stale' });
    expect(decideClaim(record({ status: 'COMPLETED' }), stale)).toEqual({ action: 'skip', reason: 'stale' });
  });

  it('restarts a completed document when a newer version of its object arrives', () => {
    expect(decideClaim(record({ status: 'COMPLETED' }), delivery({ sequencer: '0000000000000011' }))).toEqual({
      action: 'restart',
    });
  });

  it('records POISON on the last allowed attempt instead of extracting again', () => {
    expect(decideClaim(record({ attempts: 4 }), delivery({ receiveCount: 5 }))).toEqual({ action: 'poison', attempt: 5 });
  });

  it('counts attempts from the record, so a redrive that resets the receive count cannot loop', () => {
    expect(decideClaim(record({ attempts: 7 }), delivery({ receiveCount: 1 }))).toEqual({ action: 'poison', attempt: 8 });
  });

  it('revives a POISON document on a fresh delivery (a redrive) and lets a redelivery go on to the DLQ', () => {
    const poisoned = record({ status: 'FAILED', attempts: 5, error: { code: 'POISON', message: 'gave up' } });

    expect(decideClaim(poisoned, delivery({ receiveCount: 1 }))).toEqual({ action: 'revive' });
    expect(decideClaim(poisoned, delivery({ receiveCount: 2 }))).toEqual({ action: 'dead-letter' });
  });
});
