/**
 * The idempotency and upload quota stores against DynamoDB Local through the real SDK
 * (`test/support/request-guard-spec.ts`).
 */
import { afterAll, beforeAll } from 'vitest';
import { IdempotencyStore } from '../../lambdas/shared/idempotency-store.js';
import { UploadQuotaStore } from '../../lambdas/shared/upload-quota-store.js';
import { startDocumentTable, type LocalDocumentTable } from '../support/document-table.js';
import { specifyRequestGuards } from '../support/request-guard-spec.js';

let table: LocalDocumentTable;

beforeAll(async () => {
  table = await startDocumentTable();
});

afterAll(async () => {
  await table?.stop();
});

specifyRequestGuards(() => ({
  idempotency: () => new IdempotencyStore(table.client, table.tableName),
  quotas: () => new UploadQuotaStore(table.client, table.tableName),
}));
