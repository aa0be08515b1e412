import { describe, expect, it } from 'vitest';
import { attachmentDisposition, MAX_FILENAME_BYTES, sanitizeFilename } from '../../lambdas/api/filename.js';

describe('sanitizeFilename', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd.pdf', 'passwd.pdf'],
    ['C:\\Users\\me\\Desktop\\scan.pdf', 'scan.pdf'],
    ['  spaced name.pdf  ', 'spaced name.pdf'],
    ['日本語のレポート.pdf', '日本語のレポート.pdf'],
    ['👩‍👩‍👧 family.pdf', '👩‍👩‍👧 family.pdf'],
    ['evil\u202Efdp.exe', 'evilfdp.exe'],
    ['line\nbreak\u0000.pdf', 'linebreak.pdf'],
    ['Cafe\u0301.pdf', 'Café.pdf'],
  ])('makes %j into %j', (raw, expected) => {
    expect(sanitizeFilename(raw)).toBe(expected);
  });

  it.each(['', '   ', '../', '..', '.', 'folder/', '\u0000\u0001'])('finds nothing usable in %j', (raw) => {
    expect(sanitizeFilename(raw)).toBeUndefined();
  });

  it('shortens to 255 UTF-8 bytes without splitting a character', () => {
    const name = sanitizeFilename(`${'é'.repeat(200)}.pdf`)!;

    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_FILENAME_BYTES);
    expect(name).toBe('é'.repeat(127));
  });
});

describe('attachmentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(attachmentDisposition('Überblick "Q3".pdf')).toBe(
      `attachment; filename="_berblick _Q3_.pdf"; filename*=UTF-8''%C3%9Cberblick%20%22Q3%22.pdf`,
    );
  });
});
