import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { describe, expect, it } from 'vitest';
import { checkPostPolicy, parsePostForm, s3ErrorXml, type PostForm } from '../../local/post-policy.js';

const SECRET = 'local';
const BUCKET = 'pdf-pipeline-local';
const KEY = 'uploads/alice/0000.pdf';
const s3 = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: SECRET } });

/** A form as the API signs it (see `lambdas/api/object-access.ts`), with `file` of `size` bytes. */
async function signedForm(size: number, options: { expiresInSeconds?: number; extraFields?: Record<string, string> } = {}): Promise<PostForm> {
  const { fields } = await createPresignedPost(s3, {
    Bucket: BUCKET,
    Key: KEY,
    Conditions: [{ bucket: BUCKET }, ['eq', '$key', KEY], ['eq', '$Content-Type', 'application/pdf'], ['content-length-range', 1, 100]],
    Fields: { 'Content-Type': 'application/pdf' },
    Expires: options.expiresInSeconds ?? 60,
  });
  return { fields: { ...fields, ...options.extraFields }, file: Buffer.alloc(size, 0x25) };
}

const check = (form: PostForm, now = new Date()) => checkPostPolicy({ bucket: BUCKET, form, secretAccessKey: SECRET, now });

describe('checkPostPolicy', () => {
  it('accepts a form as signed, with a file within the content-length range', async () => {
    expect(check(await signedForm(100))).toBeUndefined();
  });

  it('refuses a file outside the content-length range with S3’s size errors', async () => {
    expect(check(await signedForm(101))).toEqual({
      status: 400,
      code: 'EntityTooLarge',
      message: 'Your proposed upload exceeds the maximum allowed size',
      details: { ProposedSize: 101, MaxSizeAllowed: 100 },
    });
    expect(check(await signedForm(0))).toMatchObject({ status: 400, code: 'EntityTooSmall', details: { MinSizeAllowed: 1 } });
  });

  it('refuses an expired policy, a changed field, an unsigned extra field and another bucket', async () => {
    const form = await signedForm(10);

    expect(check(form, new Date(Date.now() + 61_000))).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' });
    expect(check({ ...form, fields: { ...form.fields, key: 'uploads/mallory/0000.pdf' } })).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(check(await signedForm(10, { extraFields: { acl: 'public-read' } }))).toMatchObject({
      status: 403,
      message: 'Invalid according to Policy: Extra input fields: acl',
    });
    expect(checkPostPolicy({ bucket: 'another-bucket', form, secretAccessKey: SECRET, now: new Date() })).toMatchObject({ code: 'AccessDenied' });
    expect(check(await signedForm(10, { extraFields: { 'x-ignore-tracking': 'yes' } }))).toBeUndefined();
  });

  it('refuses a policy signed with another key, or not signed at all', async () => {
    const form = await signedForm(10);
    const { Policy: _policy, ...unsigned } = form.fields;

    expect(checkPostPolicy({ bucket: BUCKET, form, secretAccessKey: 'other', now: new Date() })).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(check({ ...form, fields: unsigned })).toMatchObject({ status: 403, code: 'AccessDenied' });
  });
});

describe('parsePostForm', () => {
  it('reads the fields before the file and the file byte for byte; fields after the file are ignored', () => {
    const file = Buffer.from('%PDF-1.4\r\n--not-a-boundary\r\n%%EOF');
    const body = Buffer.concat([
      Buffer.from('--b0\r\nContent-Disposition: form-data; name="key"\r\n\r\nuploads/a.pdf\r\n'),
      Buffer.from('--b0\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n'),
      file,
      Buffer.from('\r\n--b0\r\nContent-Disposition: form-data; name="late"\r\n\r\nignored\r\n--b0--\r\n'),
    ]);

    const form = parsePostForm(body, 'multipart/form-data; boundary=b0');

    expect(form).toEqual({ fields: { key: 'uploads/a.pdf' }, file, filename: 'a.pdf' });
  });

  it('refuses a body that is not multipart/form-data', () => {
    expect(parsePostForm(Buffer.from('x'), 'application/json')).toMatchObject({ status: 400, code: 'MalformedPOSTRequest' });
  });
});

describe('s3ErrorXml', () => {
  it('writes S3’s error document, details escaped', () => {
    expect(s3ErrorXml({ status: 400, code: 'EntityTooLarge', message: 'a < b', details: { MaxSizeAllowed: 5 } }, 'R1')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>EntityTooLarge</Code><Message>a &lt; b</Message><MaxSizeAllowed>5</MaxSizeAllowed><RequestId>R1</RequestId><HostId>local</HostId></Error>',
    );
  });
});
