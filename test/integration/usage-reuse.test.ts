/**
 * Usage metering, identical-document reuse and reprocessing by extractor version, end to end over
 * HTTP against the local runtime: a known document's figures in `GET /v1/usage` against the
 * duration the function reported for its invocation; an identical upload of the same owner is
 * completed from the first one's results (another owner's, or one made under other settings, is
 * extracted), and deleting either document leaves the other whole; `reprocess --extractor-older-than`
 * re-extracts exactly what an older extractor produced.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprocessByVersionOnTarget } from '../../cli/commands/reprocess.js';
import { localTarget } from '../../cli/ops/target.js';
import { documentKey } from '../../lambdas/shared/document-keys.js';
import { EXTRACTOR_VERSION } from '../../lambdas/shared/extractor-version.js';
import { ApiClient } from '../support/api-client.js';
import { documentIn, uploadDirect } from '../support/api-flows.js';
import { readCorpusFile } from '../support/corpus.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { jsonLines } from '../support/json-lines.js';

let local: TestRuntime;
let probe: PipelineProbe;
let table: DynamoDBDocumentClient;
const clients = new Map<string, ApiClient>();

beforeAll(async () => {
  local = await startTestRuntime({ reuseIdenticalDocuments: true });
  probe = new PipelineProbe(local);
  table = DynamoDBDocumentClient.from(local.clients.dynamoDb);
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

async function as(userId: string): Promise<ApiClient> {
  if (!clients.has(userId)) clients.set(userId, new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue(userId)));
  return clients.get(userId)!;
}

async function completed(client: ApiClient, pdf: Uint8Array) {
  const accepted = await uploadDirect(client, pdf);
  expect(accepted.status).toBe(202);
  const document = await documentIn(client, accepted.body.documentId, ['COMPLETED', 'FAILED']);
  expect(document.status).toBe('COMPLETED');
  return document;
}

async function usageOf(client: ApiClient) {
  const answer = await client.call('getUsage', {});
  expect(answer.status).toBe(200);
  return answer.body;
}

/**
 * The duration the runtime reported (its REPORT line) for the invocation that logged the document's outcome.
 * Both lines are written after the completing write the API shows, so they are waited for.
 */
async function reportedDurationMs(documentId: string): Promise<number> {
  return waitFor(() => {
    const text = readFileSync(local.runtime.layout.extractLog, 'utf8');
    const lines = text.split('\n');
    const processed = jsonLines(text).find(
      (entry) => entry.message === 'Object processed' && entry.documentId === documentId && entry.status === 'completed',
    );
    const requestId = processed?.function_request_id as string | undefined;
    // Runtime lines start with their time: `2026-12-05T07:00:00.000Z REPORT RequestId: …`.
    const report = requestId && lines.find((line) => line.includes(` REPORT RequestId: ${requestId} `));
    const match = /Duration: ([\d.]+) ms/.exec(report || '');
    return match ? Number(match[1]) : undefined;
  }, { timeoutMs: 30_000, description: `the REPORT line of the invocation that completed ${documentId}` });
}

describe('usage metering end to end', () => {
  it("adds a known document's pages, size and extraction time, within the invocation's reported duration, to its owner's day", async () => {
    // Arrange: a corpus document of known size and page count, by an owner with no other usage.
    const client = await as('meter-known');
    const pdf = readCorpusFile('076-small-simple1.pdf');

    // Act
    const document = await completed(client, pdf);
    const usage = await waitFor(async () => {
      const answer = await usageOf(client);
      return answer.total.documentsCompleted === 1 ? answer : undefined;
    }, { timeoutMs: 30_000, description: 'the usage of the completed document' });

    // Assert
    const memoryMb = local.runtime.settings.function.memoryMb;
    const { total } = usage;
    expect(total).toMatchObject({ documentsCompleted: 1, documentsFailed: 0, documentsReused: 0, pages: document.pageCount, sourceBytes: pdf.byteLength });
    expect(total.extractionMs).toBeGreaterThan(0);
    expect(total.extractionMs).toBeLessThanOrEqual(await reportedDurationMs(document.documentId as string));
    expect(total.gbSeconds).toBeCloseTo((total.extractionMs / 1000) * (memoryMb / 1024), 9);
    // A layout per page at least, each a PUT; the record's writes and a page item per page at least.
    expect(total.s3Writes).toBeGreaterThanOrEqual(document.pageCount as number);
    expect(total.resultBytes).toBeGreaterThan(0);
    expect(total.dynamoDbWrites).toBeGreaterThan(document.pageCount as number);
    expect(usage.estimatedCost.total).toBeGreaterThan(0);
  });
});

describe('identical documents end to end', () => {
  it("completes an owner's identical upload from the first one's results, never another owner's, and survives the original's deletion", async () => {
    // Arrange
    const alice = await as('reuse-alice');
    const bob = await as('reuse-bob');
    const pdf = makePdf(['the same contract, page one', 'the same contract, page two']);
    const original = await completed(alice, pdf);

    // Act
    const reuser = await completed(alice, pdf);
    const bobs = await completed(bob, pdf);

    // Assert: alice's second upload names the first; bob's was extracted.
    expect(reuser).toMatchObject({ reusedFrom: original.documentId, pageCount: 2, sha256: original.sha256, extractorVersion: EXTRACTOR_VERSION });
    expect(reuser.settingsDigest).toBe(original.settingsDigest);
    expect(bobs.reusedFrom).toBeUndefined();
    const pagesOf = async (id: string) => (await alice.call('listDocumentPages', { id })).body.pages.map((page: { text: string }) => page.text);
    expect(await pagesOf(reuser.documentId)).toEqual(await pagesOf(original.documentId));
    const usage = await waitFor(async () => {
      const answer = await usageOf(alice);
      return answer.total.documentsCompleted === 2 ? answer : undefined;
    }, { timeoutMs: 30_000, description: "alice's usage" });
    expect(usage.total).toMatchObject({ documentsReused: 1, pages: 2 });

    // Act: the original is deleted and purged.
    expect((await alice.call('deleteDocument', { id: original.documentId })).status).toBe(202);
    await waitFor(async () => (await probe.documents.get(original.documentId as string))?.purgedAt !== undefined, {
      timeoutMs: 60_000,
      description: 'the purge of the original',
    });

    // Assert: the reuser's record, pages and layouts are its own.
    expect((await alice.call('getDocument', { id: reuser.documentId })).body).toMatchObject({ status: 'COMPLETED', reusedFrom: original.documentId });
    expect(await pagesOf(reuser.documentId)).toEqual([expect.stringContaining('page one'), expect.stringContaining('page two')]);
    const layout = await alice.call('getPageLayout', { id: reuser.documentId, path: { n: 2 } });
    expect(layout.status).toBe(200);
  });

  it('leaves the original whole when the reusing document is deleted', async () => {
    // Arrange
    const erin = await as('reuse-erin');
    const pdf = makePdf(['an original that outlives its copy']);
    const original = await completed(erin, pdf);
    const reuser = await completed(erin, pdf);
    expect(reuser.reusedFrom).toBe(original.documentId);

    // Act
    expect((await erin.call('deleteDocument', { id: reuser.documentId })).status).toBe(202);
    await waitFor(async () => (await probe.documents.get(reuser.documentId))?.purgedAt !== undefined, {
      timeoutMs: 60_000,
      description: 'the purge of the reusing document',
    });

    // Assert
    const pages = await erin.call('listDocumentPages', { id: original.documentId });
    expect(pages.body.pages.map((page: { text: string }) => page.text)).toEqual([expect.stringContaining('outlives its copy')]);
    expect((await erin.call('getPageLayout', { id: original.documentId, path: { n: 1 } })).status).toBe(200);
  });

  it('extracts an identical upload again when the earlier results were produced under other settings', async () => {
    // Arrange: the earlier document's results as if produced with other output settings.
    const carol = await as('reuse-carol');
    const pdf = makePdf(['a report read under other settings']);
    const earlier = await completed(carol, pdf);
    await table.send(
      new UpdateCommand({
        TableName: local.outputs.TableName,
        Key: documentKey(earlier.documentId as string),
        UpdateExpression: 'SET settingsDigest = :other',
        ExpressionAttributeValues: { ':other': 's1-0000000000000000' },
      }),
    );

    // Act
    const again = await completed(carol, pdf);

    // Assert
    expect(again.reusedFrom).toBeUndefined();
    expect(again.settingsDigest).toBe(earlier.settingsDigest);
  });
});

describe('reprocess --extractor-older-than end to end', () => {
  it('re-extracts exactly the documents an older extractor produced, as a new generation, with progress', async () => {
    // Arrange: three documents of one owner; one as if from 1.4.0, one from before versions were recorded.
    const dave = await as('version-dave');
    const [older, unversioned, current] = await Promise.all(['older', 'unversioned', 'current'].map((text) => completed(dave, makePdf([`${text} document`]))));
    const ids: string[] = [older, unversioned, current].map((document) => document.documentId);
    const rewrite = (documentId: string, expression: string, values?: Record<string, unknown>) =>
      table.send(new UpdateCommand({ TableName: local.outputs.TableName, Key: documentKey(documentId), UpdateExpression: expression, ExpressionAttributeValues: values }));
    await rewrite(ids[0]!, 'SET extractorVersion = :old', { ':old': '1.4.0' });
    await rewrite(ids[1]!, 'REMOVE extractorVersion');
    const target = localTarget(local.stateDir);
    const lines: string[] = [];

    // Act
    const dryRun = await reprocessByVersionOnTarget(target, { extractorOlderThan: EXTRACTOR_VERSION, owner: 'version-dave', dryRun: true }, () => undefined);
    const summary = await reprocessByVersionOnTarget(target, { extractorOlderThan: EXTRACTOR_VERSION, owner: 'version-dave', maxPerSecond: 50 }, (line) => lines.push(line));
    const records = await Promise.all(
      ids.map((id) => waitFor(async () => {
        const record = await probe.documents.get(id);
        return record?.status === 'COMPLETED' && record.extractorVersion === EXTRACTOR_VERSION ? record : undefined;
      }, { timeoutMs: 60_000, description: `document ${id} completed by the current extractor` })),
    );
    target.destroy();

    // Assert
    expect([...dryRun.selected].sort()).toEqual([ids[0], ids[1]].sort());
    expect(dryRun.outcomes).toEqual({});
    expect([...summary.selected].sort()).toEqual([ids[0], ids[1]].sort());
    expect(summary.outcomes).toEqual({ queued: 2 });
    expect(records.map((record) => record.generation)).toEqual([2, 2, 1]);
    expect(lines.filter((line) => line.startsWith('['))).toEqual([expect.stringMatching(/^\[1\/2\] .+: queued \(1 queued\)$/), expect.stringMatching(/^\[2\/2\] .+: queued \(2 queued\)$/)]);
  });
});
