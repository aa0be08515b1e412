/**
 * The API function as deployed, over a mocked SDK: direct uploads (`POST /v1/documents`) and
 * presigned POSTs (`POST /v1/uploads`), what each writes and in which order, and every refusal.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { UploadCreated } from '../../lambdas/api/schemas.js';
import { call, ddb, documentTableCalls, expectError, json, MB, OWNER, s3, useApiHandler } from '../support/api-handler-harness.js';
import { fieldsSet } from '../support/dynamo-updates.js';
import { makePdf } from '../support/pdf-factory.js';

useApiHandler();

describe('POST /v1/documents (direct upload)', () => {
  const pdf = Buffer.from(makePdf(['hello']));
  const upload = (body: Buffer, headers: Record<string, string> = { 'Content-Type': 'application/pdf' }, query?: Record<string, string>) =>
    call({ method: 'POST', resource: '/v1/documents', body, headers, query });

  it('writes the QUEUED record (with its expiry task) before the object, and answers 202', async () => {
    // Arrange: note the order of the writes
    const order: string[] = [];
    ddb.on(TransactWriteCommand).callsFake((input) => {
      order.push(input.TransactItems[0].Put ? 'record' : 'quota');
      return {};
    });
    s3.on(PutObjectCommand).callsFake(() => {
      order.push('object');
      return {};
    });

    // Act
    const result = await upload(pdf, { 'content-type': 'application/pdf' }, { filename: '../../etc/Rapport\u202Efdp.exe.pdf' });

    // Assert
    expect(result.statusCode).toBe(202);
    const { documentId, status } = json(result);
    expect(status).toBe('QUEUED');
    expect(order).toEqual(['quota', 'record', 'object']);
    const transaction = ddb.commandCalls(TransactWriteCommand).find((call) => call.args[0].input.TransactItems![0]!.Put);
    const [recordPut, taskPut] = transaction!.args[0].input.TransactItems!;
    expect(recordPut!.Put).toMatchObject({
      Item: {
        pk: `DOC#${documentId}`,
        sk: 'DOCUMENT',
        ownerPk: `OWNER#${OWNER}`,
        documentId,
        ownerId: OWNER,
        status: 'QUEUED',
        source: 'api',
        filename: 'Rapportfdp.exe.pdf',
        generation: 1,
        attempts: 0,
        bucket: 'docs',
        objectKey: `uploads/${OWNER}/${documentId}.pdf`,
        uploadExpiresAt: expect.any(String),
      },
    });
    expect(taskPut!.Put!.Item).toMatchObject({ kind: 'upload', documentId, objectKey: `uploads/${OWNER}/${documentId}.pdf` });
    const [put] = s3.commandCalls(PutObjectCommand);
    expect(put!.args[0].input).toMatchObject({ Bucket: 'docs', Key: `uploads/${OWNER}/${documentId}.pdf`, ContentType: 'application/pdf' });
  });

  it('answers 413 pointing to /v1/uploads above the limit, without writing anything', async () => {
    const result = await upload(Buffer.concat([pdf, Buffer.alloc(4 * MB)]));

    expect(expectError(result, 413, 'PAYLOAD_TOO_LARGE').error.message).toContain('/v1/uploads');
    expect(documentTableCalls()).toHaveLength(0);
  });

  it.each([
    ['another content type', Buffer.from('%PDF-1.4'), { 'Content-Type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a body that is not a PDF', Buffer.from('<html>not a pdf</html>'), { 'Content-Type': 'application/pdf' }, 415, 'NOT_A_PDF'],
    ['an empty body', Buffer.alloc(0), { 'Content-Type': 'application/pdf' }, 400, 'EMPTY_BODY'],
  ])('refuses %s', async (_name, body, headers, status, code) => {
    const result = await upload(body, headers);

    expectError(result, status, code);
    expect(documentTableCalls()).toHaveLength(0);
  });

  it('refuses a filename with nothing usable left', async () => {
    const result = await upload(pdf, { 'Content-Type': 'application/pdf' }, { filename: '../../' });

    expectError(result, 400, 'INVALID_FILENAME');
  });

  it('answers 429 with Retry-After when the quota transaction is cancelled, and writes nothing else', async () => {
    // Arrange: the minute counter's condition fails
    ddb.on(TransactWriteCommand).rejects(
      Object.assign(new Error('cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );

    // Act
    const result = await upload(pdf);

    // Assert
    expectError(result, 429, 'UPLOAD_QUOTA_EXCEEDED');
    const retryAfter = Number(result.headers?.['Retry-After']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const [quota] = ddb.commandCalls(TransactWriteCommand);
    expect(quota!.args[0].input.TransactItems!.map((item) => item.Update!.Key!.sk)).toEqual([
      expect.stringMatching(/^MINUTE#/),
      expect.stringMatching(/^DAY#/),
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('returns the first answer again for a repeated Idempotency-Key and request', async () => {
    // Arrange: the mocked table keeps the key's item as the claim wrote it and the completion changed it
    let stored: Record<string, unknown> | undefined;
    ddb.on(PutCommand, { TableName: 'documents' }).callsFake((input) => {
      stored = input.Item;
      return {};
    });
    ddb.on(UpdateCommand).callsFake((input) => {
      stored = { ...stored, ...fieldsSet(input) };
      return {};
    });
    ddb.on(GetCommand).callsFake((input) => (String(input.Key.pk).startsWith('IDEMPOTENCY#') && stored ? { Item: stored } : {}));
    s3.on(PutObjectCommand).resolves({});
    const headers = { 'Content-Type': 'application/pdf', 'Idempotency-Key': 'retry-1' };

    // Act
    const first = await upload(pdf, headers);
    const second = await upload(pdf, headers);
    const otherBody = await upload(Buffer.from(makePdf(['other'])), headers);

    // Assert
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(json(second)).toEqual(json(first));
    expect(second.headers?.['Idempotent-Replayed']).toBe('true');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expectError(otherBody, 409, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('releases the key when the request fails, so a retry runs again', async () => {
    // Arrange
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    s3.on(PutObjectCommand).rejects(new Error('boom'));

    // Act
    const result = await upload(pdf, { 'Content-Type': 'application/pdf', 'Idempotency-Key': 'k-2' });

    // Assert
    expect(result.statusCode).toBe(500);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input.Key!.pk).toMatch(/^IDEMPOTENCY#/);
  });
});

describe('POST /v1/uploads (presigned POST)', () => {
  const create = (body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    call({ method: 'POST', resource: '/v1/uploads', body: typeof body === 'string' ? body : JSON.stringify(body), headers });

  it('creates an UPLOADING record and a POST whose policy pins key, type and size', async () => {
    // Act
    const result = await create({ filename: 'Big report.pdf', size: 50 * MB });

    // Assert
    expect(result.statusCode).toBe(201);
    const body = UploadCreated.parse(json(result));
    const key = `uploads/${OWNER}/${body.documentId}.pdf`;
    expect(body.upload.fields).toMatchObject({ key, 'Content-Type': 'application/pdf' });
    const policy = JSON.parse(Buffer.from(body.upload.fields.Policy!, 'base64').toString('utf8')) as {
      expiration: string;
      conditions: unknown[];
    };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'docs' },
        ['eq', '$key', key],
        ['eq', '$Content-Type', 'application/pdf'],
        ['content-length-range', 1, 100 * MB],
      ]),
    );
    const expiresIn = Date.parse(policy.expiration) - Date.now();
    expect(expiresIn).toBeGreaterThan(890_000);
    expect(expiresIn).toBeLessThanOrEqual(900_000);
    expect(Math.abs(Date.parse(body.expiresAt) - Date.parse(policy.expiration))).toBeLessThan(1_000);
    const [transaction] = ddb.commandCalls(TransactWriteCommand).slice(-1);
    expect(transaction!.args[0].input.TransactItems![0]!.Put!.Item).toMatchObject({
      status: 'UPLOADING',
      source: 'presigned',
      filename: 'Big report.pdf',
      uploadExpiresAt: body.expiresAt,
    });
  });

  it.each([
    ['unknown fields', { filename: 'a.pdf', size: 10, bucket: 'other' }],
    ['wrong types', { filename: 'a.pdf', size: '10' }],
    ['a missing field', { filename: 'a.pdf' }],
    ['a fractional size', { filename: 'a.pdf', size: 1.5 }],
  ])('refuses %s with 400', async (_name, body) => {
    const result = await create(body);

    expectError(result, 400, 'VALIDATION_FAILED');
  });

  it('refuses bad JSON with 400, another media type with 415, and a size above the limit with 413', async () => {
    expectError(await create('{"filename": "a.pdf",'), 400, 'INVALID_JSON');
    expectError(await create({ filename: 'a.pdf', size: 10 }, { 'Content-Type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await create({ filename: 'a.pdf', size: 100 * MB + 1 }), 413, 'PAYLOAD_TOO_LARGE');
    expect(documentTableCalls()).toHaveLength(0);
  });
});
