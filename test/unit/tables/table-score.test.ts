import { describe, expect, it } from 'vitest';
import { adjacencies, multisetF1, scoreTable, scoreTables } from '../../support/table-score.js';

const expected = [
  ['Item', 'Qty', 'Price'],
  ['Apples', '3', '1.20'],
  ['Pears', '2', '0.80'],
];

describe('scoreTable', () => {
  it('gives a perfect score to the same grid, whitespace aside', () => {
    const actual = expected.map((row) => row.map((text) => ` ${text}  `));

    expect(scoreTable(expected, actual)).toEqual({ exact: 1, cellF1: 1, structure: 1 });
  });

  it('forgives an extra leading row in exact placement but not in cell F1', () => {
    const actual = [['Fruit prices', '', ''], ...expected];

    const score = scoreTable(expected, actual);

    expect(score.exact).toBe(1);
    expect(score.cellF1).toBeCloseTo((2 * (9 / 10) * 1) / (9 / 10 + 1));
  });

  it('punishes merged cells in text and in structure', () => {
    const actual = [['Item', 'Qty Price'], ['Apples', '3 1.20'], ['Pears', '2 0.80']];

    const score = scoreTable(expected, actual);

    expect(score.cellF1).toBeCloseTo((2 * (3 / 6) * (3 / 9)) / (3 / 6 + 3 / 9));
    expect(score.exact).toBeCloseTo(3 / 9);
    expect(score.structure).toBeLessThan(0.5);
  });

  it('sees swapped rows in structure and placement, not in the bag of cells', () => {
    const actual = [expected[0]!, expected[2]!, expected[1]!];

    const score = scoreTable(expected, actual);

    expect(score.cellF1).toBe(1);
    expect(score.exact).toBeLessThan(1);
    expect(score.structure).toBeLessThan(1);
  });
});

describe('adjacencies', () => {
  it('links each non-empty cell to the next non-empty one right and below, skipping blanks', () => {
    expect(adjacencies([['a', '', 'b'], ['', '', 'c']])).toEqual(['a→b', 'b↓c']);
  });
});

describe('multisetF1', () => {
  it('counts repeated cells as often as they occur', () => {
    expect(multisetF1(['0', '0', '1'], ['0', '1'])).toBeCloseTo(0.8);
    expect(multisetF1([], [])).toBe(1);
    expect(multisetF1(['a'], [])).toBe(0);
  });
});

describe('scoreTables', () => {
  it('pairs each expected table with its best found table and scores a missed one 0', () => {
    const other = [['x', 'y'], ['1', '2']];

    const score = scoreTables([expected, other], [expected]);

    expect(score).toMatchObject({ expectedTables: 2, detected: 1, foundTables: 1 });
    expect(score.cellF1).toBeCloseTo(9 / 13);
  });
});
