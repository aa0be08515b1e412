import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { corpusFile } from '../support/corpus.js';

const cli = fileURLToPath(new URL('../../bin/pdf-pipeline.js', import.meta.url));

async function run(...args: string[]) {
  // A run that hangs (say, a worker left running) fails on the timeout instead of passing.
  return promisify(execFile)(process.execPath, [cli, ...args], { timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string; killed?: boolean }) => {
      if (error.killed) throw new Error('pdf-pipeline extract did not exit');
      return { code: error.code, stdout: error.stdout, stderr: error.stderr };
    },
  );
}

describe('pdf-pipeline extract', () => {
  it('prints one JSON line per file with pages and metadata, and exits 1 when any file failed', async () => {
    const good = corpusFile('052-nonlatin-kampo.pdf');
    const tooLong = corpusFile('083-metadata-mistitled_outlines_example.pdf');
    const notPdf = corpusFile('907-hostile-html-renamed.pdf');

    const { code, stdout } = await run('extract', '--json', '--max-pages', '2', good, tooLong, notPdf);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));

    expect(code).toBe(1);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ file: good, pageCount: 1, metadata: { scripts: ['Han', 'Hiragana'] } });
    expect(lines[0].pages[0]).toMatchObject({ pageNumber: 1, hasText: true });
    expect(lines[0].pages[0]).not.toHaveProperty('type');
    expect(lines[1]).toEqual({ file: tooLong, error: { code: 'TOO_MANY_PAGES', message: expect.stringContaining('4 pages') } });
    expect(lines[2]).toMatchObject({ file: notPdf, error: { code: 'NOT_A_PDF' } });
  });

  it('prints the text of a single file and exits 0', async () => {
    const { code, stdout } = await run('extract', corpusFile('076-small-simple1.pdf'));

    expect(code).toBe(0);
    expect(stdout).toMatch(/Hello\sWorld/);
  });

  it('says clearly when a file cannot be read', async () => {
    const { code, stderr } = await run('extract', '/no/such/file.pdf');

    expect(code).toBe(1);
    expect(stderr).toContain('/no/such/file.pdf');
    expect(stderr).toContain('ENOENT');
  });
});
