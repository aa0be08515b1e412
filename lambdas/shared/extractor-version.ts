/**
 * What produced a document's results: the extractor's version and a digest of the settings that
 * change its output. Both are written on the record, so that identical uploads can reuse results
 * only when the same extractor with the same settings would have produced them, and so that
 * operators can re-extract whatever an older extractor produced
 * (`pdf-pipeline reprocess --extractor-older-than <version>`).
 *
 * The version is a constant here, not package.json's: the package version moves with every
 * release (docs, API, infrastructure), and reprocessing every document after a release that did
 * not touch extraction would cost a full re-extraction for identical results. This constant moves
 * only when the extractor's output can change: bump the major for a new engine, the minor for a
 * change in what is extracted (new fields, different text order), the patch for fixes that change
 * some documents' output. `EXTRACTOR_ENGINE` names the engine package the version was set for; a
 * unit test fails when package.json moves the engine without this file being revisited.
 */
import { createHash } from 'node:crypto';

/** The extractor's version, `MAJOR.MINOR.PATCH`; bump on any change to extraction output. */
export const EXTRACTOR_VERSION = '2.0.1';

/** The engine `EXTRACTOR_VERSION` was set for (its package and exact version in package.json). */
export const EXTRACTOR_ENGINE = { package: '@embedpdf/pdfium', version: '2.15.1' } as const;

/** A setting's value: plain data only, so that its digest is stable across processes. */
export type SettingValue = string | number | boolean | null | undefined | readonly SettingValue[] | { readonly [key: string]: SettingValue };

/**
 * The settings that change what the extractor outputs (page limit, table, OCR and layout options):
 * the caller names them. Settings that only decide whether or when a run gives up (deadlines,
 * memory limits) belong elsewhere, since they never change a completed document's results.
 */
export type ExtractionSettings = Readonly<Record<string, SettingValue>>;

/** Version of the digest's own encoding, so a change to it cannot collide with old digests. */
const DIGEST_SCHEME = 's1';

/**
 * A short stable digest of extraction settings: the same settings give the same digest whatever
 * the order of their keys, and a setting left `undefined` is the same as one left out (so adding
 * an optional setting does not change the digest of records written before it existed).
 */
export function settingsDigest(settings: ExtractionSettings): string {
  const digest = createHash('sha256').update(canonicalJson(settings)).digest('hex');
  return `${DIGEST_SCHEME}-${digest.slice(0, 16)}`;
}

/** JSON with object keys sorted and `undefined` members dropped. */
export function canonicalJson(value: SettingValue): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`A setting must be a finite number, not ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: SettingValue) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, SettingValue>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

const VERSION_PATTERN = /^(\d+)\.(\d+)\.(\d+)$/;

/** Whether `text` is a version this module understands (`MAJOR.MINOR.PATCH`). */
export function isExtractorVersion(text: string): boolean {
  return VERSION_PATTERN.test(text);
}

/** Negative when `a` is older than `b`, positive when newer, 0 when equal. */
export function compareExtractorVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  for (let index = 0; index < 3; index += 1) {
    const difference = left[index]! - right[index]!;
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/**
 * Whether a record's extractor version is older than `threshold`. A record with no version was
 * extracted before versions were recorded, so it is older than any; one whose version this code
 * cannot read is left alone (never re-extracted by mistake) — `false`.
 */
export function isOlderExtractor(recordVersion: string | undefined, threshold: string): boolean {
  if (recordVersion === undefined) return true;
  if (!isExtractorVersion(recordVersion)) return false;
  return compareExtractorVersions(recordVersion, threshold) < 0;
}

function parseVersion(text: string): [number, number, number] {
  const match = VERSION_PATTERN.exec(text);
  if (!match) throw new RangeError(`"${text}" is not an extractor version (MAJOR.MINOR.PATCH, e.g. 2.0.0)`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}
