/**
 * The whole pipeline on the local runtime with the real extractor: objects put into the bucket
 * through the S3 API end as document records and pages in DynamoDB.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadKey } from '../../lambdas/shared/s3-keys.js';
import { readCorpusFile } from '../support/corpus.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { objectCreatedMessage } from '../support/s3-notification.js';

let local: TestRuntime;
let probe: PipelineProbe;

beforeAll(async () => {
  local = await startTestRuntime();
  probe = new PipelineProbe(local);
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

async function put(key: string, body: Uint8Array | string) {
  await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: body }));
}

async function drop(key: string, body: Uint8Array | string) {
  await put(key, body);
  return probe.terminal(probe.dropFolderId(key));
}

/** Sends an S3 notification for an existing object, as a duplicate or delayed delivery would arrive. */
async function sendEvent(key: string, sequencer: string) {
  const body = objectCreatedMessage(local.outputs, key, sequencer, { size: 100 });
  await local.clients.sqs.send(new SendMessageCommand({ QueueUrl: local.outputs.QueueUrl, MessageBody: body }));
}

/** Both lanes' queues are empty: nothing waiting, nothing in flight. */
async function queueDrained() {
  return waitFor(
    async () => {
      for (const QueueUrl of [local.outputs.QueueUrl, local.outputs.BulkQueueUrl]) {
        const { Attributes } = await local.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
        if (Attributes?.ApproximateNumberOfMessages !== '0' || Attributes.ApproximateNumberOfMessagesNotVisible !== '0') return false;
      }
      return true;
    },
    { timeoutMs: 90_000, description: 'the queues to drain' },
  );
}

describe('drop folder', () => {
  it('extracts a real PDF: record COMPLETED with metadata, checksum and one page item per page', async () => {
    const key = 'incoming/user-1/GeoTopo.pdf';
    const bytes = readCorpusFile('004-long-GeoTopo-komprimiert.pdf');

    const record = await drop(key, bytes);
    const pages = await probe.pages(record.documentId);

    expect(record).toMatchObject({
      status: 'COMPLETED',
      source: 'drop-folder',
      ownerId: 'user-1',
      filename: 'GeoTopo.pdf',
      sourceKey: key,
      pageCount: 117,
      size: bytes.byteLength,
      sha256: '20430e92d42bc06c606f5889d9832c8e5c4dde17f8333f99fbcba96b3a0cba14',
      metadata: { title: 'Geometrie und Topologie', pdfVersion: '1.5' },
    });
    expect(pages).toHaveLength(117);
    expect(pages.map((page) => page.pageNumber)).toEqual(Array.from({ length: 117 }, (_, index) => index + 1));
    expect(pages[0]!.text).toContain('Geometrie');
  });

  it.each([
    ['an encrypted PDF', '056-encrypted-user-rc4-40.pdf', 'ENCRYPTED'],
    ['a corrupt PDF', '070-corrupt-invalid.pdf', 'CORRUPT'],
    ['HTML named .pdf', '907-hostile-html-renamed.pdf', 'NOT_A_PDF'],
    ['a truncated PDF', '911-hostile-truncated90-simple1.pdf', 'CORRUPT'],
  ])('records %s as FAILED with %s and acknowledges it', async (_name, file, code) => {
    const record = await drop(`incoming/user-1/bad/${file}`, readCorpusFile(file));

    expect(record.status).toBe('FAILED');
    expect(record.error).toMatchObject({ code, message: expect.any(String) });
  });

  it('records an empty file as NOT_A_PDF', async () => {
    expect((await drop('incoming/user-1/empty.pdf', '')).error?.code).toBe('NOT_A_PDF');
  });

  it('records a file with no owner segment as NO_OWNER', async () => {
    const record = await drop('incoming/ownerless.pdf', readCorpusFile('076-small-simple1.pdf'));

    expect(record).toMatchObject({ status: 'FAILED', error: { code: 'NO_OWNER' }, sourceKey: 'incoming/ownerless.pdf' });
  });

  it.each([
    'incoming/user-2/Quarterly report Q3.pdf',
    'incoming/user-2/日本語のレポート.pdf',
    'incoming/user-2/a+b=c.pdf',
    'incoming/user-2/100% done.pdf',
    'incoming/user-2/UPPER CASE.PDF',
  ])('keeps the exact key and filename of %s', async (key) => {
    const record = await drop(key, readCorpusFile('076-small-simple1.pdf'));

    expect(record).toMatchObject({ status: 'COMPLETED', sourceKey: key, filename: key.split('/').at(-1) });
  });
});

describe('API uploads', () => {
  it('completes the record the API wrote before the object arrived', async () => {
    const documentId = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
    const now = new Date().toISOString();
    await probe.documents.create({
      documentId,
      ownerId: 'user-3',
      source: 'api',
      lane: 'interactive',
      status: 'QUEUED',
      filename: 'contract.pdf',
      generation: 1,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    });

    await put(uploadKey('user-3', documentId), readCorpusFile('062-encrypted-owner-r6-owner-password.pdf'));
    const record = await probe.terminal(documentId);

    expect(record).toMatchObject({ status: 'COMPLETED', source: 'api', filename: 'contract.pdf', pageCount: 1 });
    expect(record.createdAt).toBe(now);
  });
});

describe('results too large for an item', () => {
  it('spill to results/ with a pointer, and results/ never triggers processing', async () => {
    const bigPage = 'lorem ipsum dolor sit amet '.repeat(16_000);
    const record = await drop('incoming/user-1/big-page.pdf', makePdf(['small first page', bigPage]));

    const [first, second] = await probe.pages(record.documentId);
    const spilled = await local.clients.s3.send(
      new GetObjectCommand({ Bucket: second!.textRef!.bucket, Key: second!.textRef!.key }),
    );

    expect(record.status).toBe('COMPLETED');
    expect(first!.text).toContain('small first page');
    expect(second!.text).toBeUndefined();
    expect(second!.textRef!.key).toMatch(new RegExp(`^results/${record.documentId}/`));
    expect((await spilled.Body!.transformToString()).length).toBeGreaterThan(400_000);
    await queueDrained();
    const all = await probe.allDocuments();
    expect(all.filter((doc) => doc.objectKey?.startsWith('results/'))).toEqual([]);
  });
});

describe('duplicate and out-of-order events', () => {
  it('leave a completed document exactly as it was', async () => {
    const key = 'incoming/user-4/once.pdf';
    const completed = await drop(key, readCorpusFile('076-small-simple1.pdf'));

    await sendEvent(key, completed.sequencer!);
    await sendEvent(key, '000000000000000001');
    await queueDrained();

    const after = await probe.documents.get(completed.documentId);
    expect(after).toEqual(completed);
  });
});

describe('a burst of 200 files', () => {
  it('ends with every document completed exactly once and nothing in the DLQ', async () => {
    const keys = Array.from({ length: 200 }, (_, index) => `incoming/burst/file-${String(index).padStart(3, '0')}.pdf`);

    await Promise.all(keys.map((key, index) => put(key, makePdf([`burst document ${index}`]))));
    const records = await Promise.all(keys.map((key) => probe.terminal(probe.dropFolderId(key), 180_000)));
    // Drop-folder files go through the bulk lane: its dead-letter queue is the one they could reach.
    const { Attributes } = await local.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: local.outputs.BulkDeadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );

    expect(records.map((record) => record.status)).toEqual(keys.map(() => 'COMPLETED'));
    expect(new Set(records.map((record) => record.documentId)).size).toBe(200);
    const pages = await probe.pages(records[123]!.documentId);
    expect(pages[0]!.text).toContain('burst document 123');
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
  }, 240_000);
});

