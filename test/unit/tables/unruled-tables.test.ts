import { describe, expect, it } from 'vitest';
import { findTables } from '../../../lambdas/extract/tables/index.js';
import { layoutOf, noGraphics, type Placed, rightAligned } from '../../support/synthetic-page.js';

/** A bank statement: date | description (some wrapped) | amount and balance right-aligned. */
function statement(): Placed[] {
  const entries = [
    ['01 Mar', 'Opening balance', '', '1,250.00'],
    ['03 Mar', 'Card payment Grocer', '-42.10', '1,207.90'],
    ['05 Mar', 'Salary', '2,400.00', '3,607.90'],
    ['09 Mar', 'Standing order Rent', '-950.00', '2,657.90'],
    ['12 Mar', 'Transfer to savings', '-300.00', '2,357.90'],
  ];
  const placed: Placed[] = [
    { text: 'Date', x: 50, y: 100 }, { text: 'Description', x: 120, y: 100 }, rightAligned('Amount', 400, 100), rightAligned('Balance', 480, 100),
  ];
  let y = 116;
  for (const [date, description, amount, balance] of entries) {
    placed.push({ text: date!, x: 50, y }, { text: description!, x: 120, y }, rightAligned(amount!, 400, y), rightAligned(balance!, 480, y));
    if (date === '03 Mar') {
      y += 11;
      placed.push({ text: 'High Street', x: 120, y });
    }
    y += 14;
  }
  return placed;
}

/** A page set in two columns of justified prose, each line its own run of text. */
function twoColumnArticle(): Placed[] {
  const left = [
    'The committee met on Tuesday to discuss', 'the proposals put forward by members of', 'the public during the consultation that', 'closed at the end of last month. It was',
    'agreed that the draft would be revised', 'before the next meeting in the spring.', 'Several members raised concerns about', 'the cost of the scheme and its timing.',
  ];
  const right = [
    'In reply, the chair noted that funding', 'had been set aside in the budget for two', 'years and that the timetable allowed for', 'a further round of comments from those',
    'affected by the changes. A summary of', 'the responses will be published online', 'and sent to every household in the area', 'together with a map of the route.',
  ];
  return left.flatMap((text, i) => [{ text, x: 50, y: 100 + i * 12 }, { text: right[i]!, x: 320, y: 100 + i * 12 }]);
}

describe('findTables on tables without rules', () => {
  it('reads a statement: columns from aligned gaps, right-aligned numbers, a wrapped description', () => {
    const tables = findTables(layoutOf(statement()), noGraphics);

    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatchObject({ kind: 'unruled', headerRows: 1 });
    expect(tables[0]!.rows).toEqual([
      ['Date', 'Description', 'Amount', 'Balance'],
      ['01 Mar', 'Opening balance', '', '1,250.00'],
      ['03 Mar', 'Card payment Grocer High Street', '-42.10', '1,207.90'],
      ['05 Mar', 'Salary', '2,400.00', '3,607.90'],
      ['09 Mar', 'Standing order Rent', '-950.00', '2,657.90'],
      ['12 Mar', 'Transfer to savings', '-300.00', '2,357.90'],
    ]);
  });

  it('reports no table for two columns of prose, though their gutter is a persistent gap', () => {
    expect(findTables(layoutOf(twoColumnArticle()), noGraphics)).toEqual([]);
  });

  it('finds the statement and not the prose around it', () => {
    const article = twoColumnArticle();
    const below = statement().map((p) => ({ ...p, y: p.y + 150 }));

    const tables = findTables(layoutOf([...article, ...below]), noGraphics);

    expect(tables).toHaveLength(1);
    expect(tables[0]!.rows[0]).toEqual(['Date', 'Description', 'Amount', 'Balance']);
  });

  it('leaves alone a page of single-column text and a short list', () => {
    const placed: Placed[] = [
      { text: 'Dear customer, thank you for your order.', x: 50, y: 100 },
      { text: 'Total', x: 50, y: 130 }, rightAligned('12.00', 300, 130),
      { text: 'We hope to see you again soon.', x: 50, y: 160 },
    ];

    expect(findTables(layoutOf(placed), noGraphics)).toEqual([]);
  });
});
