import { describe, expect, it } from 'vitest';
import { classifyObjectKey, spilledPageKey, uploadKey } from '../../lambdas/shared/s3-keys.js';

describe('classifyObjectKey', () => {
  it.each([
    ['uploads/user-1/3f2a.pdf', { kind: 'upload', ownerId: 'user-1', documentId: '3f2a' }],
    ['incoming/user-1/report.pdf', { kind: 'drop-folder', ownerId: 'user-1', filename: 'report.pdf' }],
    ['incoming/user-1/2026/q3/Report Final.PDF', { kind: 'drop-folder', ownerId: 'user-1', filename: 'Report Final.PDF' }],
    ['incoming/report.pdf', { kind: 'no-owner', filename: 'report.pdf' }],
    ['incoming//report.pdf', { kind: 'no-owner', filename: 'report.pdf' }],
    ['incoming/user-1/', { kind: 'folder-marker' }],
    ['incoming/', { kind: 'folder-marker' }],
    ['results/doc-1/g1/page-000001.txt', { kind: 'not-ours' }],
    ['uploads/user-1/nested/doc.pdf', { kind: 'not-ours' }],
    ['elsewhere/file.pdf', { kind: 'not-ours' }],
  ])('classifies %s', (key, expected) => {
    expect(classifyObjectKey(key)).toEqual(expected);
  });
});

describe('key builders', () => {
  it('builds upload keys that classify back to the same owner and id', () => {
    expect(classifyObjectKey(uploadKey('user-9', 'abc'))).toEqual({ kind: 'upload', ownerId: 'user-9', documentId: 'abc' });
  });

  it('puts spilled pages under results/<documentId>/ by generation', () => {
    expect(spilledPageKey('doc-1', 2, 7)).toBe('results/doc-1/g2/page-000007.txt');
  });
});
