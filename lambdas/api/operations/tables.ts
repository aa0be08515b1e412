/**
 * `GET /v1/documents/{id}/tables`: every table of a COMPLETED document in page order, a table a
 * page break cut joined into one; `?format=csv&table=N` one table as CSV (RFC 4180).
 */
import type { PageTable } from '../../shared/document-model.js';
import type { ExtractedTable } from '../../shared/page-table.js';
import { mergeTables, type MergedTable } from '../../shared/table-links.js';
import type { ApiDependencies } from '../dependencies.js';
import { ApiError, badRequest } from '../errors.js';
import type { ApiRequest, ApiResult } from '../http.js';
import { TablesQuery, describeIssues } from '../schemas.js';
import { PAGES_RESPONSE_BUDGET_BYTES } from './documents.js';
import { visibleDocument } from './guards.js';

const PAGES_PER_READ = 100;

/** One cell as a CSV field: quoted when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A stored table as the finder made it; tables stored before it have rows only. */
function complete(table: PageTable, pageNumber: number): ExtractedTable {
  const width = Math.max(0, ...table.rows.map((row) => row.length));
  return {
    kind: 'ruled',
    box: [0, 0, 0, 0],
    cells: [],
    headerRows: 0,
    columnEdges: Array.from({ length: width + 1 }, (_, index) => index),
    ...table,
    page: table.page ?? pageNumber,
  };
}

async function documentTables(record: { documentId: string; generation: number }, deps: ApiDependencies): Promise<MergedTable[]> {
  const tables: ExtractedTable[] = [];
  let afterPageNumber = 0;
  for (;;) {
    const { pages, hasMore } = await deps.pages.listPages(record.documentId, record.generation, { limit: PAGES_PER_READ, afterPageNumber });
    for (const page of pages) {
      const stored = page.tables ?? (page.tablesRef ? (JSON.parse(await deps.objects.readText(page.tablesRef)) as PageTable[]) : []);
      tables.push(...stored.map((table) => complete(table, page.pageNumber)));
    }
    if (!hasMore || pages.length === 0) return mergeTables(tables);
    afterPageNumber = pages[pages.length - 1]!.pageNumber;
  }
}

export async function listDocumentTables(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const query = TablesQuery.safeParse(request.query);
  if (!query.success) throw badRequest('INVALID_QUERY', `Invalid query: ${describeIssues(query.error)}.`);
  const record = await visibleDocument(request, deps);
  if (record.status !== 'COMPLETED') {
    throw new ApiError(409, 'DOCUMENT_NOT_READY', `Tables are available once the document is COMPLETED; it is ${record.status}.`);
  }
  const tables = await documentTables(record, deps);
  if (query.data.format === 'csv') {
    const table = tables[query.data.table! - 1];
    if (!table) throw new ApiError(404, 'TABLE_NOT_FOUND', `The document has ${tables.length} table(s); there is no table ${query.data.table}.`);
    return { statusCode: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8' }, text: toCsv(table.rows) };
  }
  const body = { tables: tables.map((table, index) => ({ index: index + 1, ...table })) };
  if (Buffer.byteLength(JSON.stringify(body)) > PAGES_RESPONSE_BUDGET_BYTES) {
    // Cells with their boxes are most of the size; rows carry the same texts.
    return { statusCode: 200, body: { tables: body.tables.map(({ cells: _cells, ...rest }) => rest), cellsLeftOut: true } };
  }
  return { statusCode: 200, body };
}
