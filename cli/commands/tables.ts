/** `pdf-pipeline tables <documentId>`: a document's tables, or one of them as CSV. */
import type { Command } from 'commander';
import type { TableListView } from '../client/api-client.js';
import { connect, resolveClientTarget } from '../client/api-target.js';
import { positiveInteger, printJsonLine, withTargetOptions, type ClientCommandOptions } from '../client/command-options.js';

/** Each table: where it is and what it is, then its rows, cells separated by tabs. */
export function formatTables({ tables }: TableListView): string {
  if (tables.length === 0) return 'No tables.';
  return tables
    .map((table) => {
      const pages = table.pages.length > 1 ? `pages ${table.pages.join(', ')}` : `page ${table.pages[0]}`;
      const header = `[table ${table.index}] ${pages}, ${table.kind ?? 'ruled'}, ${table.rows.length} rows`;
      return [header, ...table.rows.map((row) => row.join('\t'))].join('\n');
    })
    .join('\n\n');
}

export function registerTables(program: Command): void {
  withTargetOptions(
    program
      .command('tables')
      .description("A COMPLETED document's tables, in page order (a table a page break cut is one table); --csv one of them as CSV.")
      .argument('<documentId>')
      .option('--csv <table>', 'print table <number> (from 1) as CSV', positiveInteger)
      .option('--json', 'the tables as the API returns them'),
  ).action(async (documentId: string, options: ClientCommandOptions & { csv?: number }) => {
    const client = connect(resolveClientTarget(options));
    if (options.csv !== undefined) {
      process.stdout.write(await client.tableCsv(documentId, options.csv));
      return;
    }
    const tables = await client.listTables(documentId);
    if (options.json) printJsonLine(tables);
    else process.stdout.write(`${formatTables(tables)}\n`);
  });
}
