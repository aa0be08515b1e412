/**
 * The typed API client every caller shares (the CLI, the web page, the tests), over a transport
 * the test plays: requests built from the route table, the token, retries only as configured,
 * the API's error shape and storage's, and upload progress handed to the transport.
 */
import { describe, expect, it } from 'vitest';
import { ApiClient, ApiRequestError, ApiUnreachableError, uploadForm, type TransportInit } from '../../api-client/api-client.js';

interface Sent {
  readonly url: string;
  readonly init: TransportInit;
}

/** A transport that records each request and answers from a list. */
function transport(answers: Array<() => Response>) {
  const sent: Sent[] = [];
  return {
    sent,
    send: async (url: string, init: TransportInit) => {
      sent.push({ url, init });
      return (answers[sent.length - 1] ?? answers.at(-1)!)();
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const DOCUMENT_ID = '6f1c0b9e-4c1e-4d7a-9a6e-1f2d3c4b5a69';

describe('ApiClient (shared)', () => {
  it('builds each request from the route table: method, path parameters encoded, query, bearer token', async () => {
    // Arrange
    const fake = transport([json(200, { version: 1 })]);
    const client = new ApiClient({ baseUrl: 'https://api.example/api', token: () => 'tok', transport: fake.send });

    // Act
    await client.getPageLayout(`${DOCUMENT_ID}/../x`, 3);

    // Assert
    expect(fake.sent[0]!.url).toBe(`https://api.example/api/v1/documents/${encodeURIComponent(`${DOCUMENT_ID}/../x`)}/pages/3/layout`);
    expect(fake.sent[0]!.init).toMatchObject({ method: 'GET', headers: { Authorization: 'Bearer tok' }, redirect: 'manual' });
  });

  it('sends no Authorization header without a token, and leaves out query values not given', async () => {
    const fake = transport([json(200, { documents: [] })]);
    const client = new ApiClient({ baseUrl: 'https://api.example/api', transport: fake.send });

    await client.listDocuments({ limit: 5, cursor: undefined });

    expect(fake.sent[0]!.url).toBe('https://api.example/api/v1/documents?limit=5');
    expect(fake.sent[0]!.init.headers).toEqual({});
  });

  it('throws the API’s refusal at once when retries are off, with its code, message and Retry-After', async () => {
    // Arrange
    const fake = transport([json(429, { error: { code: 'UPLOAD_QUOTA_EXCEEDED', message: 'Too many uploads.' } }, { 'Retry-After': '12' })]);
    const client = new ApiClient({ baseUrl: 'https://api.example/api', transport: fake.send, maxRetries: 0 });

    // Act
    const refusal = await client.uploadDirect(new Uint8Array([1]), { filename: 'a.pdf' }).catch((error: unknown) => error);

    // Assert
    expect(fake.sent).toHaveLength(1);
    expect(refusal).toBeInstanceOf(ApiRequestError);
    expect(refusal).toMatchObject({ status: 429, code: 'UPLOAD_QUOTA_EXCEEDED', detail: 'Too many uploads.', retryAfterSeconds: 12, source: 'api' });
  });

  it('names an answer outside the API’s shape by its status, and storage’s refusal by S3’s code', async () => {
    // Arrange
    const fake = transport([
      () => new Response('<html>Bad gateway</html>', { status: 502 }),
      () => new Response('<Error><Code>EntityTooLarge</Code></Error>', { status: 400 }),
    ]);
    const client = new ApiClient({ baseUrl: 'https://api.example/api', transport: fake.send, maxRetries: 0 });

    // Act
    const proxy = await client.getDocument(DOCUMENT_ID).catch((error: unknown) => error);
    const storage = await client
      .postUploadForm({ url: 'https://bucket.example/', fields: { key: 'k' } }, new Uint8Array([1]), 'a.pdf')
      .catch((error: unknown) => error);

    // Assert
    expect(proxy).toMatchObject({ status: 502, code: 'HTTP_502', source: 'api' });
    expect(storage).toMatchObject({ status: 400, code: 'EntityTooLarge', source: 'storage', message: 'The upload to storage was refused: EntityTooLarge' });
  });

  it('hands the transport the upload’s progress listener, and reports a request that never got an answer as unreachable', async () => {
    // Arrange
    const progress = () => undefined;
    const fake = transport([json(202, { documentId: DOCUMENT_ID, status: 'QUEUED' }, { 'Idempotent-Replayed': 'true' })]);
    const refused = () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    const down = new ApiClient({ baseUrl: 'https://api.example/api', transport: refused });

    // Act
    const client = new ApiClient({ baseUrl: 'https://api.example/api', transport: fake.send });
    const accepted = await client.uploadDirect(new Uint8Array([1]), { onProgress: progress });
    const unreachable = await down.getDocument(DOCUMENT_ID).catch((error: unknown) => error);

    // Assert
    expect(fake.sent[0]!.init.onUploadProgress).toBe(progress);
    expect(accepted).toEqual({ documentId: DOCUMENT_ID, status: 'QUEUED', replayed: true });
    expect(unreachable).toBeInstanceOf(ApiUnreachableError);
    expect(unreachable).toMatchObject({ reason: 'ECONNREFUSED', url: `https://api.example/api/v1/documents/${DOCUMENT_ID}` });
  });
});

describe('uploadForm', () => {
  it('puts every presigned field first and the file last, as S3 requires', () => {
    const form = uploadForm({ url: 'https://bucket.example/', fields: { key: 'uploads/u/d.pdf', Policy: 'p', 'X-Amz-Signature': 's' } }, new Uint8Array([37, 80]), 'd.pdf');

    expect([...form.keys()]).toEqual(['key', 'Policy', 'X-Amz-Signature', 'file']);
    expect((form.get('file') as File).name).toBe('d.pdf');
  });
});
