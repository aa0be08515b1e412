/**
 * The page store against DynamoDB Local through the real SDK (`test/support/page-store-spec.ts`).
 */
import { PageStore } from '../../lambdas/shared/page-store.js';
import { useDocumentTable } from '../support/document-table.js';
import { specifyPageStore } from '../support/page-store-spec.js';

const table = useDocumentTable();

specifyPageStore(() => ({ pages: (options) => new PageStore(table.client, table.tableName, options) }));
