/**
 * The local runtime stopped and started again on the same state while it holds documents in
 * every state: UPLOADING (a presigned POST not yet sent), QUEUED (its claim write held by the
 * fault proxy), PROCESSING (reading its original held), COMPLETED and FAILED. Nothing may be lost
 * and nothing left behind: after the restart the unfinished ones complete, the finished ones are
 * untouched, and the queues and dead-letter queues end empty.
 *
 * A runtime SIGKILLed mid-run is `test/integration/pipeline-crash.test.ts`; the forwarding of
 * objects uploaded while the runtime was down is `test/integration/local-runtime-restart.test.ts`.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, it } from 'vitest';
import { LANES, TERMINAL_STATUSES } from '../../lambdas/shared/contract.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { uploadKey } from '../../lambdas/shared/s3-keys.js';
import { ApiClient } from '../support/api-client.js';
import { createUpload, documentIn, postForm, uploadDirect } from '../support/api-flows.js';
import { makeStateDir, removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { FaultOutcomes } from './fault-outcomes.js';

/** Longer than the test: a request held this long stands for a runtime stopped in the middle of it. */
const HELD_MS = 10 * 60_000;
const OWNER = 'restart-owner';
/** The QUEUED document's owner: its key names it, so the held claim write is its alone. */
const QUEUED_OWNER = 'restart-queued';

const stateDir = makeStateDir();
let local: TestRuntime | undefined;
const outcomes = new FaultOutcomes('restart');

afterAll(async () => {
  if (local) await outcomes.write();
  await local?.stop();
  removeStateDir(stateDir);
});

async function depth(runtime: TestRuntime, QueueUrl: string) {
  const { Attributes = {} } = await runtime.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

type Named<T> = Record<'uploading' | 'queued' | 'processing' | 'completed' | 'failed', T>;

/** The records in the order of the names. */
async function recordsOf<T>(reads: Promise<T>[]): Promise<Named<T>> {
  const [uploading, queued, processing, completed, failed] = await Promise.all(reads);
  return { uploading: uploading!, queued: queued!, processing: processing!, completed: completed!, failed: failed! };
}

const statuses = (records: Named<DocumentRecord | undefined>) =>
  Object.fromEntries(Object.entries(records).map(([name, record]) => [name, record?.status]));

describe('a restart with documents in every state', () => {
  it('loses nothing and leaves nothing stuck: the unfinished complete, the finished are untouched', async ({ expect }) => {
    // Arrange: one document in each state.
    const first = await startTestRuntime({ faultInjection: true, shutdownGraceMs: 500, stateDir });
    local = first;
    outcomes.use(first);
    const probe = new PipelineProbe(first);
    const faults = first.runtime.faults!;
    const user = new ApiClient(first.outputs.ApiUrl, await first.runtime.api.authority.issue(OWNER));
    const queuedUser = new ApiClient(first.outputs.ApiUrl, await first.runtime.api.authority.issue(QUEUED_OWNER));

    const completed = (await uploadDirect(user, makePdf(['completed before the restart']))).body.documentId as string;
    const failedKey = `incoming/${OWNER}/not-a-pdf.pdf`;
    await first.clients.s3.send(new PutObjectCommand({ Bucket: first.outputs.BucketName, Key: failedKey, Body: '<html>not a pdf</html>' }));
    const failed = probe.dropFolderId(failedKey);
    await documentIn(user, completed, ['COMPLETED'], 90_000);
    await probe.terminal(failed, 90_000);

    const uploading = await createUpload(user, 'posted after the restart.pdf', 2_000);
    const processingKey = uploadKey(OWNER, randomUUID());
    const processing = processingKey.slice(processingKey.lastIndexOf('/') + 1, -'.pdf'.length);
    const readHeld = faults.inject({ service: 's3', operations: ['GetObject'], matching: processingKey, action: { kind: 'latency', ms: HELD_MS } });
    const claimHeld = faults.inject({
      service: 'dynamodb',
      operations: ['UpdateItem'],
      matching: [`uploads/${QUEUED_OWNER}/`, 'PROCESSING'],
      action: { kind: 'latency', ms: HELD_MS },
    });
    await first.clients.s3.send(new PutObjectCommand({ Bucket: first.outputs.BucketName, Key: processingKey, Body: makePdf(['processing at the restart']) }));
    // One at a time: in one batch the held read would keep the other record from being reached at all.
    await waitFor(() => readHeld.injected > 0, { timeoutMs: 60_000, description: 'the held read' });
    const queued = (await uploadDirect(queuedUser, makePdf(['queued at the restart']))).body.documentId as string;
    await waitFor(() => claimHeld.injected > 0, { timeoutMs: 60_000, description: 'the held claim' });

    const ids = { uploading: uploading.body.documentId as string, queued, processing, completed, failed };
    const names = Object.keys(ids) as (keyof typeof ids)[];
    const before = await recordsOf(names.map((name) => probe.documents.get(ids[name])));

    // Act: stop mid-work and start again on the same state (on new ports, as tests pick them afresh).
    await first.stop();
    local = undefined;
    const second = await startTestRuntime({ stateDir });
    local = second;
    outcomes.use(second);
    const after = new PipelineProbe(second);
    const sameForm = { url: String(uploading.body.upload.url).replace(/^http:\/\/[^/]+/, second.outputs.AwsEndpoint), fields: uploading.body.upload.fields };
    const posted = await postForm(sameForm, makePdf(['posted after the restart']), 'posted after the restart.pdf');
    const records = await recordsOf(names.map((name) => after.terminal(ids[name], 90_000)));
    await waitFor(async () => (await Promise.all([second.outputs.QueueUrl, second.outputs.BulkQueueUrl].map((url) => depth(second, url)))).every((count) => count === 0), {
      timeoutMs: 90_000,
      description: 'the queues to drain',
    });

    // Assert
    await outcomes.check(
      {
        name: 'Runtime restarted with documents in every state',
        fault: 'stop and start on the same state with UPLOADING, QUEUED (claim write held), PROCESSING (read held), COMPLETED and FAILED documents',
        expected: 'the unfinished COMPLETED, the finished untouched',
      },
      Object.values(ids),
      () => readHeld.injected + claimHeld.injected,
      async () => {
        expect(statuses(before)).toEqual({
          uploading: 'UPLOADING',
          queued: 'QUEUED',
          processing: 'PROCESSING',
          completed: 'COMPLETED',
          failed: 'FAILED',
        });
        expect(posted.status).toBeLessThan(300);
        expect(statuses(records)).toEqual({
          uploading: 'COMPLETED',
          queued: 'COMPLETED',
          processing: 'COMPLETED',
          completed: 'COMPLETED',
          failed: 'FAILED',
        });
        expect(records.completed).toEqual(before.completed);
        expect(records.failed).toEqual(before.failed);
        for (const name of ['uploading', 'queued', 'processing'] as const) {
          expect((await after.pages(ids[name]))[0]?.text, name).toContain(name === 'uploading' ? 'posted after' : `${name} at the restart`);
        }
        const stuck = (await after.allDocuments()).filter((record) => !TERMINAL_STATUSES.includes(record.status));
        expect(stuck).toEqual([]);
        for (const lane of LANES) expect(JSON.parse(readFileSync(second.runtime.layout.inFlightFiles[lane], 'utf8'))).toEqual([]);
        const deadLetters = await Promise.all([second.outputs.DeadLetterQueueUrl, second.outputs.BulkDeadLetterQueueUrl].map((url) => depth(second, url)));
        expect(deadLetters).toEqual([0, 0]);
      },
    );
  }, 240_000);
});
