import type { LayoutWord } from '../../shared/page-layout.js';
import { heightOf } from './words.js';

/**
 * Groups a table region's visual lines into rows. A line starts a row when it has text in the
 * anchor column (the leftmost column the region's first line fills); a line without it, close
 * below the previous one, continues the row (a wrapped description, a long name), as does a
 * line of the anchor column alone that goes on in lower case (a wrapped label).
 */
export function groupRows(lines: readonly (readonly LayoutWord[])[], columnOf: (word: LayoutWord) => number): LayoutWord[][][] {
  const first = lines[0];
  if (!first) return [];
  const anchor = Math.min(...first.map(columnOf));
  const rows: LayoutWord[][][] = [];
  let previousBottom = -Infinity;
  for (const line of lines) {
    const top = Math.min(...line.map((word) => word.box[1]));
    const height = Math.max(...line.map((word) => heightOf(word.box)));
    const row = rows[rows.length - 1];
    const close = top - previousBottom < height * 0.8;
    const inAnchor = line.filter((word) => columnOf(word) === anchor);
    // A label that wraps: its next line holds only the anchor column and goes on in lower case.
    const wrappedLabel = inAnchor.length === line.length && /^\p{Ll}/u.test(line[0]!.text);
    const continues = row !== undefined && close && (inAnchor.length === 0 || wrappedLabel);
    if (continues) row.push([...line]);
    else rows.push([[...line]]);
    previousBottom = Math.max(...line.map((word) => word.box[3]));
  }
  return rows;
}

/** The columns a row's words occupy. */
export function occupiedColumns(row: readonly (readonly LayoutWord[])[], columnOf: (word: LayoutWord) => number): Set<number> {
  return new Set(row.flat().map(columnOf));
}
