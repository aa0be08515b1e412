import { describe, expect, it } from 'vitest';
import { formatTables } from '../../cli/commands/tables.js';

describe('formatTables', () => {
  it('prints each table with where it is, then its rows with tab-separated cells', () => {
    const text = formatTables({
      tables: [
        { index: 1, pages: [2, 3], kind: 'ruled', rows: [['Name', 'Total'], ['A', '1,5']] },
        { index: 2, pages: [4], kind: 'unruled', rows: [['x']] },
      ],
    });

    expect(text).toBe('[table 1] pages 2, 3, ruled, 2 rows\nName\tTotal\nA\t1,5\n\n[table 2] page 4, unruled, 1 rows\nx');
  });

  it('says so when there are none', () => {
    expect(formatTables({ tables: [] })).toBe('No tables.');
  });
});
