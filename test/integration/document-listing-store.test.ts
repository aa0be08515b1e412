/**
 * The document listing against DynamoDB Local through the real SDK
 * (`test/support/document-listing-spec.ts`).
 */
import { DocumentListing } from '../../lambdas/shared/document-listing.js';
import { DocumentStore } from '../../lambdas/shared/document-store.js';
import { specifyDocumentListing } from '../support/document-listing-spec.js';
import { useDocumentTable } from '../support/document-table.js';

const table = useDocumentTable();

specifyDocumentListing(() => ({
  listing: (options) => new DocumentListing(table.client, table.tableName, options),
  documents: (options) => new DocumentStore(table.client, table.tableName, options),
}));
