import { describe, expect, it } from 'vitest';
import { LANE_PREFIXES, LANES } from '../../lambdas/shared/contract.js';
import { classifyObjectKey, laneOfKey, spilledPageKey, uploadKey } from '../../lambdas/shared/s3-keys.js';

describe('classifyObjectKey', () => {
  it.each([
    ['uploads/user-1/3f2a.pdf', { kind: 'upload', ownerId: 'user-1', documentId: '3f2a' }],
    ['bulk-uploads/user-1/3f2a.pdf', { kind: 'upload', ownerId: 'user-1', documentId: '3f2a' }],
    ['bulk-uploads/user-1/nested/doc.pdf', { kind: 'not-ours' }],
    ['bulk-uploads/', { kind: 'folder-marker' }],
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

  it.each(LANES)('builds %s-lane upload keys under a prefix that feeds that lane, classifying back alike', (lane) => {
    // Act
    const key = uploadKey('user-9', 'abc', lane);

    // Assert
    expect(laneOfKey(key)).toBe(lane);
    expect(LANE_PREFIXES[lane].some((prefix) => key.startsWith(prefix))).toBe(true);
    expect(classifyObjectKey(key)).toEqual({ kind: 'upload', ownerId: 'user-9', documentId: 'abc' });
  });

  it('puts uploads in the interactive lane unless asked otherwise', () => {
    expect(uploadKey('user-9', 'abc')).toBe('uploads/user-9/abc.pdf');
    expect(uploadKey('user-9', 'abc', 'bulk')).toBe('bulk-uploads/user-9/abc.pdf');
  });

  it('puts spilled pages under results/<documentId>/ by generation', () => {
    expect(spilledPageKey('doc-1', 2, 7)).toBe('results/doc-1/g2/page-000007.txt');
  });
});

describe('laneOfKey', () => {
  it.each([
    ['uploads/user-1/a.pdf', 'interactive'],
    ['incoming/user-1/2026/a.pdf', 'bulk'],
    ['bulk-uploads/user-1/a.pdf', 'bulk'],
    ['results/doc-1/g1/page-000001.txt', undefined],
    ['elsewhere/uploads/a.pdf', undefined],
  ])('sends %s to the %s lane', (key, lane) => {
    expect(laneOfKey(key)).toBe(lane);
  });
});
