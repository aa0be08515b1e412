/**
 * The `pdf-pipeline` client commands end to end: the CLI run as a child process, as a user runs
 * it, against the local runtime with the real extraction handler. It finds the API and signs its
 * own token from the runtime's state directory, as it does against `npm start`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGS } from '../../lib/config.js';
import { resolveClientTarget } from '../../cli/client/api-target.js';
import { EXIT_CODES } from '../../cli/client/exit-codes.js';
import { corpusFile } from '../support/corpus.js';
import { removeStateDir, startTestRuntime, type TestRuntime } from '../support/local-runtime.js';
import { makePdf } from '../support/pdf-factory.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'bin/pdf-pipeline.js');

let local: TestRuntime;
let workDir: string;

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pdf-pipeline <args>` with the project's Node, against the test runtime, as `cli-user`. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: workDir,
        env: { ...withoutToken(process.env), PDF_PIPELINE_STATE_DIR: local.stateDir, PDF_PIPELINE_USER: 'cli-user', ...env },
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function withoutToken(environment: NodeJS.ProcessEnv): Record<string, string> {
  const { PDF_PIPELINE_TOKEN: _token, ...rest } = environment;
  return rest as Record<string, string>;
}

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);

/** A port nothing listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const SMALL = corpusFile('076-small-simple1.pdf');
let large: string;
let small: { documentId: string };
let big: { documentId: string };

beforeAll(async () => {
  local = await startTestRuntime();
  workDir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-cli-'));
  // Above the direct upload limit, so it must go through a presigned POST.
  large = join(workDir, 'large report.pdf');
  writeFileSync(large, makePdf(['a large report', 'its second page'], { paddingBytes: CONFIGS.dev.api.maxDirectUploadBytes + 100_000 }));
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('pdf-pipeline upload', () => {
  it('takes its upload limits from the limits the runtime publishes in outputs.json, not from the config', () => {
    // Act
    const target = resolveClientTarget({ stateDir: local.stateDir }, {});

    // Assert
    expect(readFileSync(join(local.stateDir, 'outputs.json'), 'utf8')).toContain('"MaxDirectUploadBytes"');
    expect(target.limits).toEqual({
      maxDirectUploadBytes: Number(local.outputs.MaxDirectUploadBytes),
      maxPresignedUploadBytes: Number(local.outputs.MaxPresignedUploadBytes),
    });
    expect(target.limits.maxDirectUploadBytes).toBe(CONFIGS.dev.api.maxDirectUploadBytes);
  });

  it('sends a small file directly and one above the direct limit through a presigned POST, and waits for both', async () => {
    // Act
    const result = await cli(['upload', SMALL, large, '--wait', '--json']);

    // Assert
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    const outcomes = ndjson(result.stdout);
    const byFile = new Map(outcomes.map((outcome) => [outcome.file, outcome]));
    expect(byFile.get(SMALL)).toMatchObject({ method: 'direct', status: 'COMPLETED', pageCount: 1 });
    expect(byFile.get(large)).toMatchObject({ method: 'presigned', status: 'COMPLETED', pageCount: 2 });
    small = byFile.get(SMALL) as { documentId: string };
    big = byFile.get(large) as { documentId: string };
  });

  it('returns the same document on a re-run with --idempotency instead of uploading again', async () => {
    // Arrange
    const pdf = join(workDir, 'again.pdf');
    writeFileSync(pdf, makePdf(['upload me once']));

    // Act
    const first = ndjson((await cli(['upload', pdf, '--idempotency', '--json'])).stdout)[0];
    const second = ndjson((await cli(['upload', pdf, '--idempotency', '--json'])).stdout)[0];

    // Assert
    expect(first?.documentId).toEqual(expect.any(String));
    expect(second).toMatchObject({ documentId: first?.documentId, replayed: true });
  });

  it('searches folders for *.pdf, in any case, and leaves other files alone', async () => {
    // Arrange
    const folder = join(workDir, 'inbox');
    mkdirSync(join(folder, 'nested'), { recursive: true });
    writeFileSync(join(folder, 'one.pdf'), makePdf(['one']));
    writeFileSync(join(folder, 'nested', 'TWO.PDF'), makePdf(['two']));
    writeFileSync(join(folder, 'notes.txt'), 'not a pdf');

    // Act
    const result = await cli(['upload', folder, '--json', '--concurrency', '2']);

    // Assert
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    expect(ndjson(result.stdout).map((outcome) => outcome.file).sort()).toEqual([join(folder, 'nested', 'TWO.PDF'), join(folder, 'one.pdf')]);
  });

  it('exits 1 with a summary by error code when a document FAILED', async () => {
    // Act
    const result = await cli(['upload', corpusFile('907-hostile-html-renamed.pdf'), '--wait']);

    // Assert
    expect(result.code).toBe(EXIT_CODES.documentFailed);
    expect(result.stdout).toContain('FAILED');
    expect(result.stderr).toContain('1 of 1 document(s) FAILED: NOT_A_PDF 1');
  });

  it('exits 6 naming a file that does not exist, before uploading anything', async () => {
    const result = await cli(['upload', SMALL, join(workDir, 'missing.pdf')]);

    expect(result.code).toBe(EXIT_CODES.missingFile);
    expect(result.stderr).toContain('missing.pdf: no such file or folder');
    expect(result.stdout).toBe('');
  });
});

describe('pdf-pipeline status, list, text, pages, download', () => {
  it('shows the record, and lists the document among the user’s', async () => {
    const status = await cli(['status', small.documentId, '--json']);
    const list = await cli(['list', '--json']);

    expect(status.code).toBe(EXIT_CODES.ok);
    expect(JSON.parse(status.stdout)).toMatchObject({ documentId: small.documentId, status: 'COMPLETED', filename: '076-small-simple1.pdf' });
    const listed = JSON.parse(list.stdout).documents.map((document: { documentId: string }) => document.documentId);
    expect(listed).toEqual(expect.arrayContaining([small.documentId, big.documentId]));
  });

  it('pages through the listing with --limit and --cursor', async () => {
    const first = JSON.parse((await cli(['list', '--json', '--limit', '1'])).stdout);
    const next = JSON.parse((await cli(['list', '--json', '--limit', '1', '--cursor', first.nextCursor])).stdout);

    expect(first.documents).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(next.documents).toHaveLength(1);
    expect(next.documents[0].documentId).not.toBe(first.documents[0].documentId);
  });

  it('prints the extracted text, or writes it to --out', async () => {
    const out = join(workDir, 'large.txt');

    const printed = await cli(['text', small.documentId]);
    const written = await cli(['text', big.documentId, '--out', out]);

    expect(printed.stdout).toMatch(/Hello\sWorld/);
    expect(written.code).toBe(EXIT_CODES.ok);
    expect(readFileSync(out, 'utf8')).toMatch(/a large report[\s\S]*\f[\s\S]*its second page/);
  });

  it('prints one JSON object per page with --json', async () => {
    const pages = ndjson((await cli(['pages', big.documentId, '--json'])).stdout);

    expect(pages.map((page) => page.pageNumber)).toEqual([1, 2]);
    expect(pages[1]).toMatchObject({ text: expect.stringContaining('its second page'), hasText: true });
  });

  it('downloads the original, byte for byte', async () => {
    const out = join(workDir, 'downloaded.pdf');

    const result = await cli(['download', big.documentId, '--out', out]);

    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    expect(readFileSync(out).equals(readFileSync(large))).toBe(true);
  });
});

describe('pdf-pipeline delete', () => {
  it('deletes a document; its status is then "no such document", exit 3', async () => {
    const deleted = await cli(['delete', small.documentId]);
    const status = await cli(['status', small.documentId]);

    expect(deleted.code).toBe(EXIT_CODES.ok);
    expect(deleted.stdout).toContain(`Deleted ${small.documentId}`);
    expect(status.code).toBe(EXIT_CODES.notFound);
    expect(status.stderr).toContain('NOT_FOUND');
  });
});

describe('pdf-pipeline errors', () => {
  it('says which URL did not answer, and that the runtime may not be running (exit 5)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;

    const result = await cli(['list', '--api-url', url]);

    expect(result.code).toBe(EXIT_CODES.unreachable);
    expect(result.stderr).toContain(`Cannot reach ${url}/v1/documents`);
    expect(result.stderr).toContain('npm start');
  });

  it('says a refused token is the problem, and how to get one (exit 4)', async () => {
    const result = await cli(['list'], { PDF_PIPELINE_TOKEN: 'not-a-token' });

    expect(result.code).toBe(EXIT_CODES.auth);
    expect(result.stderr).toContain('UNAUTHORIZED');
    expect(result.stderr).toContain('npx pdf-pipeline token');
  });

  it('exits 2 on a usage error', async () => {
    const result = await cli(['list', '--status', 'SHREDDED']);

    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toContain('SHREDDED');
  });
});

describe('pdf-pipeline token', () => {
  it('prints a token the local API accepts for that user', async () => {
    const token = (await cli(['token', 'someone-else'])).stdout.trim();

    const answer = await fetch(`${local.outputs.ApiUrl}/v1/documents`, { headers: { Authorization: `Bearer ${token}` } });

    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { documents: unknown[] }).documents).toEqual([]);
  });
});
