export type { ExtractedTable, TableCell, TableRef } from '../../shared/page-table.js';

/** Tolerances of the table finder, in PDF points; every field has a default. */
export interface FindTablesOptions {
  /** Rules closer than this are one rule; ends closer than this meet. @default 2 */
  readonly snapTolerance?: number;
  /** A filled rectangle no thicker than this is a rule. @default 3 */
  readonly maxRuleThickness?: number;
  /** Shorter rules are ignored (tick marks, underlines of a letter). @default 5 */
  readonly minRuleLength?: number;
  /** Look for tables without rules too. @default true */
  readonly unruled?: boolean;
}

export interface ResolvedOptions {
  readonly snapTolerance: number;
  readonly maxRuleThickness: number;
  readonly minRuleLength: number;
  readonly unruled: boolean;
}

export function resolveOptions(options: FindTablesOptions = {}): ResolvedOptions {
  return {
    snapTolerance: options.snapTolerance ?? 2,
    maxRuleThickness: options.maxRuleThickness ?? 3,
    minRuleLength: options.minRuleLength ?? 5,
    unruled: options.unruled ?? true,
  };
}
