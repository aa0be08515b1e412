/**
 * The page store against DynamoDB Local through the real SDK (`test/support/page-store-spec.ts`).
 */
import { afterAll, beforeAll } from 'vitest';
import { PageStore } from '../../lambdas/shared/page-store.js';
import { startDocumentTable, type LocalDocumentTable } from '../support/document-table.js';
import { specifyPageStore } from '../support/page-store-spec.js';

let table: LocalDocumentTable;

beforeAll(async () => {
  table = await startDocumentTable();
});

afterAll(async () => {
  await table?.stop();
});

specifyPageStore(() => ({ pages: (options) => new PageStore(table.client, table.tableName, options) }));
