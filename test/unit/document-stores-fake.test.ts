/**
 * The in-memory stand-ins of the table's stores that the core tests use keep to the same
 * specifications as the stores on DynamoDB Local (`test/support/*-spec.ts`).
 */
import { specifyDocumentListing } from '../support/document-listing-spec.js';
import { specifyDocumentStore } from '../support/document-store-spec.js';
import {
  InMemoryDocumentListing,
  InMemoryDocumentStore,
  InMemoryDocumentTable,
  InMemoryIdempotencyStore,
  InMemoryPageStore,
  InMemoryTaskStore,
  InMemoryUploadQuotaStore,
} from '../support/document-stores-fake.js';
import { specifyPageStore } from '../support/page-store-spec.js';
import { specifyRequestGuards } from '../support/request-guard-spec.js';

const table = new InMemoryDocumentTable();

specifyDocumentStore(() => ({
  documents: (options) => new InMemoryDocumentStore(table, options),
  tasks: () => new InMemoryTaskStore(table),
  listing: (options) => new InMemoryDocumentListing(table, options),
}));

specifyPageStore(() => ({ pages: (options) => new InMemoryPageStore(table, options) }));

specifyDocumentListing(() => ({
  listing: (options) => new InMemoryDocumentListing(table, options),
  documents: (options) => new InMemoryDocumentStore(table, options),
}));

specifyRequestGuards(() => ({ idempotency: () => new InMemoryIdempotencyStore(table), quotas: () => new InMemoryUploadQuotaStore(table) }));
