import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { followLines, formatEvent } from '../../cli/commands/events.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-events-'));
  dirs.push(dir);
  return join(dir, 'document-events.ndjson');
}

const until = async (condition: () => boolean) => {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 3000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('followLines', () => {
  it('prints the last n lines, then each complete line appended, then stops when aborted', async () => {
    // Arrange
    const file = tempFile();
    writeFileSync(file, 'one\ntwo\nthree\n');
    const seen: string[] = [];
    const controller = new AbortController();

    // Act
    const following = followLines(file, { last: 2, follow: true, signal: controller.signal, pollMs: 10 }, (line) => seen.push(line));
    await until(() => seen.length === 2);
    appendFileSync(file, 'four\nfi');
    await until(() => seen.length === 3);
    appendFileSync(file, 've\n');
    await until(() => seen.length === 4);
    controller.abort();
    await following;

    // Assert: a half-written line waits for its end.
    expect(seen).toEqual(['two', 'three', 'four', 'five']);
  });

  it('waits for a log that does not exist yet, and starts over when it is replaced', async () => {
    // Arrange
    const file = tempFile();
    const seen: string[] = [];
    const controller = new AbortController();

    // Act
    const following = followLines(file, { last: 1, follow: true, signal: controller.signal, pollMs: 10 }, (line) => seen.push(line));
    writeFileSync(file, 'a\nb\n');
    await until(() => seen.length === 2);
    writeFileSync(`${file}.new`, 'c\n');
    renameSync(`${file}.new`, file);
    await until(() => seen.length === 3);
    controller.abort();
    await following;

    // Assert: everything that appeared after the start is new, so none is skipped.
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('prints everything with last = 0 and returns at once without follow', async () => {
    const file = tempFile();
    writeFileSync(file, 'a\nb\nc\n');
    const seen: string[] = [];

    await followLines(file, { last: 0, follow: false }, (line) => seen.push(line));

    expect(seen).toEqual(['a', 'b', 'c']);
  });
});

describe('formatEvent', () => {
  const event = (detailType: string, detail: Record<string, unknown>) =>
    JSON.stringify({ version: '0', id: 'x', 'detail-type': detailType, source: 'pdf-pipeline.dev', time: '2026-11-23T10:00:00Z', detail });

  it('shows time, type, document, owner, generation and outcome on one line', () => {
    expect(formatEvent(event('Document Completed', { documentId: 'd1', ownerId: 'u1', status: 'COMPLETED', pageCount: 3, generation: 1 }))).toBe(
      '2026-11-23T10:00:00Z  Document Completed  d1  owner u1  generation 1  3 page(s)',
    );
    expect(formatEvent(event('Document Failed', { documentId: 'd2', status: 'FAILED', errorCode: 'NO_OWNER', generation: 1 }))).toBe(
      '2026-11-23T10:00:00Z  Document Failed     d2  owner —  generation 1  NO_OWNER',
    );
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(formatEvent('garbage')).toBe('garbage');
  });
});
