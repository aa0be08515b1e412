/**
 * `upload`'s handling of what the API answers, against a small API served by the test on
 * loopback: a body the gateway finds too large goes again through a presigned POST, a refused
 * file is that file's FAILED outcome, and a refused token stops the run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliApiClient } from '../../cli/client/api-client.js';
import { EXIT_CODES } from '../../cli/client/exit-codes.js';
import { createProgress } from '../../cli/client/progress.js';
import { uploadFiles } from '../../cli/commands/upload.js';

const DOCUMENT_ID = '6f1c0b9e-4c1e-4d7a-9a6e-1f2d3c4b5a69';
type Route = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

let server: Server;
let url: string;
let dir: string;
const seen: string[] = [];

async function serve(routes: Record<string, Route>): Promise<void> {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const key = `${request.method} ${new URL(request.url ?? '/', 'http://x').pathname}`;
    seen.push(key);
    const route = routes[key];
    if (route) route(request, Buffer.concat(chunks), response);
    else response.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'NOT_FOUND', message: key } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const json = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

beforeEach(() => {
  seen.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-upload-'));
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, size: number): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(size)]));
  return path;
}

async function run(files: string[], limits = { maxDirectUploadBytes: 1_000_000, maxPresignedUploadBytes: 10_000_000 }) {
  const client = new CliApiClient({ baseUrl: url, token: async () => 't', authHint: 'sign in', unreachableHint: 'start it', sleep: async () => undefined });
  const silent = { write: () => true } as unknown as NodeJS.WriteStream;
  return uploadFiles(client, files, limits, { concurrency: 2 }, createProgress(files.length, { tty: false, stream: silent }), () => undefined);
}

describe('uploadFiles', () => {
  it('sends a file again through a presigned POST when the direct upload is refused as too large', async () => {
    // Arrange: a gateway that takes less than the config says
    let stored = 0;
    await serve({
      'POST /v1/documents': (_request, _body, response) => json(response, 413, { error: { code: 'PAYLOAD_TOO_LARGE', message: 'too large' } }),
      'POST /v1/uploads': (_request, _body, response) =>
        json(response, 201, { documentId: DOCUMENT_ID, upload: { url: `${url}/storage`, fields: { key: 'k', policy: 'p' } }, expiresAt: new Date().toISOString() }),
      'POST /storage': (_request, body, response) => {
        stored = body.length;
        response.writeHead(204).end();
      },
      [`GET /v1/documents/${DOCUMENT_ID}`]: (_request, _body, response) => json(response, 200, { documentId: DOCUMENT_ID, status: 'QUEUED' }),
    });

    // Act
    const { outcomes } = await run([file('report.pdf', 5000)]);

    // Assert
    expect(outcomes).toEqual([expect.objectContaining({ method: 'presigned', documentId: DOCUMENT_ID, status: 'QUEUED' })]);
    expect(seen.slice(0, 3)).toEqual(['POST /v1/documents', 'POST /v1/uploads', 'POST /storage']);
    expect(stored).toBeGreaterThan(5000);
  });

  it('records a file the API refuses as FAILED with the API’s code, and goes on with the others', async () => {
    await serve({
      'POST /v1/documents': (request, _body, response) =>
        new URL(request.url ?? '/', 'http://x').searchParams.get('filename') === 'bad.pdf'
          ? json(response, 415, { error: { code: 'NOT_A_PDF', message: 'The body is not a PDF.' } })
          : json(response, 202, { documentId: DOCUMENT_ID, status: 'QUEUED' }),
    });

    const { outcomes } = await run([file('bad.pdf', 10), file('good.pdf', 10)]);

    expect(outcomes).toEqual([
      expect.objectContaining({ file: join(dir, 'bad.pdf'), status: 'FAILED', error: { code: 'NOT_A_PDF', message: 'The body is not a PDF.' } }),
      expect.objectContaining({ file: join(dir, 'good.pdf'), status: 'QUEUED', documentId: DOCUMENT_ID, method: 'direct' }),
    ]);
  });

  it('refuses locally a file above every upload limit, without sending it', async () => {
    await serve({});

    const { outcomes } = await run([file('huge.pdf', 3000)], { maxDirectUploadBytes: 1000, maxPresignedUploadBytes: 2000 });

    expect(outcomes[0]).toMatchObject({ status: 'FAILED', error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(seen).toEqual([]);
  });

  it('stops the whole run when the token is refused', async () => {
    await serve({
      'POST /v1/documents': (_request, _body, response) => json(response, 401, { error: { code: 'UNAUTHORIZED', message: 'A valid access token is required.' } }),
    });

    await expect(run([file('a.pdf', 10)])).rejects.toMatchObject({ exitCode: EXIT_CODES.auth, hint: 'sign in' });
  });
});
