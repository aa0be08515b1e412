import { describe, expect, it } from 'vitest';
import { formatChunk } from '../../cli/commands/markdown.js';

describe('formatChunk', () => {
  it('prints where a chunk is (index, pages, heading path, tokens, id), then its text', () => {
    const text = formatChunk({
      id: 'ab'.repeat(16),
      index: 3,
      headingPath: ['Results', 'Costs'],
      pageNumbers: [4, 5],
      boxes: [],
      tokenCount: 120,
      text: '## Costs\n\nCosts fell.',
    });

    expect(text).toBe(`[chunk 3] pages 4–5 · Results › Costs · 120 tokens · ${'ab'.repeat(16)}\n## Costs\n\nCosts fell.`);
  });

  it('names a single page, and leaves out an empty heading path', () => {
    const text = formatChunk({ id: '0'.repeat(32), index: 0, headingPath: [], pageNumbers: [1], boxes: [], tokenCount: 2, text: 'Hi.' });

    expect(text.split('\n')[0]).toBe(`[chunk 0] page 1 · 2 tokens · ${'0'.repeat(32)}`);
  });
});
