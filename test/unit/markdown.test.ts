/** The Markdown writer and chunker on generated documents of known structure and on a corpus report. */
import { describe, expect, it } from 'vitest';
import { chunkBlocks } from '../../lambdas/extract/markdown/chunks.js';
import { toMarkdown } from '../../lambdas/extract/markdown/markdown.js';
import { loadTokenCounter } from '../../lambdas/extract/markdown/tokenizer.js';
import { readCorpusFile } from '../support/corpus.js';
import { extractPages, markdownPages, paragraphOrder, scoreHeadings } from '../support/markdown-metrics.js';
import { makeStructuredPdf } from '../support/structured-pdf.js';

describe('toMarkdown on generated documents', () => {
  it('recovers headings, paragraph order and tables, and leaves running lines out', async () => {
    // Arrange
    const document = makeStructuredPdf({ seed: 3 });
    const pages = await extractPages(document.bytes);
    // Act
    const { markdown, blocks } = toMarkdown(markdownPages(pages, document));
    // Assert
    const headings = scoreHeadings(blocks, document.expected);
    expect(headings.precision).toBeGreaterThanOrEqual(0.9);
    expect(headings.recall).toBeGreaterThanOrEqual(0.9);
    expect(paragraphOrder(blocks, document.expected)).toBeGreaterThanOrEqual(0.95);
    expect(markdown).not.toContain(document.runningHeader);
    expect(markdown).not.toMatch(/Page \d+ of/);
    expect(markdown).toContain('<!-- page 2 -->');
    expect(markdown).toContain('| Region | Samples | Median | Share |');
  });
});

describe('toMarkdown on corpus reports', () => {
  // Headings checked by eye against the PDFs: every section heading at its level, and nothing else.
  const headingsOf = (blocks: readonly { type: string; level?: number; text: string }[]) =>
    blocks.filter((block) => block.type === 'heading').map((block) => `${block.level} ${block.text}`);

  it("finds 012's title and section headings at their levels, and its authors' names are not headings", async () => {
    const pages = await extractPages(readCorpusFile('012-report-naacl06-shinyama.pdf'));
    const { blocks } = toMarkdown(markdownPages(pages));
    expect(headingsOf(blocks)).toEqual([
      '1 Preemptive Information Extraction using Unrestricted Relation Discovery', '2 Abstract', '2 1 Background', '2 2 Basic Idea',
      '3 Increasing Basic Patterns', '2 3 Implementation', '3 3.1 Web Crawling and Basic Clustering', '3 3.2 Parsing and GLARFing',
      '3 3.3 NE Tagging and Coreference Resolution', '3 3.4 Basic Pattern Generation', '3 3.5 Metaclustering', '2 4 Experiment and Evaluation',
      '3 4.1 Evaluation Method', '3 4.2 Results', '2 5 Conclusion', '2 Acknowledgements', '2 References',
    ]);
    expect(blocks.find((block) => block.text === 'Satoshi Sekine')?.type).toBe('paragraph');
  });

  it("reads 016's two columns as paragraphs under its title and abstract heading, and its table as a table", async () => {
    const pages = await extractPages(readCorpusFile('016-report-multicolumn.pdf'));
    const { markdown, blocks } = toMarkdown(markdownPages(pages));
    expect(headingsOf(blocks)).toEqual(['1 Two-Column Document with Lorem Ipsum', '2 Abstract']);
    expect(markdown).toContain('| Country | Population (millions) | Area (km2) | Capital | Official Language |\n| --- | --- | --- | --- | --- |\n| Austria | 8.9 | 83,879 | Vienna | German |');
    // A paragraph runs down the left column and on into the right one: never cut at the gutter.
    expect(markdown).toContain('Nam dui ligula, fringilla a, euismod sodales, sollicitudin vel, wisi.');
  });
});

describe('chunkBlocks', () => {
  it('keeps chunks within the budget, headings with their text, and pages right', async () => {
    const countTokens = await loadTokenCounter();
    const document = makeStructuredPdf({ seed: 3 });
    const { blocks } = toMarkdown(markdownPages(await extractPages(document.bytes), document));
    const chunks = chunkBlocks(blocks, { documentId: 'doc', generation: 1, maxTokens: 120, overlapTokens: 20, countTokens });
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(120);
      expect(chunk.text.trimEnd()).not.toMatch(/^#+ [^\n]*$/);
      expect(chunk.pageNumbers.length).toBeGreaterThan(0);
    }
    const table = chunks.filter((chunk) => chunk.text.includes('| Region |'));
    expect(table.length).toBeGreaterThan(0);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
  }, 30_000);
});
