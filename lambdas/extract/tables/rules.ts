import type { Box, PageGraphics } from '../../shared/page-layout.js';
import type { ResolvedOptions } from './table-types.js';

/** A horizontal rule at `at` (y) from `from` to `to` (x), or a vertical one at x from y to y. */
export interface Rule {
  readonly at: number;
  readonly from: number;
  readonly to: number;
}

export interface Rules {
  readonly horizontal: readonly Rule[];
  readonly vertical: readonly Rule[];
}

/** Fills covering most of the page are backgrounds, not cells: their edges would frame everything. */
const BACKGROUND_FRACTION = 0.8;

/**
 * The page's rules: stroked straight segments that are horizontal or vertical, filled rectangles
 * thin enough to be lines, and the edges of larger filled rectangles (cell and row shading draw
 * a table's grid that way). Rules on one line that touch or overlap are merged.
 */
export function findRules(graphics: PageGraphics, page: { width: number; height: number }, options: ResolvedOptions): Rules {
  const horizontal: Rule[] = [];
  const vertical: Rule[] = [];
  const tol = options.snapTolerance / 2;
  for (const { x0, y0, x1, y1 } of graphics.strokes) {
    if (![x0, y0, x1, y1].every(Number.isFinite)) continue;
    if (Math.abs(y0 - y1) <= tol) horizontal.push(span((y0 + y1) / 2, x0, x1));
    else if (Math.abs(x0 - x1) <= tol) vertical.push(span((x0 + x1) / 2, y0, y1));
  }
  for (const box of graphics.fills) if (box.every(Number.isFinite)) addFill(box, page, options, horizontal, vertical);
  const keep = (rule: Rule) => rule.to - rule.from >= options.minRuleLength;
  return {
    horizontal: mergeRules(horizontal, options.snapTolerance).filter(keep),
    vertical: mergeRules(vertical, options.snapTolerance).filter(keep),
  };
}

function span(at: number, a: number, b: number): Rule {
  return { at, from: Math.min(a, b), to: Math.max(a, b) };
}

function addFill(box: Box, page: { width: number; height: number }, options: ResolvedOptions, horizontal: Rule[], vertical: Rule[]) {
  const [left, top, right, bottom] = box;
  const width = right - left;
  const height = bottom - top;
  if (width <= options.maxRuleThickness && height <= options.maxRuleThickness) return;
  if (height <= options.maxRuleThickness) horizontal.push(span((top + bottom) / 2, left, right));
  else if (width <= options.maxRuleThickness) vertical.push(span((left + right) / 2, top, bottom));
  else if (width < page.width * BACKGROUND_FRACTION || height < page.height * BACKGROUND_FRACTION) {
    horizontal.push(span(top, left, right), span(bottom, left, right));
    vertical.push(span(left, top, bottom), span(right, top, bottom));
  }
}

/**
 * Snaps rules whose positions differ by at most `tolerance` to one position (their mean) and
 * joins those whose extents overlap or nearly touch.
 */
export function mergeRules(rules: readonly Rule[], tolerance: number): Rule[] {
  const sorted = [...rules].sort((a, b) => a.at - b.at);
  const groups: Rule[][] = [];
  for (const rule of sorted) {
    const group = groups[groups.length - 1];
    if (group && rule.at - group[0]!.at <= tolerance) group.push(rule);
    else groups.push([rule]);
  }
  const merged: Rule[] = [];
  for (const group of groups) {
    const at = group.reduce((sum, rule) => sum + rule.at, 0) / group.length;
    const byStart = [...group].sort((a, b) => a.from - b.from);
    let current = { at, from: byStart[0]!.from, to: byStart[0]!.to };
    for (const rule of byStart.slice(1)) {
      if (rule.from <= current.to + tolerance) current.to = Math.max(current.to, rule.to);
      else {
        merged.push(current);
        current = { at, from: rule.from, to: rule.to };
      }
    }
    merged.push(current);
  }
  return merged;
}

/** The fraction of the stretch [from, to] of the line at `at` that the rules cover. */
export function coverage(rules: readonly Rule[], at: number, from: number, to: number, tolerance: number): number {
  if (to <= from) return 1;
  const onLine = rules.filter((rule) => Math.abs(rule.at - at) <= tolerance && rule.to > from && rule.from < to).sort((a, b) => a.from - b.from);
  let covered = 0;
  let reached = from;
  for (const rule of onLine) {
    const start = Math.max(reached, rule.from);
    const end = Math.min(to, rule.to);
    if (end > start) covered += end - start;
    reached = Math.max(reached, end);
  }
  return covered / (to - from);
}
