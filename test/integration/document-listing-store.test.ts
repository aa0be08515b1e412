/**
 * The document listing against DynamoDB Local through the real SDK
 * (`test/support/document-listing-spec.ts`).
 */
import { afterAll, beforeAll } from 'vitest';
import { DocumentListing } from '../../lambdas/shared/document-listing.js';
import { DocumentStore } from '../../lambdas/shared/document-store.js';
import { specifyDocumentListing } from '../support/document-listing-spec.js';
import { startDocumentTable, type LocalDocumentTable } from '../support/document-table.js';

let table: LocalDocumentTable;

beforeAll(async () => {
  table = await startDocumentTable();
});

afterAll(async () => {
  await table?.stop();
});

specifyDocumentListing(() => ({
  listing: (options) => new DocumentListing(table.client, table.tableName, options),
  documents: (options) => new DocumentStore(table.client, table.tableName, options),
}));
