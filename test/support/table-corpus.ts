import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { PageGraphics, PageLayout } from '../../lambdas/shared/page-layout.js';
import { type DocumentScore, type Grid, scoreTables } from './table-score.js';

/**
 * The table fixtures made from corpus pages: for each page, the finder's inputs as PDFium reads
 * them (inputs/STEM-pN.json.gz, made by bench/dump-page-input.ts) and the cells a person reads in
 * its tables (STEM-pN.json); and pages with no table at all (prose-pages.json).
 */
export const TABLE_FIXTURES = fileURLToPath(new URL('../fixtures/tables/', import.meta.url));

export type TableKind = 'ruled' | 'unruled';

export interface ExpectedPage {
  readonly file: string;
  readonly page: number;
  readonly tables: readonly { readonly kind: TableKind; readonly rows: Grid }[];
}

export interface PageInput {
  readonly layout: PageLayout;
  readonly graphics: PageGraphics;
}

const stem = (file: string) => file.replace(/\.pdf$/i, '');

export function loadPageInput(file: string, page: number): PageInput {
  const path = join(TABLE_FIXTURES, 'inputs', `${stem(file)}-p${page}.json.gz`);
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as PageInput;
}

/** Every expected-cell fixture of one page (STEM-pN.json), in name order. */
export function loadExpectedPages(): ExpectedPage[] {
  return readdirSync(TABLE_FIXTURES)
    .filter((name) => /-p\d+\.json$/.test(name))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(TABLE_FIXTURES, name), 'utf8')) as ExpectedPage);
}

export function loadProsePages(): { file: string; page: number }[] {
  return (JSON.parse(readFileSync(join(TABLE_FIXTURES, 'prose-pages.json'), 'utf8')) as { pages: { file: string; page: number }[] }).pages;
}

export interface KindScore extends DocumentScore {
  /** Expected non-empty cells, the weight of this score in a total. */
  readonly cells: number;
}

/** Scores one page's found tables against its expected tables of one kind. */
export function scorePage(expected: ExpectedPage, kind: TableKind, found: readonly Grid[]): KindScore | undefined {
  const grids = expected.tables.filter((table) => table.kind === kind).map((table) => table.rows);
  if (grids.length === 0) return undefined;
  const cells = grids.flat(2).filter((text) => text.trim() !== '').length;
  return { ...scoreTables(grids, found), cells };
}

/** Cell-weighted means of page scores. */
export function totalScore(scores: readonly KindScore[]): { cellF1: number; structure: number; exact: number; expectedTables: number; detected: number } {
  const weight = scores.reduce((sum, score) => sum + score.cells, 0);
  const mean = (key: 'cellF1' | 'structure' | 'exact') => scores.reduce((sum, score) => sum + score[key] * score.cells, 0) / Math.max(weight, 1);
  return {
    cellF1: mean('cellF1'),
    structure: mean('structure'),
    exact: mean('exact'),
    expectedTables: scores.reduce((sum, score) => sum + score.expectedTables, 0),
    detected: scores.reduce((sum, score) => sum + score.detected, 0),
  };
}
