import { describe, expect, it } from 'vitest';
import { progressBar } from '../../cli/client/progress.js';
import { formatDocument } from '../../cli/commands/documents.js';
import type { DocumentView } from '../../cli/client/api-client.js';

const processing = (progress?: DocumentView['progress']): DocumentView =>
  ({
    documentId: '0b5c2a9e-1d34-4e7a-9a51-6f3c2b1d0e11',
    status: 'PROCESSING',
    source: 'api',
    lane: 'bulk',
    filename: 'long.pdf',
    pageCount: 2000,
    createdAt: '2026-12-05T08:00:00.000Z',
    updatedAt: '2026-12-05T08:01:00.000Z',
    ...(progress ? { progress } : {}),
  }) as DocumentView;

describe('progressBar', () => {
  it('fills its cells in proportion to the share done, and says the percentage', () => {
    expect(progressBar(0, 10)).toBe('[░░░░░░░░░░] 0%');
    expect(progressBar(0.45, 10)).toBe('[████░░░░░░] 45%');
    expect(progressBar(1, 10)).toBe('[██████████] 100%');
  });

  it('keeps within its width for shares outside 0–1', () => {
    expect(progressBar(1.7, 4)).toBe('[████] 100%');
    expect(progressBar(-1, 4)).toBe('[░░░░] 0%');
    expect(progressBar(Number.NaN, 4)).toBe('[░░░░] 0%');
  });
});

describe('status of a long document', () => {
  it('shows a bar of the pages done and the shards recorded while it is processed in shards', () => {
    // Arrange
    const document = processing({ pagesDone: 500, pageCount: 2000, shards: 5, shardsDone: 1 });

    // Act
    const printed = formatDocument(document);

    // Assert
    expect(printed).toContain(`progress:  ${progressBar(0.25)} 500 of 2000 pages, 1 of 5 shards`);
  });

  it('has no progress line for a document read in one invocation', () => {
    expect(formatDocument(processing())).not.toContain('progress:');
  });
});
