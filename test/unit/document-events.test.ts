import { describe, expect, it } from 'vitest';
import { DOCUMENT_EVENT_TYPES, documentEventFor, TERMINAL_RECORD_FILTER } from '../../lambdas/shared/document-events.js';
import { documentPayload } from '../../lambdas/shared/webhooks/events.js';
import { passesFilters } from '../../local/event-pattern.js';

/** A document item as the table stream shows it (unmarshalled). */
const item = (fields: Record<string, unknown>) => ({
  pk: 'DOC#d1',
  sk: 'DOCUMENT',
  documentId: 'd1',
  ownerId: 'user-1',
  generation: 1,
  attempts: 1,
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...fields,
});

describe('documentEventFor', () => {
  it('emits Document Completed when a PROCESSING record completes', () => {
    // Act
    const event = documentEventFor(
      item({ status: 'PROCESSING' }),
      item({ status: 'COMPLETED', pageCount: 3, updatedAt: '2026-11-23T10:00:05.000Z', metadata: { title: 'secret title' } }),
    );

    // Assert: ids, status and counts only; nothing from the document's content.
    expect(event).toEqual({
      detailType: DOCUMENT_EVENT_TYPES.COMPLETED,
      detail: {
        documentId: 'd1',
        ownerId: 'user-1',
        status: 'COMPLETED',
        pageCount: 3,
        generation: 1,
        occurredAt: '2026-11-23T10:00:05.000Z',
        eventKey: 'd1:1:COMPLETED:2026-11-23T10:00:05.000Z',
      },
    });
  });

  it("names the completed generation's Markdown and chunk objects, for an indexing consumer", () => {
    // Arrange
    const markdownRef = { bucket: 'docs', key: 'results/d1/g2/document.md' };
    const chunksRef = { bucket: 'docs', key: 'results/d1/g2/chunks.jsonl' };

    // Act
    const event = documentEventFor(
      item({ status: 'PROCESSING', generation: 2 }),
      item({ status: 'COMPLETED', generation: 2, pageCount: 3, markdownRef, chunksRef, chunkCount: 7 }),
    );

    // Assert
    expect(event?.detail).toMatchObject({ markdown: markdownRef, chunks: { ...chunksRef, count: 7 } });
  });

  it('names no Markdown for a document completed without it, nor for a failure', () => {
    const completed = documentEventFor(item({ status: 'PROCESSING' }), item({ status: 'COMPLETED', pageCount: 1 }));
    const failed = documentEventFor(
      item({ status: 'PROCESSING' }),
      item({ status: 'FAILED', error: { code: 'CORRUPT' }, markdownRef: { bucket: 'docs', key: 'results/d1/g1/document.md' } }),
    );

    expect(completed?.detail).not.toHaveProperty('markdown');
    expect(failed?.detail).not.toHaveProperty('markdown');
    expect(failed?.detail).not.toHaveProperty('chunks');
  });

  it('emits Document Failed with the error code, and no message', () => {
    // Act
    const event = documentEventFor(
      item({ status: 'PROCESSING' }),
      item({ status: 'FAILED', error: { code: 'ENCRYPTED', message: 'The file needs a password.' } }),
    );

    // Assert
    expect(event?.detailType).toBe('Document Failed');
    expect(event?.detail).toMatchObject({ status: 'FAILED', errorCode: 'ENCRYPTED' });
    expect(JSON.stringify(event)).not.toContain('password');
  });

  it('emits for a record created terminal (a drop-folder file without an owner)', () => {
    // Act
    const event = documentEventFor(undefined, item({ ownerId: undefined, status: 'FAILED', error: { code: 'NO_OWNER', message: 'x' } }));

    // Assert
    expect(event?.detail).toMatchObject({ documentId: 'd1', status: 'FAILED', errorCode: 'NO_OWNER' });
    expect(event?.detail).not.toHaveProperty('ownerId');
  });

  it.each([
    ['a write that leaves a terminal record terminal', item({ status: 'COMPLETED' }), item({ status: 'COMPLETED', updatedAt: 'later' })],
    ['a tombstone on a completed document', item({ status: 'COMPLETED' }), item({ status: 'COMPLETED', generation: 2, deletedAt: 'now' })],
    ['a deleted document reaching a terminal status', item({ status: 'PROCESSING', deletedAt: 'then' }), item({ status: 'FAILED', deletedAt: 'then' })],
    ['a claim', item({ status: 'QUEUED' }), item({ status: 'PROCESSING' })],
    ['a POISON document revived by a redrive', item({ status: 'FAILED', error: { code: 'POISON' } }), item({ status: 'PROCESSING' })],
    ['a page item', undefined, { pk: 'DOC#d1', sk: 'PAGE#000001', status: 'COMPLETED', pageNumber: 1 }],
    ['a removed item', item({ status: 'COMPLETED' }), undefined],
  ])('emits nothing for %s', (_case, oldImage, newImage) => {
    expect(documentEventFor(oldImage, newImage)).toBeUndefined();
  });

  it('gives each generation of a document its own event and key', () => {
    // Arrange: generation 1 completes, the object is overwritten, generation 2 completes.
    const first = documentEventFor(item({ status: 'PROCESSING' }), item({ status: 'COMPLETED', pageCount: 1 }));
    const restarted = documentEventFor(item({ status: 'COMPLETED' }), item({ status: 'PROCESSING', generation: 2 }));
    const second = documentEventFor(
      item({ status: 'PROCESSING', generation: 2 }),
      item({ status: 'COMPLETED', generation: 2, pageCount: 2, updatedAt: '2026-11-23T11:00:00.000Z' }),
    );

    // Assert
    expect(restarted).toBeUndefined();
    expect([first?.detail.generation, second?.detail.generation]).toEqual([1, 2]);
    expect(first?.detail.eventKey).not.toBe(second?.detail.eventKey);
  });

  it('derives the same key from the same change, so a consumer can drop a redelivery', () => {
    const change = [item({ status: 'PROCESSING' }), item({ status: 'COMPLETED', pageCount: 1 })] as const;

    expect(documentEventFor(...change)?.detail.eventKey).toBe(documentEventFor(...change)?.detail.eventKey);
  });
});

describe('the stream filter', () => {
  const lambdaRecord = (newImage: Record<string, unknown> | undefined) => ({ eventName: 'MODIFY', dynamodb: { NewImage: newImage } });

  it('passes terminal document records and nothing else', () => {
    expect(passesFilters([TERMINAL_RECORD_FILTER], lambdaRecord({ sk: { S: 'DOCUMENT' }, status: { S: 'COMPLETED' } }))).toBe(true);
    expect(passesFilters([TERMINAL_RECORD_FILTER], lambdaRecord({ sk: { S: 'DOCUMENT' }, status: { S: 'FAILED' } }))).toBe(true);
    expect(passesFilters([TERMINAL_RECORD_FILTER], lambdaRecord({ sk: { S: 'DOCUMENT' }, status: { S: 'PROCESSING' } }))).toBe(false);
    expect(passesFilters([TERMINAL_RECORD_FILTER], lambdaRecord({ sk: { S: 'PAGE#000001' }, status: { S: 'COMPLETED' } }))).toBe(false);
    expect(passesFilters([TERMINAL_RECORD_FILTER], lambdaRecord(undefined))).toBe(false);
  });
});

describe('documentPayload', () => {
  it("links a completed document's Markdown and chunks when it has them, never their storage keys", () => {
    const event = documentEventFor(
      item({ status: 'PROCESSING' }),
      item({ status: 'COMPLETED', pageCount: 1, markdownRef: { bucket: 'docs', key: 'k.md' }, chunksRef: { bucket: 'docs', key: 'k.jsonl' }, chunkCount: 1 }),
    )!;

    const payload = documentPayload('document.completed', event.detail, 'https://api.example.com/api');

    expect(payload.data.links).toEqual({
      document: 'https://api.example.com/api/v1/documents/d1',
      pages: 'https://api.example.com/api/v1/documents/d1/pages',
      markdown: 'https://api.example.com/api/v1/documents/d1/markdown',
      chunks: 'https://api.example.com/api/v1/documents/d1/chunks',
    });
    expect(JSON.stringify(payload)).not.toContain('k.md');
  });
});
