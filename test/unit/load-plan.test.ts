import { describe, expect, it } from 'vitest';
import { LOCAL_CONFIG } from '../../local/settings.js';
import { buildPlan, CORPUS_BAD_FILES, DEFAULT_MIX, LONG_DOCUMENT_PAGES, MAX_GENERATED_PAGES, ownersNeeded, parseMix, splitByMix, UPLOAD_PATHS } from '../reliability/load/load-plan.js';

describe('parseMix', () => {
  it('reads each path’s share and gives a path left out none', () => {
    expect(parseMix('direct=40, presigned=30,drop=30')).toEqual({ direct: 40, presigned: 30, drop: 30 });
    expect(parseMix('drop=1')).toEqual({ direct: 0, presigned: 0, drop: 1 });
  });

  it('refuses an unknown path, a negative share and a mix with nothing in it', () => {
    expect(() => parseMix('ftp=10')).toThrow(/Unknown upload path "ftp"/);
    expect(() => parseMix('direct=-1')).toThrow(/share of 0 or more/);
    expect(() => parseMix('direct=0')).toThrow(/every path a share of 0/);
  });
});

describe('splitByMix', () => {
  it('always adds up to the total, the largest remainders rounding up', () => {
    expect(splitByMix(1000, DEFAULT_MIX)).toEqual({ direct: 400, presigned: 300, drop: 300 });
    expect(splitByMix(100, { direct: 1, presigned: 1, drop: 1 })).toEqual({ direct: 34, presigned: 33, drop: 33 });
    expect(splitByMix(7, { direct: 0, presigned: 1, drop: 0 })).toEqual({ direct: 0, presigned: 7, drop: 0 });
  });
});

describe('ownersNeeded', () => {
  it('spreads the API uploads so no user passes the per-user rate', () => {
    // 20 uploads/s, 70 % through the API, 20 a minute each: 840 a minute over 42 users.
    expect(ownersNeeded(20, 0.7, 20)).toBe(42);
    expect(ownersNeeded(0.1, 1, 30)).toBe(1);
  });
});

describe('buildPlan', () => {
  const plan = buildPlan({ runId: 'r1', documents: 1000, mix: DEFAULT_MIX, owners: 42 });

  it('plans every document once, in order, over the paths by their shares', () => {
    expect(plan.uploads.map((upload) => upload.index)).toEqual([...Array(1000).keys()]);
    const perPath = Object.fromEntries(UPLOAD_PATHS.map((path) => [path, plan.uploads.filter((upload) => upload.path === path).length]));
    expect(perPath).toEqual({ direct: 400, presigned: 300, drop: 300 });
    expect(new Set(plan.uploads.map((upload) => `${upload.ownerId}/${upload.filename}`)).size).toBe(1000);
  });

  it('interleaves the paths so each runs for the whole length of the run', () => {
    const firstHundred = plan.uploads.slice(0, 100);
    const lastHundred = plan.uploads.slice(-100);
    for (const path of UPLOAD_PATHS) {
      expect(firstHundred.filter((upload) => upload.path === path).length, path).toBeGreaterThanOrEqual(25);
      expect(lastHundred.filter((upload) => upload.path === path).length, path).toBeGreaterThanOrEqual(25);
    }
  });

  it('drops files under incoming/<owner>/ into the bulk lane, and sends a share of API uploads there too', () => {
    const drops = plan.uploads.filter((upload) => upload.path === 'drop');
    expect(drops.every((upload) => upload.lane === 'bulk' && upload.dropKey === `incoming/${upload.ownerId}/load/${upload.filename}`)).toBe(true);
    const api = plan.uploads.filter((upload) => upload.path !== 'drop');
    expect(api.every((upload) => upload.dropKey === undefined)).toBe(true);
    expect(api.filter((upload) => upload.lane === 'bulk').length).toBe(175);
  });

  it('mixes in long documents, read in shards, one in 50 of each path', () => {
    const long = plan.uploads.filter((upload) => upload.content.kind === 'generated' && upload.content.pages === LONG_DOCUMENT_PAGES);
    expect(LONG_DOCUMENT_PAGES).toBeGreaterThan(LOCAL_CONFIG.extraction.sharding.pagesPerShard);
    for (const path of UPLOAD_PATHS) {
      const ofPath = plan.uploads.filter((upload) => upload.path === path);
      expect(long.filter((upload) => upload.path === path).length, path).toBe(Math.floor((ofPath.length + 37) / 50));
    }
    expect(long.every((upload) => upload.expected.status === 'COMPLETED' && upload.expected.pageCount === LONG_DOCUMENT_PAGES)).toBe(true);
  });

  it('mixes generated documents of 1 to 20 pages, corpus files and a few bad files expected to fail with their codes', () => {
    const generated = plan.uploads.filter((upload) => upload.content.kind === 'generated' && upload.content.pages !== LONG_DOCUMENT_PAGES);
    const pages = generated.map((upload) => (upload.content.kind === 'generated' ? upload.content.pages : 0));
    expect(Math.min(...pages)).toBe(1);
    expect(Math.max(...pages)).toBe(MAX_GENERATED_PAGES);
    expect(generated.every((upload) => upload.expected.status === 'COMPLETED' && upload.expected.pageCount === (upload.content.kind === 'generated' && upload.content.pages))).toBe(true);

    const bad = plan.uploads.filter((upload) => upload.expected.status === 'FAILED');
    expect(bad.length).toBe(20);
    for (const path of UPLOAD_PATHS) {
      const codes = new Set(bad.filter((upload) => upload.path === path).map((upload) => (upload.expected.status === 'FAILED' ? upload.expected.code : '')));
      expect([...codes].sort(), path).toEqual(CORPUS_BAD_FILES[path].map((file) => file.code).sort());
    }
    expect(plan.uploads.filter((upload) => upload.content.kind === 'corpus' && upload.expected.status === 'COMPLETED').length).toBe(100);
  });

  it('never sends a body without a PDF header directly, which the API refuses before any document exists', () => {
    const direct = plan.uploads.filter((upload) => upload.path === 'direct');
    expect(direct.some((upload) => upload.expected.status === 'FAILED' && upload.expected.code === 'NOT_A_PDF')).toBe(false);
  });

  it('gives a CI-sized run a bad file on every path', () => {
    const small = buildPlan({ runId: 'r2', documents: 120, mix: { direct: 1, presigned: 1, drop: 1 }, owners: 5 });

    for (const path of UPLOAD_PATHS) {
      expect(small.uploads.filter((upload) => upload.path === path && upload.expected.status === 'FAILED').length, path).toBeGreaterThan(0);
    }
  });
});
