/**
 * The document store and the task store against DynamoDB Local through the real SDK
 * (`test/support/document-store-spec.ts`).
 */
import { DocumentListing } from '../../lambdas/shared/document-listing.js';
import { DocumentStore } from '../../lambdas/shared/document-store.js';
import { TaskStore } from '../../lambdas/shared/task-store.js';
import { specifyDocumentStore } from '../support/document-store-spec.js';
import { useDocumentTable } from '../support/document-table.js';

const table = useDocumentTable();

specifyDocumentStore(() => ({
  documents: (options) => new DocumentStore(table.client, table.tableName, options),
  tasks: () => new TaskStore(table.client, table.tableName),
  listing: (options) => new DocumentListing(table.client, table.tableName, options),
}));
