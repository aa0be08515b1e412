/** Chunk boundaries on hand-made blocks: the budget, the overlap, tables kept whole, headings with their text, page references, ids. */
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkBlocks, type Chunk } from '../../lambdas/extract/markdown/chunks.js';
import { tableMarkdown } from '../../lambdas/extract/markdown/tables.js';
import { loadTokenCounter, type WordCounter } from '../../lambdas/extract/markdown/tokenizer.js';
import type { Block } from '../../lambdas/extract/markdown/types.js';

let countTokens: WordCounter;
beforeAll(async () => {
  countTokens = await loadTokenCounter('o200k_base');
});

const BUDGET = 60;
const OVERLAP = 16;
const box = (top: number) => [72, top, 540, top + 12] as const;
const sentences = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => `Sentence ${from + index} tells the reader one more plain fact.`).join(' ');

const ROWS = [['Region', 'Samples'], ...Array.from({ length: 24 }, (_, index) => [`Region ${index + 1}`, String((index + 1) * 10)])];
const BLOCKS: Block[] = [
  { type: 'heading', text: 'Survey', markdown: '# Survey', level: 1, pageNumber: 1, boxes: [box(80)] },
  { type: 'heading', text: 'Method', markdown: '## Method', level: 2, pageNumber: 1, boxes: [box(100)] },
  { type: 'paragraph', text: sentences(1, 6), markdown: sentences(1, 6), pageNumber: 1, boxes: [box(120)] },
  { type: 'paragraph', text: sentences(7, 6), markdown: sentences(7, 6), pageNumber: 2, boxes: [box(90)] },
  { type: 'heading', text: 'Results', markdown: '## Results', level: 2, pageNumber: 3, boxes: [box(80)] },
  { type: 'table', text: '', markdown: tableMarkdown({ rows: ROWS, headerRows: 1 }), pageNumber: 3, boxes: [box(100)], rows: ROWS, headerRows: 1 },
];
const options = (generation = 1) => ({ documentId: 'doc-1', generation, maxTokens: BUDGET, overlapTokens: OVERLAP, countTokens });

describe('chunkBlocks', () => {
  let chunks: Chunk[];
  beforeAll(() => {
    chunks = chunkBlocks(BLOCKS, options());
  });

  it('keeps every chunk within the budget, its count exact', () => {
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(BUDGET);
      expect(chunk.tokenCount).toBe(countTokens(chunk.text));
    }
  });

  it('starts a chunk with the end of the one before it in the same section, within the overlap', () => {
    const method = chunks.filter((chunk) => chunk.headingPath.join('/') === 'Survey/Method');
    expect(method.length).toBeGreaterThan(2);
    for (let index = 1; index < method.length; index += 1) {
      const repeated = method[index]!.text.split(/(?<=\.) /)[0]!;
      expect(method[index - 1]!.text.endsWith(repeated)).toBe(true);
      expect(countTokens(repeated)).toBeLessThanOrEqual(OVERLAP);
    }
  });

  it('never leaves a heading without the text after it, and gives each chunk its heading path', () => {
    for (const chunk of chunks) {
      const lines = chunk.text.split('\n').filter((text) => text !== '');
      expect(lines.at(-1)).not.toMatch(/^#+ /);
    }
    expect(chunks[0]!.text.startsWith('# Survey\n\n## Method\n\nSentence 1 ')).toBe(true);
    expect(chunks.at(-1)!.headingPath).toEqual(['Survey', 'Results']);
  });

  it('cuts a table between rows only, with its header rows opening every chunk its rows are in', () => {
    const header = '| Region | Samples |\n| --- | --- |';
    const tableChunks = chunks.filter((chunk) => chunk.text.includes('| Region 1'.slice(0, 8)));
    const rowLines = tableChunks.flatMap((chunk) => chunk.text.split('\n').filter((text) => /^\| Region \d/.test(text)));
    expect(tableChunks.length).toBeGreaterThan(1);
    for (const chunk of tableChunks) expect(chunk.text.replace(/^## Results\n\n/, '').startsWith(header)).toBe(true);
    expect(rowLines).toEqual(ROWS.slice(1).map(([region, samples]) => `| ${region} | ${samples} |`));
  });

  it('points each chunk to the pages and boxes of the blocks it holds', () => {
    const acrossPages = chunks.find((chunk) => chunk.text.includes('Sentence 6 ') && chunk.text.includes('Sentence 7 '));
    expect(acrossPages?.pageNumbers).toEqual([1, 2]);
    expect(acrossPages?.boxes).toEqual([{ pageNumber: 1, box: box(120) }, { pageNumber: 2, box: box(90) }]);
    expect(chunks.at(-1)!.pageNumbers).toEqual([3]);
  });

  it('gives the same chunks the same ids, and a new generation new ones', () => {
    const again = chunkBlocks(BLOCKS, options());
    const next = chunkBlocks(BLOCKS, options(2));

    expect(again.map((chunk) => chunk.id)).toEqual(chunks.map((chunk) => chunk.id));
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
    expect(next.map((chunk) => chunk.id)).not.toContain(chunks[0]!.id);
  });

  it('cuts a sentence longer than the budget between words, each piece within it', () => {
    const long = Array.from({ length: 200 }, (_, index) => `word${index}`).join(' ');
    const pieces = chunkBlocks([{ type: 'paragraph', text: long, markdown: long, pageNumber: 1, boxes: [box(100)] }], options());

    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.tokenCount).toBeLessThanOrEqual(BUDGET);
    expect(pieces.map((piece) => piece.text).join(' ').split(' ').filter((word, index, all) => all.indexOf(word) === index)).toEqual(long.split(' '));
  });

  it('cuts a long sentence with tabs and runs of spaces between its words, its pieces one space apart and counted exactly', () => {
    const words = Array.from({ length: 200 }, (_, index) => `word${index}`);
    const long = words.map((word, index) => (index % 3 === 0 ? `${word}\t` : index % 3 === 1 ? `${word}  ` : `${word} `)).join('').trim();

    const pieces = chunkBlocks([{ type: 'paragraph', text: long, markdown: long, pageNumber: 1, boxes: [box(100)] }], options());

    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) {
      expect(piece.tokenCount).toBeLessThanOrEqual(BUDGET);
      expect(piece.tokenCount).toBe(countTokens(piece.text));
      expect(piece.text).toMatch(/^\S+(?: \S+)*$/);
    }
    expect(pieces.map((piece) => piece.text).join(' ').split(' ').filter((word, index, all) => all.indexOf(word) === index)).toEqual(words);
  });
});

describe('loadTokenCounter', () => {
  it('counts text that looks like a special token as the text it is', () => {
    expect(countTokens('before <|endoftext|> after')).toBeGreaterThan(3);
  });
});
