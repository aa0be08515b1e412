/**
 * Presigned POST uploads of large files to the local bucket, over HTTP as a browser or the CLI
 * sends them: a 16 MB PDF (past fauxqs's own 11 MiB body limit) is stored and processed, a file
 * of exactly the policy's limit is stored, one byte more is refused with S3's `EntityTooLarge`
 * (a clean answer, not a dropped connection), and a form that breaks its policy or signature is
 * refused as S3 refuses it. The limit is lowered to 20 MB so the files stay quick to send.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { createUpload, documentIn, postForm } from '../support/api-flows.js';
import { removeStateDir, startTestRuntime, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';

const MB = 1024 * 1024;
const PRESIGNED_LIMIT = 20 * MB;

let local: TestRuntime;
let client: ApiClient;

beforeAll(async () => {
  local = await startTestRuntime({ api: { maxPresignedUploadBytes: PRESIGNED_LIMIT } });
  client = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue('big-uploader'));
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

/** A valid one-page PDF of exactly `size` bytes (the rest is an unreferenced padding stream). */
function pdfOfSize(size: number, text: string): Uint8Array {
  let padding = size;
  for (let round = 0; round < 3; round += 1) padding += size - makePdf([text], { paddingBytes: padding }).byteLength;
  const pdf = makePdf([text], { paddingBytes: padding });
  expect(pdf.byteLength).toBe(size);
  return pdf;
}

/** S3's error document: its code and the elements beside it. */
async function s3Error(response: Response) {
  const xml = await response.text();
  const element = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return { status: response.status, code: element('Code'), maxSizeAllowed: element('MaxSizeAllowed'), proposedSize: element('ProposedSize') };
}

async function storedSize(key: string): Promise<number | undefined> {
  try {
    return (await local.clients.s3.send(new HeadObjectCommand({ Bucket: local.outputs.BucketName, Key: key }))).ContentLength;
  } catch {
    return undefined;
  }
}

describe('presigned POST of large files', () => {
  it('stores a 16 MB PDF, which is then processed like any upload', async () => {
    // Arrange
    const pdf = pdfOfSize(16 * MB, 'sixteen megabytes');
    const created = await createUpload(client, 'sixteen.pdf', pdf.byteLength);

    // Act
    const posted = await postForm(created.body.upload, pdf, 'sixteen.pdf');
    const record = await documentIn(client, created.body.documentId, ['COMPLETED', 'FAILED'], 180_000);

    // Assert
    expect(posted.status).toBe(204);
    expect(await storedSize(created.body.upload.fields.key)).toBe(pdf.byteLength);
    expect(record).toMatchObject({ status: 'COMPLETED', source: 'presigned', pageCount: 1, size: pdf.byteLength });
  }, 240_000);

  it('stores a file of exactly the presigned limit', async () => {
    // Arrange
    const pdf = pdfOfSize(PRESIGNED_LIMIT, 'exactly the limit');
    const created = await createUpload(client, 'at-limit.pdf', pdf.byteLength);

    // Act
    const posted = await postForm(created.body.upload, pdf, 'at-limit.pdf');

    // Assert
    expect(posted.status).toBe(204);
    expect(await storedSize(created.body.upload.fields.key)).toBe(PRESIGNED_LIMIT);
  });

  it('refuses one byte over the limit with S3’s EntityTooLarge, and stores nothing', async () => {
    // Arrange: the form was asked for within the limit; the file sent is larger
    const pdf = pdfOfSize(PRESIGNED_LIMIT + 1, 'one byte too many');
    const created = await createUpload(client, 'over-limit.pdf', PRESIGNED_LIMIT);

    // Act
    const posted = await postForm(created.body.upload, pdf, 'over-limit.pdf');

    // Assert
    expect(await s3Error(posted)).toEqual({
      status: 400,
      code: 'EntityTooLarge',
      maxSizeAllowed: String(PRESIGNED_LIMIT),
      proposedSize: String(PRESIGNED_LIMIT + 1),
    });
    expect(await storedSize(created.body.upload.fields.key)).toBeUndefined();
  });
});

describe('presigned POST policy and signature', () => {
  it('refuses a form whose key, content type or signature was changed, as S3 does', async () => {
    // Arrange
    const pdf = makePdf(['tampered']);
    const { upload } = (await createUpload(client, 'tampered.pdf', pdf.byteLength)).body;
    const otherKey = `${upload.fields.key.slice(0, -'.pdf'.length)}-other.pdf`;

    // Act
    const [wrongKey, wrongType, wrongSignature] = await Promise.all([
      postForm({ url: upload.url, fields: { ...upload.fields, key: otherKey } }, pdf, 'tampered.pdf'),
      postForm({ url: upload.url, fields: { ...upload.fields, 'Content-Type': 'text/html' } }, pdf, 'tampered.pdf'),
      postForm({ url: upload.url, fields: { ...upload.fields, 'X-Amz-Signature': '0'.repeat(64) } }, pdf, 'tampered.pdf'),
    ]);

    // Assert
    expect((await s3Error(wrongKey)).code).toBe('AccessDenied');
    expect((await s3Error(wrongType)).code).toBe('AccessDenied');
    expect((await s3Error(wrongSignature)).code).toBe('SignatureDoesNotMatch');
    expect(await storedSize(upload.fields.key)).toBeUndefined();
    expect(await storedSize(otherKey)).toBeUndefined();
  });
});
