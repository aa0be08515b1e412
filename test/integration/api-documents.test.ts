/**
 * The API end to end over HTTP against the local runtime (`npm start`'s gateway, functions and
 * emulators): each upload path to COMPLETED, idempotent retries, pagination of lists and pages,
 * downloads, deletion with its purge, expiry of abandoned uploads, and one user never reaching
 * another's documents. Every answer is checked against the OpenAPI contract by `ApiClient`.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, clientsPerUser } from '../support/api-client.js';
import { createUpload, documentIn, postForm, uploadDirect } from '../support/api-flows.js';
import { readCorpusFile } from '../support/corpus.js';
import { removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { jsonLines } from '../support/json-lines.js';

let local: TestRuntime;
let probe: PipelineProbe;

/** A client whose token's `sub` is `userId`. */
const as = clientsPerUser(() => local);

beforeAll(async () => {
  // Short upload expiry and a fast sweeper, so an abandoned upload expires within the test.
  local = await startTestRuntime({ api: { presignedUrlTtlSeconds: 2, uploadExpiryGraceSeconds: 0, sweepIntervalSeconds: 1 } });
  probe = new PipelineProbe(local);
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

async function listAll(client: ApiClient, query: Record<string, string | number> = {}) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const answer = await client.call('listDocuments', { query: { ...query, ...(cursor ? { cursor } : {}) } });
    expect(answer.status).toBe(200);
    pages.push(answer.body.documents.map((document: { documentId: string }) => document.documentId));
    cursor = answer.body.nextCursor;
  } while (cursor);
  return pages;
}

describe('upload paths', () => {
  it('direct upload: 202 QUEUED, then COMPLETED with its record, pages and a download of the same bytes', async () => {
    // Arrange
    const client = await as('alice');
    const pdf = readCorpusFile('076-small-simple1.pdf');

    // Act
    const accepted = await uploadDirect(client, pdf, { filename: 'simple.pdf' });
    const record = await documentIn(client, accepted.body.documentId, ['COMPLETED', 'FAILED']);
    const pages = await client.call('listDocumentPages', { id: record.documentId });
    const redirect = await client.call('downloadDocumentFile', { id: record.documentId });
    const download = await fetch(redirect.headers.get('location')!);

    // Assert
    expect(accepted).toMatchObject({ status: 202, body: { status: 'QUEUED' } });
    expect(record).toMatchObject({ status: 'COMPLETED', source: 'api', filename: 'simple.pdf', pageCount: 1, size: pdf.byteLength });
    expect(pages.body.pages[0].text).toMatch(/Hello\sWorld/);
    expect(pages.body.nextCursor).toBeUndefined();
    expect(redirect.status).toBe(303);
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
  });

  it('presigned POST: 201 with a form, a real multipart/form-data POST to it, then COMPLETED', async () => {
    // Arrange
    const client = await as('alice');
    const pdf = makePdf(['a large report, page one', 'page two']);

    // Act
    const created = await createUpload(client, 'Quarterly report.pdf', pdf.byteLength);
    const posted = await postForm(created.body.upload, pdf, 'Quarterly report.pdf');
    const record = await documentIn(client, created.body.documentId, ['COMPLETED', 'FAILED']);

    // Assert
    expect(created.status).toBe(201);
    // Signed for the bucket's local front door (S3's POST rules), on loopback like every endpoint.
    expect(created.body.upload.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${local.outputs.BucketName}$`));
    expect(created.body.upload.fields.key).toBe(`uploads/alice/${created.body.documentId}.pdf`);
    expect(posted.status).toBe(204);
    expect(record).toMatchObject({ status: 'COMPLETED', source: 'presigned', filename: 'Quarterly report.pdf', pageCount: 2 });
  });

  it('carries the document id as correlation_id from the API request, through the queues, to the extractor’s and the purge’s log lines', async () => {
    // Arrange
    const client = await as('traced');

    // Act
    const uploaded = await uploadDirect(client, makePdf(['follow me']));
    const documentId: string = uploaded.body.documentId;
    await documentIn(client, documentId, ['COMPLETED']);
    await client.call('listDocuments'); // a request about no one document, on an environment that served this one

    // Assert: the API's line for the request, and the extractor's for the object, name it alike
    const linesAbout = (log: string) =>
      jsonLines(readFileSync(join(local.runtime.layout.root, 'logs', log), 'utf8')).filter((line) => line.correlation_id === documentId);
    expect(linesAbout('api.log')).toContainEqual(
      expect.objectContaining({ message: 'Request answered', operation: 'uploadDocument', statusCode: 202, documentId }),
    );
    // The extractor writes its line after the completing write the record shows, so it is waited for.
    const processed = await waitFor(() => linesAbout('extract.log').find((line) => line.message === 'Object processed'), {
      timeoutMs: 60_000,
      description: 'the extractor’s line about the document',
    });
    expect(processed).toMatchObject({ status: 'completed', documentId });
    // …and no line of another request carries it: the keys end with the request.
    expect(linesAbout('api.log').filter((line) => line.operation === 'listDocuments')).toEqual([]);

    // Act: its deletion, through the purge queue to the purge function
    await client.call('deleteDocument', { id: documentId });
    const purged = await waitFor(() => linesAbout('purge.log').find((line) => line.message === 'Document purged'), {
      timeoutMs: 60_000,
      description: 'the purge function’s line about the document',
    });

    // Assert: the deletion's line and the purge's name it alike too
    expect(linesAbout('api.log')).toContainEqual(expect.objectContaining({ operation: 'deleteDocument', statusCode: 202, documentId }));
    expect(purged).toMatchObject({ documentId });
  });

  it('drop folder: a file under incoming/<userId>/ is that user’s document in the API, with its key', async () => {
    // Arrange
    const client = await as('dropper');
    const key = 'incoming/dropper/scans/2026 Q3.pdf';

    // Act
    await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: readCorpusFile('076-small-simple1.pdf') }));
    const documentId = probe.dropFolderId(key);
    const record = await waitFor(
      async () => {
        const answer = await client.call('getDocument', { id: documentId });
        return answer.status === 200 && answer.body.status === 'COMPLETED' ? answer.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'the drop-folder document' },
    );
    const [listed] = await listAll(client);

    // Assert
    expect(record).toMatchObject({ source: 'drop-folder', sourceKey: key, filename: '2026 Q3.pdf' });
    expect(listed).toContain(documentId);
    expect((await client.call('downloadDocumentFile', { id: documentId })).status).toBe(303);
  });

  it('keeps a hostile filename for display only: path and direction overrides stripped, key chosen by the server', async () => {
    const client = await as('alice');

    const accepted = await uploadDirect(client, makePdf(['x']), { filename: '../../../etc/inv\u202Efdp.exe.pdf' });
    const record = await client.call('getDocument', { id: accepted.body.documentId });

    expect(record.body.filename).toBe('invfdp.exe.pdf');
    const stored = await probe.documents.get(accepted.body.documentId);
    expect(stored?.objectKey).toBe(`uploads/alice/${accepted.body.documentId}.pdf`);
  });
});

describe('idempotent retries', () => {
  it('return the first answer for the same Idempotency-Key and body, creating one document', async () => {
    // Arrange
    const client = await as('retrier');
    const pdf = makePdf(['retry me']);

    // Act
    const first = await uploadDirect(client, pdf, { idempotencyKey: 'upload-7f3a' });
    const retry = await uploadDirect(client, pdf, { idempotencyKey: 'upload-7f3a' });
    const presigned = await createUpload(client, 'big.pdf', 1000);
    await documentIn(client, first.body.documentId, ['COMPLETED']);
    const listing = await listAll(client);

    // Assert
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(listing.flat().filter((id) => id === first.body.documentId)).toHaveLength(1);
    expect(listing.flat()).toHaveLength(2); // the direct upload once, and the presigned one
    expect(presigned.status).toBe(201);
  });
});

describe('pagination', () => {
  it('lists a user’s documents newest first, a page at a time, the last page without a cursor, filtered by status', async () => {
    // Arrange: five documents, created one after another
    const client = await as('lister');
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push((await uploadDirect(client, makePdf([`document ${index}`]))).body.documentId);
    await Promise.all(ids.map((id) => documentIn(client, id, ['COMPLETED'])));
    const expired = (await createUpload(client, 'never-sent.pdf', 10)).body.documentId;

    // Act
    const pages = await listAll(client, { limit: 2, status: 'COMPLETED' });
    const everything = await listAll(client, { limit: 100 });

    // Assert
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...ids].reverse());
    expect(everything.flat()).toEqual([expired, ...ids.reverse()]);
  });

  it('pages through a document’s pages with cursors, inlining text that spilled to S3', async () => {
    // Arrange: five pages, the fourth too large for a DynamoDB item (it spills to results/)
    const client = await as('reader');
    const bigPage = 'lorem ipsum dolor sit amet '.repeat(16_000);
    const texts = ['first page', 'second page', 'third page', bigPage, 'fifth page'];
    const accepted = await uploadDirect(client, makePdf(texts));
    await documentIn(client, accepted.body.documentId, ['COMPLETED']);

    // Act
    const answers = [];
    let cursor: string | undefined;
    do {
      const answer = await client.call('listDocumentPages', { id: accepted.body.documentId, query: { limit: 2, ...(cursor ? { cursor } : {}) } });
      answers.push(answer.body);
      cursor = answer.body.nextCursor;
    } while (cursor);

    // Assert
    expect(answers.map((answer) => answer.pages.map((page: { pageNumber: number }) => page.pageNumber))).toEqual([[1, 2], [3, 4], [5]]);
    expect(answers[0].pages[0].text).toContain('first page');
    expect(answers[1].pages[1].text.length).toBeGreaterThan(400_000);
    expect(answers[2].nextCursor).toBeUndefined();
    const stored = await probe.pages(accepted.body.documentId);
    expect(stored.find((page) => page.pageNumber === 4)?.textRef).toBeDefined();
  });
});

describe('deletion', () => {
  it('answers 404 everywhere at once, then the purge removes the original, the spilled results and the pages', async () => {
    // Arrange: a completed document with a spilled page
    const client = await as('deleter');
    const accepted = await uploadDirect(client, makePdf(['keep', 'lorem ipsum '.repeat(40_000)]));
    const documentId = accepted.body.documentId;
    await documentIn(client, documentId, ['COMPLETED']);
    const objectsUnder = async (prefix: string) =>
      (await local.clients.s3.send(new ListObjectsV2Command({ Bucket: local.outputs.BucketName, Prefix: prefix }))).KeyCount ?? 0;
    expect(await objectsUnder(`results/${documentId}/`)).toBeGreaterThan(0);

    // Act
    const deleted = await client.call('deleteDocument', { id: documentId });

    // Assert: gone from every read at once
    expect(deleted).toMatchObject({ status: 202, body: { documentId } });
    for (const operation of ['getDocument', 'listDocumentPages', 'downloadDocumentFile', 'deleteDocument'] as const) {
      expect((await client.call(operation, { id: documentId })).status, operation).toBe(404);
    }
    expect((await listAll(client)).flat()).not.toContain(documentId);

    // Assert: purged in the background; the tombstone records the purge once it has finished.
    const tombstone = await waitFor(
      async () => {
        const record = await probe.documents.get(documentId);
        return record?.purgedAt ? record : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'the purge' },
    );
    expect(tombstone).toMatchObject({ deletedAt: expect.any(String), purgedAt: expect.any(String), generation: 2 });
    expect(await objectsUnder(`uploads/deleter/${documentId}`)).toBe(0);
    expect(await objectsUnder(`results/${documentId}/`)).toBe(0);
    expect(await probe.pages(documentId)).toHaveLength(0);
  });
});

describe('abandoned uploads', () => {
  it('become FAILED/UPLOAD_EXPIRED once the URL expired with no object, and have no file', async () => {
    const client = await as('abandoner');

    const created = await createUpload(client, 'never.pdf', 1234);
    const record = await documentIn(client, created.body.documentId, ['FAILED'], 30_000);

    expect(record.error).toMatchObject({ code: 'UPLOAD_EXPIRED' });
    expect((await client.call('downloadDocumentFile', { id: created.body.documentId })).status).toBe(409);
  });
});

describe('one user and another’s documents', () => {
  it('cannot read, list, page, download or delete them: every answer is the missing-document 404', async () => {
    // Arrange
    const owner = await as('owner-a');
    const intruder = await as('intruder-b');
    const accepted = await uploadDirect(owner, makePdf(['private']));
    const documentId = accepted.body.documentId;
    await documentIn(owner, documentId, ['COMPLETED']);
    const missing = await intruder.call('getDocument', { id: '00000000-0000-4000-8000-000000000000' });

    // Act & Assert
    for (const operation of ['getDocument', 'listDocumentPages', 'downloadDocumentFile', 'deleteDocument'] as const) {
      const answer = await intruder.call(operation, { id: documentId });
      expect({ status: answer.status, body: answer.body }, operation).toEqual({ status: 404, body: missing.body });
    }
    expect((await listAll(intruder)).flat()).toEqual([]);
    expect((await owner.call('getDocument', { id: documentId })).body.status).toBe('COMPLETED');
    const stillThere = await local.clients.s3.send(
      new GetObjectCommand({ Bucket: local.outputs.BucketName, Key: `uploads/owner-a/${documentId}.pdf` }),
    );
    expect(stillThere.ContentLength).toBeGreaterThan(0);
  });
});
