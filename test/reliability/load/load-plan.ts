/**
 * What a load run uploads: which path each document takes, whose it is, what it contains and the
 * terminal state it must reach. Pure and deterministic, so a run can be repeated and its
 * reconciliation knows every expectation before the first upload.
 */
import type { Lane } from '../../../lambdas/shared/contract.js';
import { LOCAL_CONFIG } from '../../../local/settings.js';

export const UPLOAD_PATHS = ['direct', 'presigned', 'drop'] as const;
export type UploadPath = (typeof UPLOAD_PATHS)[number];

/** Shares of the documents per path, in percent or any proportion (`direct=40,presigned=30,drop=30`). */
export type PathMix = Readonly<Record<UploadPath, number>>;

export const DEFAULT_MIX: PathMix = { direct: 40, presigned: 30, drop: 30 };

export type ExpectedState =
  | { readonly status: 'COMPLETED'; readonly pageCount: number }
  | { readonly status: 'FAILED'; readonly code: string };

export type PlannedContent =
  | { readonly kind: 'generated'; readonly pages: number }
  /** A file of the shared corpus, read by name (`test/support/corpus.ts`). */
  | { readonly kind: 'corpus'; readonly file: string };

export interface PlannedUpload {
  /** Position in the run: uploads start in this order. */
  readonly index: number;
  readonly path: UploadPath;
  readonly ownerId: string;
  readonly lane: Lane;
  readonly filename: string;
  /** The drop-folder object key (`incoming/<owner>/…`); API uploads get theirs from the API. */
  readonly dropKey?: string;
  readonly content: PlannedContent;
  readonly expected: ExpectedState;
}

export interface LoadPlan {
  readonly runId: string;
  readonly owners: readonly string[];
  readonly uploads: readonly PlannedUpload[];
}

/** Ordinary corpus files, each with the page count `pdfinfo` gives (the corpus manifest's). */
export const CORPUS_GOOD_FILES: readonly { readonly file: string; readonly pages: number }[] = [
  { file: '076-small-simple1.pdf', pages: 1 },
  { file: '077-small-trivial.pdf', pages: 1 },
  { file: '015-report-google-doc-document.pdf', pages: 1 },
  { file: '016-report-multicolumn.pdf', pages: 3 },
  { file: '031-form-AcroForm_TEST.pdf', pages: 1 },
  { file: '049-nonlatin-habibi-rotated.pdf', pages: 4 },
];

/**
 * Bad files and the failure each must end in. The direct route refuses a body without a PDF
 * header outright (415), so the non-PDF goes only by presigned POST or the drop folder, which
 * take any bytes and leave the verdict to the extractor.
 */
export const CORPUS_BAD_FILES: Readonly<Record<UploadPath, readonly { readonly file: string; readonly code: string }[]>> = {
  direct: [
    { file: '056-encrypted-user-rc4-40.pdf', code: 'ENCRYPTED' },
    { file: '911-hostile-truncated90-simple1.pdf', code: 'CORRUPT' },
  ],
  presigned: [
    { file: '907-hostile-html-renamed.pdf', code: 'NOT_A_PDF' },
    { file: '056-encrypted-user-rc4-40.pdf', code: 'ENCRYPTED' },
    { file: '911-hostile-truncated90-simple1.pdf', code: 'CORRUPT' },
  ],
  drop: [
    { file: '907-hostile-html-renamed.pdf', code: 'NOT_A_PDF' },
    { file: '056-encrypted-user-rc4-40.pdf', code: 'ENCRYPTED' },
    { file: '911-hostile-truncated90-simple1.pdf', code: 'CORRUPT' },
  ],
};

/** Within each path, one document in this many is a bad file, one in `CORPUS_EVERY` a good corpus file. */
const BAD_EVERY = 50;
const BAD_OFFSET = 7;
const CORPUS_EVERY = 10;
const CORPUS_OFFSET = 3;
/** Generated documents have 1 to this many pages. */
export const MAX_GENERATED_PAGES = 20;
/**
 * One document in this many is long: more pages than one shard takes (`extraction.sharding`
 * of the local runtime's config), so it is read in page-range shards by several invocations.
 */
const LONG_EVERY = 50;
const LONG_OFFSET = 12;
export const LONG_DOCUMENT_PAGES = LOCAL_CONFIG.extraction.sharding.pagesPerShard + 50;
/** API uploads in this many ask for the bulk lane (`lane=bulk`); the rest are interactive. */
const BULK_API_EVERY = 4;

/** Parses `direct=40,presigned=30,drop=30`; a path left out gets no documents. */
export function parseMix(text: string): PathMix {
  const mix: Record<UploadPath, number> = { direct: 0, presigned: 0, drop: 0 };
  for (const part of text.split(',').map((entry) => entry.trim()).filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!UPLOAD_PATHS.includes(name as UploadPath)) throw new Error(`Unknown upload path "${name}" in --mix; the paths are ${UPLOAD_PATHS.join(', ')}`);
    const share = Number(value);
    if (!Number.isFinite(share) || share < 0) throw new Error(`--mix: ${name} needs a share of 0 or more, not "${value}"`);
    mix[name as UploadPath] = share;
  }
  if (UPLOAD_PATHS.every((path) => mix[path] === 0)) throw new Error('--mix gives every path a share of 0');
  return mix;
}

/**
 * Splits `total` documents over the paths by their shares, largest remainders first, so the
 * counts always add up to `total`.
 */
export function splitByMix(total: number, mix: PathMix): Record<UploadPath, number> {
  const sum = UPLOAD_PATHS.reduce((acc, path) => acc + mix[path], 0);
  const exact = UPLOAD_PATHS.map((path) => ({ path, value: (total * mix[path]) / sum }));
  const counts = Object.fromEntries(exact.map(({ path, value }) => [path, Math.floor(value)])) as Record<UploadPath, number>;
  let left = total - UPLOAD_PATHS.reduce((acc, path) => acc + counts[path], 0);
  for (const { path } of [...exact].sort((a, b) => (b.value % 1) - (a.value % 1))) {
    if (left === 0) break;
    counts[path] += 1;
    left -= 1;
  }
  return counts;
}

/**
 * How many users the API uploads are spread over so that none exceeds `perUserPerMinute`
 * uploads a minute at `rate` uploads a second: the product's own per-user quota stays in force.
 */
export function ownersNeeded(rate: number, apiShare: number, perUserPerMinute: number): number {
  return Math.max(1, Math.ceil((rate * apiShare * 60) / perUserPerMinute));
}

export interface PlanOptions {
  readonly runId: string;
  readonly documents: number;
  readonly mix: PathMix;
  readonly owners: number;
}

/** Each path's own n-th document decides its content, so every path gets its share of bad and corpus files. */
function contentFor(path: UploadPath, nth: number, seed: number): { content: PlannedContent; expected: ExpectedState } {
  if (nth % BAD_EVERY === BAD_OFFSET) {
    const choices = CORPUS_BAD_FILES[path];
    const bad = choices[Math.floor(nth / BAD_EVERY) % choices.length]!;
    return { content: { kind: 'corpus', file: bad.file }, expected: { status: 'FAILED', code: bad.code } };
  }
  if (nth % CORPUS_EVERY === CORPUS_OFFSET) {
    const good = CORPUS_GOOD_FILES[Math.floor(nth / CORPUS_EVERY) % CORPUS_GOOD_FILES.length]!;
    return { content: { kind: 'corpus', file: good.file }, expected: { status: 'COMPLETED', pageCount: good.pages } };
  }
  if (nth % LONG_EVERY === LONG_OFFSET) {
    return { content: { kind: 'generated', pages: LONG_DOCUMENT_PAGES }, expected: { status: 'COMPLETED', pageCount: LONG_DOCUMENT_PAGES } };
  }
  // A spread of lengths that does not line up with the path's cycle.
  const pages = 1 + ((nth * 7 + seed * 3) % MAX_GENERATED_PAGES);
  return { content: { kind: 'generated', pages }, expected: { status: 'COMPLETED', pageCount: pages } };
}

export function buildPlan(options: PlanOptions): LoadPlan {
  const counts = splitByMix(options.documents, options.mix);
  const owners = Array.from({ length: options.owners }, (_, index) => `load-${options.runId}-u${String(index).padStart(3, '0')}`);
  // The paths are interleaved in proportion, so each runs for the whole length of the run.
  const sequence: UploadPath[] = [];
  const taken: Record<UploadPath, number> = { direct: 0, presigned: 0, drop: 0 };
  for (let index = 0; index < options.documents; index += 1) {
    const path = UPLOAD_PATHS.filter((candidate) => taken[candidate] < counts[candidate]).sort(
      (a, b) => taken[a] / counts[a] - taken[b] / counts[b],
    )[0]!;
    sequence.push(path);
    taken[path] += 1;
  }
  const nthOfPath: Record<UploadPath, number> = { direct: 0, presigned: 0, drop: 0 };
  const uploads = sequence.map((path, index): PlannedUpload => {
    const nth = nthOfPath[path]++;
    const ownerId = owners[index % owners.length]!;
    const { content, expected } = contentFor(path, nth, UPLOAD_PATHS.indexOf(path));
    const filename = `${path}-${String(nth).padStart(5, '0')}${content.kind === 'corpus' ? `-${content.file}` : '.pdf'}`;
    if (path === 'drop') return { index, path, ownerId, lane: 'bulk', filename, dropKey: `incoming/${ownerId}/load/${filename}`, content, expected };
    return { index, path, ownerId, lane: nth % BULK_API_EVERY === BULK_API_EVERY - 1 ? 'bulk' : 'interactive', filename, content, expected };
  });
  return { runId: options.runId, owners, uploads };
}
