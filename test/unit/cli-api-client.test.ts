/**
 * The client's handling of the API's answers, against a small HTTP server the test runs on
 * loopback: the bearer token on every request, retries of 429/503 as `Retry-After` says, the
 * error shape mapped to exit codes, and a dead endpoint named.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CliApiClient, retryDelayMs } from '../../cli/client/api-client.js';
import { EXIT_CODES } from '../../cli/client/exit-codes.js';
import { readPages } from '../../cli/commands/documents.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server | undefined;

async function serve(answers: Handler[]): Promise<{ url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  server = createServer((request, response) => {
    requests.push(request);
    (answers[Math.min(requests.length, answers.length) - 1] ?? answers.at(-1)!)(request, response);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests };
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_request, response) => {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
};

function client(url: string, waits: number[] = []) {
  return new CliApiClient({
    baseUrl: url,
    token: async () => 'the-token',
    authHint: 'get a token',
    unreachableHint: 'start it',
    sleep: async (ms) => void waits.push(ms),
  });
}

const record = { documentId: '6f1c0b9e-4c1e-4d7a-9a6e-1f2d3c4b5a69', status: 'COMPLETED' };

describe('ApiClient', () => {
  it('sends the bearer token and reads the answer', async () => {
    const api = await serve([json(200, record)]);

    const document = await client(api.url).getDocument(record.documentId);

    expect(document).toEqual(record);
    expect(api.requests[0]!.headers.authorization).toBe('Bearer the-token');
    expect(api.requests[0]!.url).toBe(`/v1/documents/${record.documentId}`);
  });

  it('retries a throttled and an unavailable answer after the time Retry-After gives', async () => {
    const api = await serve([
      json(429, { error: { code: 'THROTTLED', message: 'slow down' } }, { 'Retry-After': '2' }),
      json(503, { error: { code: 'INTERNAL', message: 'busy' } }),
      json(200, record),
    ]);
    const waits: number[] = [];

    const document = await client(api.url, waits).getDocument(record.documentId);

    expect(document).toEqual(record);
    expect(api.requests).toHaveLength(3);
    expect(waits).toEqual([2000, 1000]);
  });

  it('gives up after its retries with the last answer’s error', async () => {
    const api = await serve([json(429, { error: { code: 'UPLOAD_QUOTA_EXCEEDED', message: 'too many' } }, { 'Retry-After': '1' })]);

    const attempt = client(api.url).getDocument(record.documentId);

    await expect(attempt).rejects.toMatchObject({ status: 429, code: 'UPLOAD_QUOTA_EXCEEDED', exitCode: EXIT_CODES.apiError });
    expect(api.requests).toHaveLength(5);
  });

  it.each([
    [404, 'NOT_FOUND', EXIT_CODES.notFound],
    [401, 'UNAUTHORIZED', EXIT_CODES.auth],
    [403, 'FORBIDDEN', EXIT_CODES.auth],
    [409, 'DOCUMENT_NOT_READY', EXIT_CODES.apiError],
  ])('maps %i %s to exit code %i, with the API’s message', async (status, code, exitCode) => {
    const api = await serve([json(status, { error: { code, message: 'what happened' } })]);

    const attempt = client(api.url).getDocument(record.documentId);

    await expect(attempt).rejects.toMatchObject({ status, code, exitCode, message: `${code}: what happened` });
  });

  it('says how to get a token when the API refuses one', async () => {
    const api = await serve([json(401, { error: { code: 'UNAUTHORIZED', message: 'no' } })]);

    await expect(client(api.url).listDocuments()).rejects.toMatchObject({ hint: 'get a token' });
  });

  it('returns where the file redirect points', async () => {
    const api = await serve([(_request, response) => response.writeHead(303, { Location: 'http://storage.example/file?sig=1' }).end()]);

    expect(await client(api.url).fileUrl(record.documentId)).toBe('http://storage.example/file?sig=1');
  });

  it('names the URL that did not answer', async () => {
    const api = await serve([json(200, {})]);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;

    const attempt = client(api.url).listDocuments();

    await expect(attempt).rejects.toMatchObject({ exitCode: EXIT_CODES.unreachable, hint: 'start it', message: expect.stringContaining(`${api.url}/v1/documents`) });
  });
});

describe('readPages', () => {
  it('follows the cursors, and reads text and tables too large to inline from the URLs given', async () => {
    // Arrange: page 2 comes as links (its content passed the response budget)
    let api!: { url: string; requests: IncomingMessage[] };
    api = await serve([
      json(200, { pages: [{ pageNumber: 1, text: 'one', charCount: 3, hasText: true, needsOcr: false }], nextCursor: 'c1' }),
      (_request, response) =>
        json(200, { pages: [{ pageNumber: 2, textUrl: `${api.url}/spilled/text`, tablesUrl: `${api.url}/spilled/tables`, charCount: 5, hasText: true, needsOcr: false }] })(_request, response),
      (_request, response) => response.writeHead(200, { 'Content-Type': 'text/plain' }).end('large'),
      json(200, [{ rows: [['a', 'b']] }]),
    ]);

    // Act
    const pages = [];
    for await (const page of readPages(client(api.url), record.documentId)) pages.push(page);

    // Assert
    expect(pages).toEqual([
      { pageNumber: 1, text: 'one', charCount: 3, hasText: true, needsOcr: false },
      { pageNumber: 2, text: 'large', tables: [{ rows: [['a', 'b']] }], charCount: 5, hasText: true, needsOcr: false },
    ]);
    expect(api.requests[1]!.url).toContain('cursor=c1');
    expect(api.requests[2]!.headers.authorization).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('follows Retry-After in seconds or as a date, and backs off exponentially without one, never above 30 s', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');

    expect(retryDelayMs('3', 1, now)).toBe(3000);
    expect(retryDelayMs('Mon, 23 Nov 2026 10:00:05 GMT', 1, now)).toBe(5000);
    expect([1, 2, 3].map((attempt) => retryDelayMs(null, attempt, now))).toEqual([500, 1000, 2000]);
    expect(retryDelayMs('3600', 1, now)).toBe(30_000);
  });
});
