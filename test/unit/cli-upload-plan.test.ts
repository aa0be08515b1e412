/** The rules of `upload`: which files a command line names, keys, exit codes (the route is `upload-route.test.ts`'s). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../cli/client/exit-codes.js';
import { backoff } from '../../cli/client/follow.js';
import { collectFiles, idempotencyKeyFor, summarize, type UploadOutcome } from '../../cli/client/upload-plan.js';
import { formatOutcome, runExitCode } from '../../cli/commands/upload.js';
import { IdempotencyKey } from '../../lambdas/api/schemas.js';

describe('collectFiles', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps files as given, searches folders recursively for *.pdf in any case, once each, in order', async () => {
    // Arrange
    dir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-collect-'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    for (const file of ['z.pdf', 'a/Y.PDF', 'a/b/x.pdf', 'a/notes.txt', 'a/b/pdf']) writeFileSync(join(dir, file), '');
    const explicit = join(dir, 'a', 'notes.txt');

    // Act
    const files = await collectFiles([explicit, dir, join(dir, 'z.pdf')]);

    // Assert
    expect(files).toEqual([explicit, join(dir, 'a', 'Y.PDF'), join(dir, 'a', 'b', 'x.pdf'), join(dir, 'z.pdf')]);
  });

  it('refuses a path that does not exist with the missing-file exit code', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-collect-'));

    await expect(collectFiles([join(dir, 'nope.pdf')])).rejects.toMatchObject({ exitCode: EXIT_CODES.missingFile });
  });
});

describe('idempotencyKeyFor', () => {
  it('is the same for the same name and bytes, wherever the file is, and a valid Idempotency-Key', () => {
    const bytes = new TextEncoder().encode('%PDF-1.4 same');

    const key = idempotencyKeyFor('/one/report.pdf', bytes);

    expect(idempotencyKeyFor('/two/report.pdf', bytes)).toBe(key);
    expect(IdempotencyKey.safeParse(key).success).toBe(true);
  });

  it('differs when the name or the bytes differ', () => {
    const bytes = new TextEncoder().encode('%PDF-1.4 same');
    const key = idempotencyKeyFor('report.pdf', bytes);

    expect(idempotencyKeyFor('other.pdf', bytes)).not.toBe(key);
    expect(idempotencyKeyFor('report.pdf', new TextEncoder().encode('%PDF-1.4 changed'))).not.toBe(key);
  });
});

describe('summarize', () => {
  const failed = (file: string, code: string): UploadOutcome => ({ file, status: 'FAILED', error: { code, message: `${code} happened` } });

  it('exits 0 with nothing to say when no document failed', () => {
    const summary = summarize([{ file: 'a.pdf', status: 'COMPLETED' }, { file: 'b.pdf', status: 'QUEUED' }]);

    expect(summary).toEqual({ exitCode: EXIT_CODES.ok, failedByCode: [], lines: [] });
  });

  it('exits 1 and counts the failures by error code, most frequent first', () => {
    const summary = summarize([
      failed('a.pdf', 'NOT_A_PDF'),
      { file: 'b.pdf', status: 'COMPLETED' },
      failed('c.pdf', 'ENCRYPTED'),
      failed('d.pdf', 'NOT_A_PDF'),
    ]);

    expect(summary.exitCode).toBe(EXIT_CODES.documentFailed);
    expect(summary.failedByCode).toEqual([
      ['NOT_A_PDF', 2],
      ['ENCRYPTED', 1],
    ]);
    expect(summary.lines[0]).toBe('3 of 4 document(s) FAILED: NOT_A_PDF 2, ENCRYPTED 1');
    expect(summary.lines).toContain('  c.pdf: ENCRYPTED (ENCRYPTED happened)');
  });
});

describe('runExitCode', () => {
  it('prefers a FAILED document (1) over a --wait that gave up (8)', () => {
    const outcomes: UploadOutcome[] = [{ file: 'a.pdf', status: 'FAILED', error: { code: 'CORRUPT', message: '' } }, { file: 'b.pdf', status: 'PROCESSING' }];

    expect(runExitCode({ outcomes, timedOut: ['b.pdf'] })).toBe(EXIT_CODES.documentFailed);
    expect(runExitCode({ outcomes: outcomes.slice(1), timedOut: ['b.pdf'] })).toBe(EXIT_CODES.timeout);
    expect(runExitCode({ outcomes: [{ file: 'c.pdf', status: 'COMPLETED' }], timedOut: [] })).toBe(EXIT_CODES.ok);
  });
});

describe('formatOutcome', () => {
  it('puts the status first and says why a document failed', () => {
    const line = formatOutcome({ file: 'bad.pdf', documentId: 'd1', status: 'FAILED', error: { code: 'NOT_A_PDF', message: 'no %PDF- header' } });

    expect(line).toMatch(/^FAILED\s+d1\s+bad\.pdf\s+NOT_A_PDF: no %PDF- header$/);
  });
});

describe('backoff', () => {
  it('waits longer each time, up to the ceiling', () => {
    const delays = backoff(500, 2000);

    expect(Array.from({ length: 6 }, () => delays.next().value)).toEqual([500, 750, 1125, 1688, 2000, 2000]);
  });
});
