/**
 * `pdf-pipeline restore` on the local runtime: a document whose record and pages were deleted
 * from the table, or whose record was damaged, is rebuilt from its original in the bucket and
 * ends COMPLETED with the same text; a drop-folder document is found by its derived id. (fauxqs
 * keeps no versions, so these restore from the current object; DynamoDB Local has no PITR.)
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreOnTarget } from '../../cli/commands/restore.js';
import { localTarget, type OpsTarget } from '../../cli/ops/target.js';
import { TABLE_LAYOUT } from '../../lambdas/shared/contract.js';
import { ApiClient } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';

let local: TestRuntime;
let table: DynamoDBDocumentClient;
let target: OpsTarget;
let probe: PipelineProbe;
let alice: ApiClient;

beforeAll(async () => {
  local = await startTestRuntime();
  table = DynamoDBDocumentClient.from(local.clients.dynamoDb);
  target = localTarget(local.stateDir);
  probe = new PipelineProbe(local);
  alice = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue('alice'));
});

afterAll(async () => {
  target?.destroy();
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

const recordKey = (documentId: string) => ({ [TABLE_LAYOUT.partitionKey]: `DOC#${documentId}`, [TABLE_LAYOUT.sortKey]: 'DOCUMENT' });

/** The text of a document's pages through the API, page after page. */
async function textOf(documentId: string): Promise<string[]> {
  const answer = await alice.call('listDocumentPages', { id: documentId });
  expect(answer.status).toBe(200);
  return answer.body.pages.map((page: { text: string }) => page.text);
}

async function completedUpload(pages: string[]): Promise<string> {
  const accepted = await uploadDirect(alice, makePdf(pages), { filename: 'report.pdf' });
  const document = await documentIn(alice, accepted.body.documentId, ['COMPLETED', 'FAILED']);
  expect(document.status).toBe('COMPLETED');
  return document.documentId as string;
}

/** Deletes every page item of a document straight from the table, as a faulty writer might. */
async function deletePageItems(documentId: string): Promise<void> {
  const items = (await probe.pages(documentId)) as unknown as Record<string, unknown>[];
  expect(items.length).toBeGreaterThan(0);
  const keyOf = (item: Record<string, unknown>) => ({
    [TABLE_LAYOUT.partitionKey]: item[TABLE_LAYOUT.partitionKey],
    [TABLE_LAYOUT.sortKey]: item[TABLE_LAYOUT.sortKey],
  });
  await table.send(new BatchWriteCommand({ RequestItems: { [local.outputs.TableName]: items.map((item) => ({ DeleteRequest: { Key: keyOf(item) } })) } }));
}

describe('restore', () => {
  it('rebuilds an API upload whose record and pages were deleted, with the same text', async () => {
    // Arrange
    const documentId = await completedUpload(['Quarterly figures, page one', 'Outlook, page two']);
    const original = await textOf(documentId);
    await deletePageItems(documentId);
    await local.clients.dynamoDb.send(new DeleteCommand({ TableName: local.outputs.TableName, Key: recordKey(documentId) }));
    expect((await alice.call('getDocument', { id: documentId })).status).toBe(404);

    // Act
    const outcome = await restoreOnTarget(target, documentId);
    const document = await documentIn(alice, documentId, ['COMPLETED', 'FAILED']);

    // Assert
    expect(outcome).toMatchObject({ kind: 'queued', generation: 1, lane: 'interactive', original: { noncurrent: false } });
    expect(document).toMatchObject({ status: 'COMPLETED', pageCount: 2, source: 'api' });
    expect(await textOf(documentId)).toEqual(original);
  });

  it('rebuilds a document whose record was damaged and pages lost, as a new generation', async () => {
    // Arrange
    const documentId = await completedUpload(['A record that goes bad']);
    const original = await textOf(documentId);
    await deletePageItems(documentId);
    await table.send(
      new UpdateCommand({
        TableName: local.outputs.TableName,
        Key: recordKey(documentId),
        UpdateExpression: 'SET #status = :garbage REMOVE #generation, #pageCount',
        ExpressionAttributeNames: { '#status': 'status', '#generation': 'generation', '#pageCount': 'pageCount' },
        ExpressionAttributeValues: { ':garbage': 'C0MPLETED?' },
      }),
    );

    // Act
    const outcome = await restoreOnTarget(target, documentId);
    const document = await documentIn(alice, documentId, ['COMPLETED', 'FAILED']);

    // Assert
    expect(outcome).toMatchObject({ kind: 'queued', generation: 1 });
    expect(document).toMatchObject({ status: 'COMPLETED', pageCount: 1, filename: 'report.pdf' });
    expect(await textOf(documentId)).toEqual(original);
  });

  it('finds a drop-folder document by its derived id once its record is gone', async () => {
    // Arrange
    const key = 'incoming/alice/restored/drop.pdf';
    await local.clients.s3.send(
      new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: makePdf(['Dropped, lost, found']), ContentType: 'application/pdf' }),
    );
    const documentId = probe.dropFolderId(key);
    expect((await probe.terminal(documentId)).status).toBe('COMPLETED');
    const original = await textOf(documentId);
    await deletePageItems(documentId);
    await local.clients.dynamoDb.send(new DeleteCommand({ TableName: local.outputs.TableName, Key: recordKey(documentId) }));

    // Act
    const outcome = await restoreOnTarget(target, documentId);
    const document = await documentIn(alice, documentId, ['COMPLETED', 'FAILED']);

    // Assert
    expect(outcome).toMatchObject({ kind: 'queued', lane: 'bulk', original: { key } });
    expect(document).toMatchObject({ status: 'COMPLETED', source: 'drop-folder', sourceKey: key });
    expect(await textOf(documentId)).toEqual(original);
  });

  it('never undoes a deletion, and says when no original is left', async () => {
    // Arrange
    const deleted = await completedUpload(['Deleted by its owner']);
    expect((await alice.call('deleteDocument', { id: deleted })).status).toBe(202);

    // Act
    const ofDeleted = await restoreOnTarget(target, deleted);
    const ofUnknown = await restoreOnTarget(target, '00000000-0000-4000-8000-000000000000');

    // Assert
    expect(ofDeleted).toEqual({ kind: 'deleted' });
    expect(ofUnknown).toEqual({ kind: 'no-original' });
  });
});
