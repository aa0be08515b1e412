/** The Markdown writer's parts on hand-made input: the gutter between columns, running lines, the word-by-word token count. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Box } from '../../lambdas/shared/page-layout.js';
import { findGutter } from '../../lambdas/extract/markdown/columns.js';
import { findRunningLines } from '../../lambdas/extract/markdown/running-lines.js';
import { toTextLine, type TextLine } from '../../lambdas/extract/markdown/text-lines.js';
import { JoinedCount, wordByWord, type TokenCounter } from '../../lambdas/extract/markdown/tokenizer.js';

const PAGE_WIDTH = 600;
const lineAt = (left: number, right: number, top = 100): { box: Box } => ({ box: [left, top, right, top + 10] });

describe('findGutter', () => {
  it('finds the middle of the space between two columns', () => {
    // Arrange: columns from 50 to 280 and from 320 to 550, eight lines each.
    const lines = Array.from({ length: 8 }, (_, row) => [lineAt(50, 280, 100 + row * 12), lineAt(320, 550, 100 + row * 12)]).flat();

    // Act
    const gutter = findGutter(lines, PAGE_WIDTH);

    // Assert: every x from 280 to 320 has each line wholly on one side; 300 is their middle.
    expect(gutter).toBe(300);
  });

  it('finds the gutter under a title that crosses it, and beside a column of ragged lines', () => {
    const title = lineAt(50, 550, 80);
    const left = Array.from({ length: 6 }, (_, row) => lineAt(50, 270 + (row % 3) * 5, 100 + row * 12));
    const right = Array.from({ length: 6 }, (_, row) => lineAt(330 - (row % 2) * 10, 550, 100 + row * 12));

    expect(findGutter([title, ...left, ...right], PAGE_WIDTH)).toBe(300);
  });

  it('finds none on a page of one column, nor with too few lines on a side', () => {
    const oneColumn = Array.from({ length: 12 }, (_, row) => lineAt(50, 550, 100 + row * 12));
    const fewOnTheRight = [...Array.from({ length: 8 }, (_, row) => lineAt(50, 280, 100 + row * 12)), lineAt(320, 550), lineAt(320, 550, 112)];

    expect(findGutter(oneColumn, PAGE_WIDTH)).toBeUndefined();
    expect(findGutter(fewOnTheRight, PAGE_WIDTH)).toBeUndefined();
  });

  it.each([
    { case: 'edges on whole points', leftEnd: 286, rightStart: 312, gutter: 299 },
    { case: 'a left edge between whole points', leftEnd: 285.5, rightStart: 311, gutter: 299 },
    { case: 'a right edge between whole points', leftEnd: 286, rightStart: 312.5, gutter: 299 },
    { case: 'a left column ending where the search starts', leftEnd: 179.5, rightStart: 190, gutter: 185 },
  ])('counts a line as beside every x its edge reaches, not across it ($case)', ({ leftEnd, rightStart, gutter }) => {
    // Arrange: x from the left column's end to the right column's start keeps every line on one side.
    const lines = Array.from({ length: 4 }, (_, row) => [lineAt(20, leftEnd, 100 + row * 12), lineAt(rightStart, 550, 100 + row * 12)]).flat();

    // Act
    const found = findGutter(lines, PAGE_WIDTH);

    // Assert: the middle of those x, rounded.
    expect(found).toBe(gutter);
  });
});

describe('findRunningLines', () => {
  /** Two letters for a page, so no two pages' body lines read alike once digits are set aside. */
  const letters = (pageNumber: number) => String.fromCharCode(97 + (pageNumber % 26), 97 + Math.floor(pageNumber / 26));
  const page = (pageNumber: number): TextLine[] => {
    const texts = ['Annual report 2024', ...Array.from({ length: 8 }, (_, row) => `Body ${letters(pageNumber)} ${letters(row)} goes on`), `- ${pageNumber} -`];
    return texts.map((text, row) => toTextLine(pageNumber, [{ text, box: [72, 50 + row * 20, 72 + text.length * 5, 60 + row * 20], size: 10 }]));
  };

  it('leaves out the header repeated at the same height on every page and the page numbers, and nothing else', () => {
    // Arrange
    const pages = Array.from({ length: 60 }, (_, index) => page(index + 1));

    // Act
    const running = findRunningLines(pages);

    // Assert
    const expected = pages.flatMap((lines) => [lines[0]!, lines.at(-1)!]);
    expect([...running].map((line) => line.text).sort()).toEqual(expected.map((line) => line.text).sort());
    expect(expected.every((line) => running.has(line))).toBe(true);
  });
});

describe('wordByWord', () => {
  // Counts that are not additive over words, so a count made of the wrong pieces shows.
  const tokensOf = (text: string) => (text.length === 0 ? 0 : 1 + (text.length > 3 ? 1 : 0) + (text.startsWith(' ') ? 10 : 0));
  const sum = (pieces: readonly string[]) => pieces.reduce((total, piece) => total + tokensOf(piece), 0);
  let calls: string[];
  let count: TokenCounter;
  beforeEach(() => {
    calls = [];
    count = wordByWord((text) => {
      calls.push(text);
      return tokensOf(text);
    });
  });

  it('counts a text as the sum of its pieces, cut before each space that follows a non-space', () => {
    // Arrange
    const text = 'one two\n three  four\tfive';

    // Act
    const tokens = count(text);

    // Assert
    expect(tokens).toBe(sum(['one', ' two\n three', '  four\tfive']));
  });

  it('counts each piece once, however often it comes back', () => {
    const first = count('alpha beta gamma beta alpha');
    const again = count('gamma alpha beta');

    expect(first).toBe(sum(['alpha', ' beta', ' gamma', ' beta', ' alpha']));
    expect(again).toBe(sum(['gamma', ' alpha', ' beta']));
    expect(calls).toEqual(['alpha', ' beta', ' gamma', ' alpha', 'gamma']);
  });

  it('tells apart many different words, past the number its memory starts with room for', () => {
    const words = Array.from({ length: 5000 }, (_, index) => `w${index.toString(36)}`);

    const total = count(words.join(' '));
    const again = count(words.join(' '));

    expect(total).toBe(sum(words.map((word, index) => (index === 0 ? word : ` ${word}`))));
    expect(again).toBe(total);
    expect(calls).toHaveLength(words.length);
  });

  it('never takes one word for another whose hash is the same', () => {
    // "yaczfa" and "glbppa" have the same 32-bit FNV-1a hash, by which words are remembered.
    const counter = wordByWord((text) => (text === 'yaczfa' ? 1 : 2));

    const first = counter('yaczfa');
    const second = counter('glbppa');

    expect([first, second]).toEqual([1, 2]);
  });

  it('counts the empty text as the encoding does', () => {
    expect(count('')).toBe(0);
  });

  it('tells the pieces of a text, where each starts and its count', () => {
    const counter = wordByWord(tokensOf);

    const counted = counter.pieces('one two\n three  four\tfive');

    expect(counted.starts).toEqual([0, 3, 14]);
    expect(counted.counts).toEqual(['one', ' two\n three', '  four\tfive'].map(tokensOf));
    expect(counted.tokens).toBe(counter('one two\n three  four\tfive'));
  });
});

describe('JoinedCount', () => {
  // Parts that start or end with a space or another blank, hold one piece or several, or nothing.
  const PARTS = ['alpha beta', ' gamma', 'delta ', '\n\n', ' ', '\n', 'one', '\tx  y', '', '| a | b |\n| --- | --- |', 'z. Next one'];
  const tokensOf = (text: string) => (text.length === 0 ? 0 : 1 + (text.length > 4 ? 1 : 0) + (text.includes('\n') ? 5 : 0) + (text.startsWith(' ') ? 10 : 0));

  it('counts a text written part after part as the counter counts it whole, whatever parts meet', () => {
    // Arrange: every sequence of three parts.
    const count = wordByWord(tokensOf);
    const sequences = PARTS.flatMap((first) => PARTS.flatMap((second) => PARTS.map((third) => [first, second, third])));

    // Act
    const mismatches = sequences.filter((parts) => {
      const joined = new JoinedCount(count);
      for (const part of parts) joined.append(count.pieces(part));
      return joined.tokens !== wordByWord(tokensOf)(parts.join(''));
    });

    // Assert
    expect(sequences).toHaveLength(PARTS.length ** 3);
    expect(mismatches).toEqual([]);
  });

  it('counts the text so far after each part', () => {
    const count = wordByWord(tokensOf);
    const joined = new JoinedCount(count);
    const so: number[] = [];

    for (const part of ['alpha beta', ' ', 'gamma', '\n\n', 'delta epsilon']) {
      joined.append(count.pieces(part));
      so.push(joined.tokens);
    }

    expect(so).toEqual(['alpha beta', 'alpha beta ', 'alpha beta gamma', 'alpha beta gamma\n\n', 'alpha beta gamma\n\ndelta epsilon'].map((text) => count(text)));
  });
});
