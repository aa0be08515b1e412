/**
 * DynamoDB Local alone, with the document table (or the audit table) as the local runtime creates
 * it: for integration tests of a store, which need the real service's semantics (conditions,
 * atomic ADD, indexes) but none of the queues, bucket or functions `startTestRuntime` starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { auditTableDefinition, tableDefinition } from '../../local/resources.js';
import { LOCAL_CREDENTIALS } from '../../local/settings.js';

export interface LocalDocumentTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  stop(): Promise<void>;
}

const REGION = 'eu-west-1';

export function startDocumentTable(tableName = 'documents'): Promise<LocalDocumentTable> {
  return startTable(tableDefinition(tableName));
}

export function startAuditTable(tableName = 'audit'): Promise<LocalDocumentTable> {
  return startTable(auditTableDefinition(tableName));
}

/**
 * The document table of a test file: started before its tests, stopped after them. Its client
 * and name are there once the tests (and the file's later `beforeAll` hooks) run.
 */
export function useDocumentTable(): LocalDocumentTable {
  return useTable(startDocumentTable);
}

/** The audit table of a test file, as `useDocumentTable`. */
export function useAuditTable(): LocalDocumentTable {
  return useTable(startAuditTable);
}

function useTable(start: () => Promise<LocalDocumentTable>): LocalDocumentTable {
  let started: LocalDocumentTable | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    await started?.stop();
  });
  const table = () => {
    if (!started) throw new Error('The table starts in a beforeAll hook: use it in the tests or a later hook.');
    return started;
  };
  return {
    get client() {
      return table().client;
    },
    get tableName() {
      return table().tableName;
    },
    stop: () => table().stop(),
  };
}

async function startTable(definition: CreateTableCommandInput): Promise<LocalDocumentTable> {
  const tableName = String(definition.TableName);
  const dir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-table-'));
  const dynamoDb = await startDynamoDbLocal({ port: 0, dbDir: dir, logFile: join(dir, 'dynamodb.log'), region: REGION });
  const raw = new DynamoDBClient({ endpoint: dynamoDb.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await raw.send(new CreateTableCommand(definition));
    await waitUntilTableExists({ client: raw, maxWaitTime: 30 }, { TableName: tableName });
  } catch (error) {
    raw.destroy();
    await dynamoDb.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    client: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
    stop: async () => {
      raw.destroy();
      await dynamoDb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
