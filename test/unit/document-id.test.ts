import { describe, expect, it } from 'vitest';
import { deriveDocumentId } from '../../lambdas/extract/document-id.js';

describe('deriveDocumentId', () => {
  it('gives a redelivered event the same id', () => {
    expect(deriveDocumentId('b', 'incoming/u/a.pdf', 'v1')).toBe(deriveDocumentId('b', 'incoming/u/a.pdf', 'v1'));
  });

  it('gives another bucket, key or version another id', () => {
    const ids = new Set([
      deriveDocumentId('b', 'incoming/u/a.pdf', 'v1'),
      deriveDocumentId('c', 'incoming/u/a.pdf', 'v1'),
      deriveDocumentId('b', 'incoming/u/b.pdf', 'v1'),
      deriveDocumentId('b', 'incoming/u/a.pdf', 'v2'),
      deriveDocumentId('b', 'incoming/u/a.pdf', undefined),
    ]);
    expect(ids.size).toBe(5);
  });

  it('is formatted as a version-8 UUID', () => {
    expect(deriveDocumentId('b', 'k', undefined)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
