/**
 * The extractor's version and the digest of its output settings: what identical-document reuse
 * and reprocessing by version compare.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EXTRACTOR_ENGINE,
  EXTRACTOR_VERSION,
  canonicalJson,
  compareExtractorVersions,
  isExtractorVersion,
  isOlderExtractor,
  settingsDigest,
} from '../../lambdas/shared/extractor-version.js';

describe('EXTRACTOR_VERSION', () => {
  it('is a MAJOR.MINOR.PATCH version', () => {
    expect(isExtractorVersion(EXTRACTOR_VERSION)).toBe(true);
  });

  it('was set for the engine package.json installs (bump the version when the engine moves)', () => {
    // Arrange
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };

    // Act
    const installed = manifest.dependencies[EXTRACTOR_ENGINE.package];

    // Assert
    expect(installed).toBe(EXTRACTOR_ENGINE.version);
  });
});

describe('settingsDigest', () => {
  it('is the same for the same settings in any key order', () => {
    expect(settingsDigest({ maxPages: 500, tables: { ruled: true, minRows: 2 } })).toBe(
      settingsDigest({ tables: { minRows: 2, ruled: true }, maxPages: 500 }),
    );
  });

  it('changes when a setting that changes output changes', () => {
    const base = settingsDigest({ maxPages: 500, ocr: 'none' });
    expect(settingsDigest({ maxPages: 501, ocr: 'none' })).not.toBe(base);
    expect(settingsDigest({ maxPages: 500, ocr: 'textract' })).not.toBe(base);
    expect(settingsDigest({ maxPages: 500, ocr: 'none', layout: true })).not.toBe(base);
  });

  it('treats a setting left undefined as one left out', () => {
    expect(settingsDigest({ maxPages: 500, ocr: undefined })).toBe(settingsDigest({ maxPages: 500 }));
  });

  it('tells a number from its string and keeps array order', () => {
    expect(settingsDigest({ maxPages: 500 })).not.toBe(settingsDigest({ maxPages: '500' }));
    expect(settingsDigest({ languages: ['eng', 'jpn'] })).not.toBe(settingsDigest({ languages: ['jpn', 'eng'] }));
  });

  it('is short, prefixed with its scheme, and fixed for fixed settings (records compare it across releases)', () => {
    expect(settingsDigest({ maxPages: 500 })).toMatch(/^s1-[0-9a-f]{16}$/);
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: true })).toBe('{"a":true,"b":[1,{"c":"x","d":null}]}');
  });

  it('refuses a setting that has no JSON form', () => {
    expect(() => settingsDigest({ maxPages: Number.NaN })).toThrow(/finite number/);
  });
});

describe('compareExtractorVersions', () => {
  it('orders versions numerically, part by part', () => {
    expect(compareExtractorVersions('1.9.0', '1.10.0')).toBe(-1);
    expect(compareExtractorVersions('2.0.0', '1.99.99')).toBe(1);
    expect(compareExtractorVersions('2.0.1', '2.0.1')).toBe(0);
  });

  it('refuses text that is no version, naming the expected form', () => {
    expect(() => compareExtractorVersions('v2', '2.0.0')).toThrow(/MAJOR\.MINOR\.PATCH/);
  });
});

describe('isOlderExtractor', () => {
  it('counts a record without a version as older than any (it predates versions)', () => {
    expect(isOlderExtractor(undefined, '0.0.1')).toBe(true);
  });

  it('selects strictly older versions only', () => {
    expect(isOlderExtractor('1.4.2', '2.0.0')).toBe(true);
    expect(isOlderExtractor('2.0.0', '2.0.0')).toBe(false);
    expect(isOlderExtractor('2.1.0', '2.0.0')).toBe(false);
  });

  it('leaves a record whose version it cannot read alone', () => {
    expect(isOlderExtractor('pdfjs-legacy', '2.0.0')).toBe(false);
  });
});
