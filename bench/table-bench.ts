/**
 * Scores the table finder on the corpus table fixtures (test/fixtures/tables) and prints, per
 * page and kind, tables detected, exact cells, cell F1 and structure, then the totals, the tables
 * reported on prose pages and the finder's time per page.
 *
 *   npx tsx bench/table-bench.ts [--rows]
 */
import { performance } from 'node:perf_hooks';
import { findTables } from '../lambdas/extract/tables/index.js';
import { loadExpectedPages, loadPageInput, loadProsePages, type KindScore, scorePage, totalScore } from '../test/support/table-corpus.js';

const showRows = process.argv.includes('--rows');
const fmt = (n: number) => n.toFixed(3);
const byKind: Record<'ruled' | 'unruled', KindScore[]> = { ruled: [], unruled: [] };
let pages = 0;
let elapsed = 0;
const timed = (file: string, page: number) => {
  const input = loadPageInput(file, page);
  const start = performance.now();
  const tables = findTables(input.layout, input.graphics);
  elapsed += performance.now() - start;
  pages += 1;
  return tables;
};
for (const expected of loadExpectedPages()) {
  const found = timed(expected.file, expected.page);
  for (const kind of ['ruled', 'unruled'] as const) {
    const score = scorePage(expected, kind, found.map((table) => table.rows));
    if (!score) continue;
    byKind[kind].push(score);
    console.log(`${expected.file} p${expected.page} ${kind}: tables ${score.detected}/${score.expectedTables} (found ${score.foundTables}), exact ${fmt(score.exact)}, cell F1 ${fmt(score.cellF1)}, structure ${fmt(score.structure)}`);
  }
  if (showRows) for (const table of found) for (const row of table.rows) console.log('   ', JSON.stringify(row));
}
for (const kind of ['ruled', 'unruled'] as const) {
  const total = totalScore(byKind[kind]);
  console.log(`TOTAL ${kind}: tables ${total.detected}/${total.expectedTables}, exact ${fmt(total.exact)}, cell F1 ${fmt(total.cellF1)}, structure ${fmt(total.structure)}`);
}
let falsePositives = 0;
for (const { file, page } of loadProsePages()) {
  const found = timed(file, page);
  falsePositives += found.length;
  if (found.length > 0) console.log(`prose ${file} p${page}: ${found.length} table(s) reported`);
}
console.log(`prose pages: ${loadProsePages().length}, tables reported on them: ${falsePositives}`);
console.log(`finder time: ${(elapsed / pages).toFixed(1)} ms per page over ${pages} pages`);
