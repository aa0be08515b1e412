/**
 * The admin role and the audit trail end to end, over HTTP through the local gateway with real
 * tokens: an admin lists and reads another user's documents and those reads are in
 * `GET /v1/audit`; an ordinary user gets 404 or 403 and changes nothing; uploads and deletions
 * are in the trail with their outcomes; the admin redrive moves dead letters back; expired
 * entries go, as DynamoDB TTL would remove them.
 */
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepository } from '../../lambdas/shared/audit-repository.js';
import { ADMIN_GROUP } from '../../lambdas/shared/contract.js';
import { LOCAL_NAMES } from '../../local/settings.js';
import { ApiClient } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';

let local: TestRuntime;
let probe: PipelineProbe;
let alice: ApiClient;
let bob: ApiClient;
let admin: ApiClient;
let alicesDocument: string;

beforeAll(async () => {
  local = await startTestRuntime();
  probe = new PipelineProbe(local);
  const { authority } = local.runtime.api;
  alice = new ApiClient(local.outputs.ApiUrl, await authority.issue('alice'));
  bob = new ApiClient(local.outputs.ApiUrl, await authority.issue('bob'));
  admin = new ApiClient(local.outputs.ApiUrl, await authority.issue('root', { groups: [ADMIN_GROUP] }));
  const accepted = await uploadDirect(alice, makePdf(['alice’s private page']), { filename: 'medical record.pdf' });
  alicesDocument = (await documentIn(alice, accepted.body.documentId, ['COMPLETED', 'FAILED'])).documentId as string;
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

/** Every audit entry about a document, or by an actor, newest first (all pages). */
async function trail(query: Record<string, string>): Promise<Record<string, any>[]> {
  const entries: Record<string, any>[] = [];
  let cursor: string | undefined;
  do {
    const answer = await admin.call('listAuditEntries', { query: { ...query, limit: 2, ...(cursor ? { cursor } : {}) } });
    expect(answer.status).toBe(200);
    entries.push(...answer.body.entries);
    cursor = answer.body.nextCursor;
  } while (cursor);
  return entries;
}

describe('an admin', () => {
  it('lists and reads another user’s documents, and each read is in the audit trail', async () => {
    // Act
    const listed = await admin.call('listDocuments', { query: { ownerId: 'alice' } });
    const read = await admin.call('getDocument', { id: alicesDocument });
    const pages = await admin.call('listDocumentPages', { id: alicesDocument });
    const file = await admin.call('downloadDocumentFile', { id: alicesDocument });

    // Assert
    expect(listed.body.documents.map((document: { documentId: string }) => document.documentId)).toContain(alicesDocument);
    expect([read.status, pages.status, file.status]).toEqual([200, 200, 303]);
    const aboutDocument = await trail({ documentId: alicesDocument });
    const reads = aboutDocument.filter((entry) => entry.actor === 'root').map((entry) => [entry.operation, entry.ownerId, entry.actorIsAdmin, entry.outcome.status]);
    expect(reads).toEqual([
      ['downloadDocumentFile', 'alice', true, 303],
      ['listDocumentPages', 'alice', true, 200],
      ['getDocument', 'alice', true, 200],
    ]);
    const byAdmin = await trail({ actor: 'root' });
    expect(byAdmin).toContainEqual(expect.objectContaining({ operation: 'listDocuments', ownerId: 'alice', outcome: { status: 200 } }));
    expect(JSON.stringify(aboutDocument)).not.toContain('medical record');
  });

  it('sees the pipeline’s health detail', async () => {
    expect((await admin.call('getHealthDetail')).status).toBe(200);
  });
});

describe('an ordinary user', () => {
  it('gets the missing-document 404 for another user’s document, and changes nothing', async () => {
    // Arrange
    const before = await probe.documents.get(alicesDocument);

    // Act
    const answers = await Promise.all(
      (['getDocument', 'listDocumentPages', 'downloadDocumentFile', 'deleteDocument', 'reprocessDocument'] as const).map(
        async (operationId) => [operationId, (await bob.call(operationId, { id: alicesDocument })).status],
      ),
    );

    // Assert
    expect(Object.fromEntries(answers)).toEqual({
      getDocument: 404,
      listDocumentPages: 404,
      downloadDocumentFile: 404,
      deleteDocument: 404,
      reprocessDocument: 404,
    });
    expect(await probe.documents.get(alicesDocument)).toEqual(before);
  });

  it('gets 403 for another owner’s list and for every admin route, and moves nothing', async () => {
    await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: local.outputs.DeadLetterQueueUrl, MessageBody: '{"not":"moved"}' }));

    const answers = {
      list: (await bob.call('listDocuments', { query: { ownerId: 'alice' } })).status,
      audit: (await bob.call('listAuditEntries')).status,
      redrive: (await bob.call('redriveDeadLetters')).status,
      health: (await bob.call('getHealthDetail')).status,
    };

    expect(answers).toEqual({ list: 403, audit: 403, redrive: 403, health: 403 });
    const { Attributes } = await local.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: local.outputs.DeadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('1');
    const refused = (await trail({ actor: 'bob' })).map((entry) => [entry.operation, entry.outcome.status, entry.outcome.code]);
    expect(refused).toEqual(expect.arrayContaining([['redriveDeadLetters', 403, 'FORBIDDEN'], ['deleteDocument', 404, 'NOT_FOUND']]));
  });
});

describe('the audit trail', () => {
  it('has an upload and a deletion with their outcomes, newest first', async () => {
    // Arrange
    const accepted = await uploadDirect(alice, makePdf(['to be deleted']));
    const documentId = accepted.body.documentId as string;
    await documentIn(alice, documentId, ['COMPLETED', 'FAILED']);

    // Act
    const deleted = await alice.call('deleteDocument', { id: documentId });
    const deletedAgain = await alice.call('deleteDocument', { id: documentId });

    // Assert
    expect([accepted.status, deleted.status, deletedAgain.status]).toEqual([202, 202, 404]);
    const entries = await trail({ documentId });
    expect(entries.map((entry) => [entry.operation, entry.actor, entry.actorIsAdmin, entry.outcome])).toEqual([
      ['deleteDocument', 'alice', false, { status: 404, code: 'NOT_FOUND' }],
      ['deleteDocument', 'alice', false, { status: 202 }],
      ['uploadDocument', 'alice', false, { status: 202 }],
    ]);
    expect(entries.every((entry) => typeof entry.requestId === 'string' && entry.requestId.length > 0)).toBe(true);
  });

  it('is limited to a time range', async () => {
    const future = await trail({ from: new Date(Date.now() + 3_600_000).toISOString() });
    const past = await trail({ to: '2020-01-01T00:00:00Z' });

    expect([future, past]).toEqual([[], []]);
  });

  it('loses entries past their retention at the next sweep, as TTL would remove them', async () => {
    // Arrange: an entry written 31 days ago (dev keeps 30)
    const repository = new AuditRepository(DynamoDBDocumentClient.from(local.clients.dynamoDb), LOCAL_NAMES.auditTable, 30);
    const old = new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString();
    await repository.record({
      entryId: '00000000-0000-4000-8000-0000000000aa',
      at: old,
      actor: 'carol',
      actorIsAdmin: false,
      operation: 'deleteDocument',
      outcome: { status: 202 },
      requestId: 'old-request',
    });
    const everything = { from: '2000-01-01T00:00:00.000Z', actor: 'carol', limit: 10 };
    expect((await repository.query(everything, new Date())).items).toHaveLength(1);

    // Act
    await local.runtime.api.sweepNow();

    // Assert
    expect((await repository.query(everything, new Date())).items).toHaveLength(0);
  });
});

describe('POST /v1/admin/redrive', () => {
  it('moves the dead letters back to the extraction queue and records it', async () => {
    // Arrange: an S3 test event (which the extractor acknowledges) waiting in the dead-letter queue
    const testEvent = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: local.outputs.BucketName });
    await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: local.outputs.DeadLetterQueueUrl, MessageBody: testEvent }));

    // Act
    const answer = await admin.call('redriveDeadLetters', { query: { lane: 'interactive', maxPerSecond: 50 } });

    // Assert
    expect(answer.status).toBe(202);
    const [lane] = answer.body.lanes;
    expect(answer.body.lanes).toHaveLength(1);
    expect(lane).toMatchObject({ lane: 'interactive', strategy: 'receive-send-delete', more: false });
    expect(lane.waiting).toBeGreaterThanOrEqual(1);
    expect(lane.moved).toBe(lane.waiting);
    await waitFor(
      async () => {
        const { Attributes } = await local.clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: local.outputs.DeadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        );
        return Attributes?.ApproximateNumberOfMessages === '0';
      },
      { timeoutMs: 60_000, description: 'an empty dead-letter queue' },
    );
    expect((await trail({ actor: 'root' }))[0]).toMatchObject({ operation: 'redriveDeadLetters', lanes: ['interactive'], outcome: { status: 202 } });
  });
});
