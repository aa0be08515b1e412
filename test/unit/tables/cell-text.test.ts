import { describe, expect, it } from 'vitest';
import type { Box, LayoutWord } from '../../../lambdas/shared/page-layout.js';
import { findTables } from '../../../lambdas/extract/tables/index.js';
import { isSuperscript, joinText } from '../../../lambdas/extract/tables/words.js';
import { layoutOf, noGraphics, type Placed } from '../../support/synthetic-page.js';

/** A word at (left, top), `width` wide, in a font of `size` points whose box is as tall as the size. */
const word = (text: string, left: number, top: number, width: number, size: number | undefined = 10, height = size ?? 10): LayoutWord => {
  const box: Box = [left, top, left + width, top + height];
  return size === undefined ? { text, box } : { text, box, size };
};

/** A mark in a 6 pt font set against the top of a 10 pt word ending at `left`: a footnote mark or exponent. */
const raisedMark = (text: string, left: number, top: number, size: number | undefined = 6): LayoutWord => word(text, left, top, 3, size, 6);

describe('isSuperscript', () => {
  it('is true of a word markedly smaller than the one before it and raised off its baseline', () => {
    // Arrange
    const number = word('273.879.750', 100, 200, 60);
    const mark = raisedMark('1', 160, 200);

    // Act
    const superscript = isSuperscript(mark, number);

    // Assert
    expect(superscript).toBe(true);
  });

  it('is false of a smaller word lowered below the baseline (a subscript)', () => {
    const letter = word('H', 100, 200, 6);
    const subscript = word('2', 106, 204, 3, 7, 7);

    expect(isSuperscript(subscript, letter)).toBe(false);
  });

  it('is false of a smaller word on the same baseline (small capitals)', () => {
    const capital = word('M', 100, 200, 8);
    const smallCapitals = word('ARCH', 108, 203, 24, 7, 7);

    expect(isSuperscript(smallCapitals, capital)).toBe(false);
  });

  it('is false of a word of the same size whose box is shorter, as a glyph of another shape makes it', () => {
    const withComma = word('し、', 100, 200, 20, 10, 15);
    const plain = word('通', 120, 200, 10, 10, 10);

    expect(isSuperscript(plain, withComma)).toBe(false);
  });

  it('judges by box heights when the text has no font sizes (OCR)', () => {
    const number = word('8,935,112', 100, 200, 48, undefined);
    const mark = raisedMark('3', 148, 200, undefined);

    expect(isSuperscript(mark, number)).toBe(true);
  });
});

describe('joinText', () => {
  it('keeps a footnote mark touching a number apart from it, so the number keeps its value', () => {
    // Arrange: a cell of 015's population row, the mark set tight against the number.
    const cell = [word('273.879.750', 100, 200, 60), raisedMark('1', 160, 200)];

    // Act
    const text = joinText(cell);

    // Assert
    expect(text).toBe('273.879.750 1');
  });

  it('keeps an exponent touching a word apart from it, as the page text reads it', () => {
    const cell = [word('R', 100, 200, 7), raisedMark('n', 107, 200)];

    expect(joinText(cell)).toBe('R n');
  });

  it('still joins a word of the same size that touches the one before it (a bracket, a comma)', () => {
    const cell = [word('Total', 100, 200, 25), word('(€)', 125, 200, 12), word(',', 137, 200, 2)];

    expect(joinText(cell)).toBe('Total(€),');
  });

  it('still joins a subscript that touches its word', () => {
    const cell = [word('H', 100, 200, 6), word('2', 106, 204, 3, 7, 7), word('O', 109, 200, 7)];

    expect(joinText(cell)).toBe('H2O');
  });

  it('joins what follows a superscript and touches it to the superscript (a closing bracket)', () => {
    const cell = [word('(km', 100, 200, 15), raisedMark('2', 115, 200), word(')', 118, 200, 3)];

    expect(joinText(cell)).toBe('(km 2)');
  });
});

describe('findTables with footnote marks on its numbers', () => {
  it('reads each marked number as the number, then its mark', () => {
    // Arrange: a two-column table; the marks touch the numbers they follow, as a word processor sets them.
    const rows: Placed[] = [
      { text: 'Country', x: 50, y: 100 }, { text: 'Population', x: 200, y: 100 },
      { text: 'Indonesia', x: 50, y: 120 }, { text: '273,879,750', x: 200, y: 120 },
      { text: 'Germany', x: 50, y: 140 }, { text: '83,190,556', x: 200, y: 140 },
      { text: 'Austria', x: 50, y: 160 }, { text: '8,935,112', x: 200, y: 160 },
      { text: 'France', x: 50, y: 180 }, { text: '67,413,000', x: 200, y: 180 },
    ];
    const marks = new Map([['273,879,750', '1'], ['83,190,556', '2'], ['8,935,112', '3']]);
    const layout = layoutOf(rows);
    const marked = layout.lines.map((line) => {
      const number = line.words.at(-1)!;
      const mark = marks.get(number.text);
      return mark === undefined ? line : { ...line, words: [...line.words, raisedMark(mark, number.box[2], number.box[1])] };
    });

    // Act
    const tables = findTables({ ...layout, lines: marked }, noGraphics);

    // Assert
    expect(tables).toHaveLength(1);
    expect(tables[0]!.rows).toEqual([
      ['Country', 'Population'],
      ['Indonesia', '273,879,750 1'],
      ['Germany', '83,190,556 2'],
      ['Austria', '8,935,112 3'],
      ['France', '67,413,000'],
    ]);
  });
});
