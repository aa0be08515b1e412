/**
 * Document retention: the expiry each document and page carries, reads that treat an expired
 * document as gone at once (DynamoDB TTL can lag by days), an extractor that never revives one,
 * and the sweeper that removes expired documents where nothing enforces TTL.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { decideClaim } from '../../lambdas/extract/claim.js';
import { API_ENV, EXTRACT_ENV } from '../../lambdas/shared/contract.js';
import { DocumentRepository } from '../../lambdas/shared/document-repository.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { sweep } from '../../lambdas/sweep/sweep.js';
import {
  apiEnvironment,
  CONFIGS,
  ENVIRONMENT_NAMES,
  extractionEnvironment,
  sweepEnvironment,
  validateConfig,
  type EnvironmentConfig,
} from '../../lib/config.js';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const CREATED_AT = '2026-11-23T12:00:00.000Z';
const CREATED_S = Date.parse(CREATED_AT) / 1000;
const RETENTION_S = 30 * 24 * 3600;
const EXPIRES_AT = CREATED_S + RETENTION_S;

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
/** A repository whose clock reads `nowSeconds`. */
const repositoryAt = (nowSeconds: number) =>
  new DocumentRepository(client, 'documents', { documentRetentionSeconds: RETENTION_S, now: () => nowSeconds * 1000 });

const record: DocumentRecord = {
  documentId: DOC_ID,
  ownerId: 'user-1',
  status: 'QUEUED',
  source: 'api',
  bucket: 'docs',
  objectKey: `uploads/user-1/${DOC_ID}.pdf`,
  generation: 1,
  attempts: 0,
  createdAt: CREATED_AT,
  updatedAt: CREATED_AT,
};
const storedItem = (fields: Partial<DocumentRecord> = {}) => ({ pk: `DOC#${DOC_ID}`, sk: 'DOCUMENT', ...record, expiresAt: EXPIRES_AT, ...fields });

beforeEach(() => {
  ddb.reset();
  s3.reset();
});

describe('DocumentRepository retention', () => {
  it('writes a new record with an expiry of its creation plus the retention', async () => {
    // Arrange
    ddb.on(PutCommand).resolves({});

    // Act
    await repositoryAt(CREATED_S).create(record);

    // Assert
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ documentId: DOC_ID, expiresAt: EXPIRES_AT });
  });

  it('keeps an expiry the record already carries', async () => {
    // Arrange
    ddb.on(PutCommand).resolves({});

    // Act
    await repositoryAt(CREATED_S).create({ ...record, expiresAt: CREATED_S + 60 });

    // Assert
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ expiresAt: CREATED_S + 60 });
  });

  it('writes no expiry without a retention period', async () => {
    // Arrange
    ddb.on(PutCommand).resolves({});

    // Act
    await new DocumentRepository(client, 'documents').create(record);

    // Assert
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).not.toHaveProperty('expiresAt');
  });

  it('reads a record until the second before it expires, and not from that second on', async () => {
    // Arrange
    ddb.on(GetCommand).resolves({ Item: storedItem() });

    // Act
    const justBefore = await repositoryAt(EXPIRES_AT - 1).get(DOC_ID);
    const atExpiry = await repositoryAt(EXPIRES_AT).get(DOC_ID);
    const after = await repositoryAt(EXPIRES_AT + 86_400).get(DOC_ID);

    // Assert
    expect(justBefore?.documentId).toBe(DOC_ID);
    expect(atExpiry).toBeUndefined();
    expect(after).toBeUndefined();
  });

  it('returns an expired record to a writer that asks for it', async () => {
    // Arrange
    ddb.on(GetCommand).resolves({ Item: storedItem() });

    // Act
    const found = await repositoryAt(EXPIRES_AT + 1).get(DOC_ID, { includeExpired: true });

    // Assert
    expect(found).toMatchObject({ documentId: DOC_ID, expiresAt: EXPIRES_AT });
  });

  it('makes every state change conditional on the record not having expired', async () => {
    // Arrange
    ddb.on(UpdateCommand).resolves({});

    // Act
    await repositoryAt(EXPIRES_AT - 10).transition(DOC_ID, { status: 'QUEUED' }, { status: 'PROCESSING' });

    // Assert
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toContain('(attribute_not_exists(#ttl) OR #ttl > :now)');
    expect(input.ExpressionAttributeNames).toMatchObject({ '#ttl': 'expiresAt' });
    expect(input.ExpressionAttributeValues).toMatchObject({ ':now': EXPIRES_AT - 10 });
  });

  it('gives pages the expiry of their document', async () => {
    // Arrange
    ddb.on(BatchWriteCommand).resolves({});
    const page = { pageNumber: 1, generation: 1, text: 'Hello', charCount: 5, hasText: true, needsOcr: false };

    // Act
    await repositoryAt(CREATED_S).putPages(DOC_ID, [page], EXPIRES_AT);

    // Assert
    const [request] = ddb.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems!.documents!;
    expect(request!.PutRequest!.Item).toMatchObject({ sk: 'PAGE#000001#G000001', text: 'Hello', expiresAt: EXPIRES_AT });
  });

  it('leaves expired records out of listings and expired pages out of page reads', async () => {
    // Arrange
    ddb.on(QueryCommand).resolves({ Items: [] });
    const repository = repositoryAt(EXPIRES_AT);

    // Act
    await repository.listByOwner('user-1', { limit: 10 });
    await repository.listByOwner('user-1', { limit: 10, status: 'COMPLETED' });
    await repository.listPages(DOC_ID, 1, { limit: 10, afterPageNumber: 0 });

    // Assert
    for (const call of ddb.commandCalls(QueryCommand)) {
      const input = call.args[0].input;
      expect(input.FilterExpression).toContain('(attribute_not_exists(#ttl) OR #ttl > :now)');
      expect(input.ExpressionAttributeValues).toMatchObject({ ':now': EXPIRES_AT });
    }
  });
});

describe('decideClaim for an expired document', () => {
  const delivery = { sequencer: '0A', receiveCount: 1, maxAttempts: 5 };

  it('skips a document whose expiry has passed, whatever its status', () => {
    // Arrange
    const expired = { ...record, sequencer: '0A', expiresAt: EXPIRES_AT };

    // Act
    const decision = decideClaim(expired, { ...delivery, nowSeconds: EXPIRES_AT });

    // Assert
    expect(decision).toEqual({ action: 'skip', reason: 'expired' });
  });

  it('claims the same document a second before it expires', () => {
    // Arrange
    const live = { ...record, sequencer: '0A', expiresAt: EXPIRES_AT };

    // Act
    const decision = decideClaim(live, { ...delivery, nowSeconds: EXPIRES_AT - 1 });

    // Assert
    expect(decision).toEqual({ action: 'claim', attempt: 1 });
  });
});

describe('sweep of expired items', () => {
  const NOW = new Date((EXPIRES_AT + 5) * 1000);
  const sweepDependencies = () => ({
    repository: repositoryAt(EXPIRES_AT + 5),
    s3: new S3Client({ region: 'eu-west-1' }),
    bucketName: 'docs',
    now: () => NOW,
    sweepExpired: true,
  });

  beforeEach(() => {
    s3.on(ListObjectVersionsCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({});
    s3.on(DeleteObjectsCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
  });

  it("removes an expired document's original, spilled results and pages before its record", async () => {
    // Arrange
    ddb.on(ScanCommand).resolvesOnce({ Items: [storedItem()] }).resolves({ Items: [] });
    s3.on(ListObjectsV2Command, { Prefix: record.objectKey }).resolves({ Contents: [{ Key: record.objectKey }] });
    s3.on(ListObjectsV2Command, { Prefix: `results/${DOC_ID}/` }).resolves({ Contents: [{ Key: `results/${DOC_ID}/g1/page-000001.txt` }] });
    ddb.on(QueryCommand, { KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :page)' }).resolves({
      Items: [{ pk: `DOC#${DOC_ID}`, sk: 'PAGE#000001' }],
    });

    // Act
    const outcome = await sweep(sweepDependencies());

    // Assert
    expect(outcome).toMatchObject({ documentsExpired: 1, itemsExpired: 0 });
    const deletedObjects = s3.commandCalls(DeleteObjectsCommand).flatMap((call) => call.args[0].input.Delete!.Objects!.map((o) => o.Key));
    expect(deletedObjects).toEqual([record.objectKey, `results/${DOC_ID}/g1/page-000001.txt`]);
    const pageDeletes = ddb.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems!.documents!;
    expect(pageDeletes.map((request) => request.DeleteRequest!.Key!.sk)).toEqual(['PAGE#000001']);
    const recordDelete = ddb.commandCalls(DeleteCommand)[0]!.args[0].input;
    expect(recordDelete).toMatchObject({ Key: { pk: `DOC#${DOC_ID}`, sk: 'DOCUMENT' }, ConditionExpression: '#ttl <= :now' });
  });

  it('removes other expired items as they are, and counts them apart from documents', async () => {
    // Arrange
    const idempotencyItem = { pk: 'IDEMPOTENCY#abc', sk: 'IDEMPOTENCY', expiresAt: EXPIRES_AT };
    ddb.on(ScanCommand).resolvesOnce({ Items: [idempotencyItem] }).resolves({ Items: [] });

    // Act
    const outcome = await sweep(sweepDependencies());

    // Assert
    expect(outcome).toMatchObject({ documentsExpired: 0, itemsExpired: 1 });
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input.Key).toEqual({ pk: 'IDEMPOTENCY#abc', sk: 'IDEMPOTENCY' });
  });

  it('leaves expired items alone unless asked to sweep them (AWS: TTL and lifecycle rules do it)', async () => {
    // Arrange
    ddb.on(ScanCommand).resolves({ Items: [storedItem()] });

    // Act
    const outcome = await sweep({ ...sweepDependencies(), sweepExpired: false });

    // Assert
    expect(outcome).toMatchObject({ documentsExpired: 0, itemsExpired: 0 });
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });
});

describe('retention settings', () => {
  it.each(ENVIRONMENT_NAMES)('tells the extractor, the API and the sweeper the %s retention in seconds', (envName) => {
    // Arrange
    const config = CONFIGS[envName];
    const seconds = String(config.retention.documentDays * 24 * 3600);

    // Act
    const environments = [extractionEnvironment(config), apiEnvironment(config), sweepEnvironment(config)];

    // Assert
    expect(environments.map((env) => env[EXTRACT_ENV.documentRetentionSeconds] ?? env[API_ENV.documentRetentionSeconds])).toEqual([
      seconds,
      seconds,
      seconds,
    ]);
  });

  it('keeps prod documents longer than staging, and staging longer than dev', () => {
    // Act
    const days = ENVIRONMENT_NAMES.map((envName) => CONFIGS[envName].retention.documentDays);

    // Assert
    expect(days).toEqual([30, 90, 365]);
  });

  it('refuses a retention no longer than the dead-letter queues keep messages', () => {
    // Arrange
    const config: EnvironmentConfig = { ...CONFIGS.dev, retention: { documentDays: CONFIGS.dev.queue.deadLetterRetentionDays } };

    // Act
    const validate = () => validateConfig(config);

    // Assert
    expect(validate).toThrow(/retention.documentDays must exceed queue.deadLetterRetentionDays/);
  });
});
