/**
 * Cell-level scores of found tables against the cells a person reads in them:
 * - exact: the share of expected non-empty cells whose text is found at the same row and column
 *   (after the best small shift of the whole grid, so that one extra title row costs little);
 * - cell F1: bag-of-cells F1 over non-empty cell texts (a multiset, position ignored);
 * - structure: F1 over adjacency relations (each non-empty cell with its next non-empty
 *   neighbour to the right and below), as the ICDAR 2013 table competition scores structure.
 * Texts are compared with whitespace collapsed.
 */
export type Grid = readonly (readonly string[])[];

export interface TableScore {
  readonly exact: number;
  readonly cellF1: number;
  readonly structure: number;
}

export interface DocumentScore extends TableScore {
  readonly expectedTables: number;
  /** Expected tables matched by a found table sharing at least one cell. */
  readonly detected: number;
  readonly foundTables: number;
}

export const normaliseCell = (text: string) => text.replace(/\s+/g, ' ').trim();

function counts(items: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const item of items) map.set(item, (map.get(item) ?? 0) + 1);
  return map;
}

/** F1 of two multisets; 1 when both are empty. */
export function multisetF1(expected: readonly string[], actual: readonly string[]): number {
  if (expected.length === 0 && actual.length === 0) return 1;
  const want = counts(expected);
  let matched = 0;
  for (const [item, n] of counts(actual)) matched += Math.min(n, want.get(item) ?? 0);
  if (matched === 0) return 0;
  const precision = matched / actual.length;
  const recall = matched / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

const texts = (grid: Grid) => grid.flat().map(normaliseCell).filter((text) => text !== '');

/** Adjacency relations of a grid: `a→b` to the right and `a↓b` below, between non-empty cells. */
export function adjacencies(grid: Grid): string[] {
  const relations: string[] = [];
  const cell = (r: number, c: number) => normaliseCell(grid[r]?.[c] ?? '');
  const width = Math.max(0, ...grid.map((row) => row.length));
  for (let r = 0; r < grid.length; r += 1) {
    for (let c = 0; c < width; c += 1) {
      const here = cell(r, c);
      if (!here) continue;
      for (let k = c + 1; k < width; k += 1) if (cell(r, k)) { relations.push(`${here}→${cell(r, k)}`); break; }
      for (let k = r + 1; k < grid.length; k += 1) if (cell(k, c)) { relations.push(`${here}↓${cell(k, c)}`); break; }
    }
  }
  return relations;
}

function exactShare(expected: Grid, actual: Grid): number {
  const wanted = expected.flatMap((row, r) => row.map((text, c) => ({ r, c, text: normaliseCell(text) }))).filter((cell) => cell.text !== '');
  if (wanted.length === 0) return 1;
  let best = 0;
  for (let dr = -3; dr <= 3; dr += 1) {
    for (let dc = -2; dc <= 2; dc += 1) {
      const hits = wanted.filter(({ r, c, text }) => normaliseCell(actual[r + dr]?.[c + dc] ?? '') === text).length;
      best = Math.max(best, hits);
    }
  }
  return best / wanted.length;
}

export function scoreTable(expected: Grid, actual: Grid): TableScore {
  return {
    exact: exactShare(expected, actual),
    cellF1: multisetF1(texts(expected), texts(actual)),
    structure: multisetF1(adjacencies(expected), adjacencies(actual)),
  };
}

/**
 * Scores a page's or document's found tables against the expected ones: each expected table is
 * paired with the found table scoring the best cell F1 (each found table used once); a missed
 * table scores 0. Scores are averaged over the expected tables, weighted by their cell counts.
 */
export function scoreTables(expected: readonly Grid[], found: readonly Grid[]): DocumentScore {
  const used = new Set<number>();
  let weight = 0;
  let exact = 0;
  let cellF1 = 0;
  let structure = 0;
  let detected = 0;
  for (const grid of expected) {
    let bestIndex = -1;
    let best: TableScore = { exact: 0, cellF1: 0, structure: 0 };
    found.forEach((candidate, index) => {
      if (used.has(index)) return;
      const score = scoreTable(grid, candidate);
      if (score.cellF1 > best.cellF1) { best = score; bestIndex = index; }
    });
    if (bestIndex >= 0) { used.add(bestIndex); detected += 1; }
    const w = Math.max(1, texts(grid).length);
    weight += w;
    exact += best.exact * w;
    cellF1 += best.cellF1 * w;
    structure += best.structure * w;
  }
  const mean = (sum: number) => (weight === 0 ? 1 : sum / weight);
  return { exact: mean(exact), cellF1: mean(cellF1), structure: mean(structure), expectedTables: expected.length, detected, foundTables: found.length };
}
