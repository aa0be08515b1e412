/** The web page's reading of a document's Markdown, without a browser: what each block becomes. */
import { describe, expect, it } from 'vitest';
import { parseMarkdown, tableCells, unescapeMarkdown } from '../../web/src/markdown-parse.js';

describe('parseMarkdown', () => {
  it('reads the blocks the pipeline writes: page breaks, headings, paragraphs, lists and tables', () => {
    // Arrange
    const markdown = [
      '<!-- page 1 -->',
      '# Report',
      'First line of text \\<b\\>not bold\\</b\\>.',
      '- one\n  - nested\n- two',
      '1. first\n2. second',
      '| Item | Cost |\n| --- | --- |\n| Pens \\| pencils | 1,5 |',
      '<!-- page 2 -->',
      '## Next',
    ].join('\n\n');

    // Act
    const nodes = parseMarkdown(`${markdown}\n`);

    // Assert
    expect(nodes).toEqual([
      { kind: 'page', pageNumber: 1 },
      { kind: 'heading', level: 1, text: 'Report' },
      { kind: 'paragraph', text: 'First line of text <b>not bold</b>.' },
      { kind: 'list', ordered: false, items: [{ depth: 0, text: 'one' }, { depth: 1, text: 'nested' }, { depth: 0, text: 'two' }] },
      { kind: 'list', ordered: true, items: [{ depth: 0, text: 'first' }, { depth: 0, text: 'second' }] },
      { kind: 'table', header: ['Item', 'Cost'], rows: [['Pens | pencils', '1,5']] },
      { kind: 'page', pageNumber: 2 },
      { kind: 'heading', level: 2, text: 'Next' },
    ]);
  });

  it('keeps markup-looking text as text: it is shown with textContent, never parsed as HTML', () => {
    const nodes = parseMarkdown('<img src=x onerror=alert(1)>\n\n<!-- not a page -->');

    expect(nodes).toEqual([
      { kind: 'paragraph', text: '<img src=x onerror=alert(1)>' },
      { kind: 'paragraph', text: '<!-- not a page -->' },
    ]);
  });
});

describe('unescapeMarkdown and tableCells', () => {
  it('drops the escaping backslashes and splits rows at unescaped pipes only', () => {
    expect(unescapeMarkdown('\\# not a heading, 3\\. not a list')).toBe('# not a heading, 3. not a list');
    expect(tableCells('| a \\| b | c |')).toEqual(['a | b', 'c']);
  });
});
