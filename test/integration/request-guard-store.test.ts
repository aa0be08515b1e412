/**
 * The idempotency and upload quota stores against DynamoDB Local through the real SDK
 * (`test/support/request-guard-spec.ts`).
 */
import { IdempotencyStore } from '../../lambdas/shared/idempotency-store.js';
import { UploadQuotaStore } from '../../lambdas/shared/upload-quota-store.js';
import { useDocumentTable } from '../support/document-table.js';
import { specifyRequestGuards } from '../support/request-guard-spec.js';

const table = useDocumentTable();

specifyRequestGuards(() => ({
  idempotency: () => new IdempotencyStore(table.client, table.tableName),
  quotas: () => new UploadQuotaStore(table.client, table.tableName),
}));
