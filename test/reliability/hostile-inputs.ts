/**
 * The hostile inputs the reliability suite sends through the pipeline, and the terminal state
 * each must reach: plain data, read by `hostile-input.test.ts` (which submits them) and by the
 * report generator (which prints them).
 */
import { join } from 'node:path';
import type { FailureCode } from '../../lambdas/shared/contract.js';
import { loadCorpusManifest, readCorpusFile } from '../support/corpus.js';
import {
  activeContentPdf,
  craftedFontsPdf,
  deeplyNestedPdf,
  emptyPagesPdf,
  flateBomb,
  htmlWithPdfHeader,
  hugeInfoPdf,
  hugeXmpPdf,
  lyingPageCountPdf,
  manyPagesPdf,
  selfContainedObjectStreamPdf,
  selfParentPageTreePdf,
  selfReferencingXrefPdf,
  truncated,
  zipWithOneFile,
} from '../support/hostile-pdfs.js';
import { makePdf } from '../support/pdf-factory.js';

const MB = 1024 * 1024;
const GB = 1024 * MB;

/**
 * How an input enters: `api` is `POST /v1/documents` (which refuses empty and header-less
 * bodies itself, and bodies above 4 MB); `drop-folder` is a PutObject under `incoming/<owner>/`,
 * which reaches the extractor whatever the bytes are.
 */
export type Entry = 'api' | 'drop-folder';

export type ExpectedState =
  | { readonly status: 'COMPLETED'; readonly pageCount: number; /** Text the pages must contain. */ readonly text?: string }
  | { readonly status: 'FAILED'; readonly code: FailureCode };

export interface MakeContext {
  /** Files active content would write if anything ever ran it (see `evalBait`). */
  readonly markerDir: string;
}

export interface HostileInput {
  /** Short and unique: the test name and the drop-folder file name. */
  readonly name: string;
  readonly description: string;
  readonly entry: Entry;
  readonly expected: ExpectedState;
  readonly make: (context: MakeContext) => Uint8Array | Promise<Uint8Array>;
  /** The shared-corpus file it is, if it is one. */
  readonly corpusFile?: string;
}

/** Where the active-content inputs point their payloads. */
export const markerFile = (context: MakeContext, name: string) => join(context.markerDir, `${name}.executed`);

const bytes = (buffer: Buffer | Uint8Array) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
const failed = (code: FailureCode): ExpectedState => ({ status: 'FAILED', code });
const completed = (pageCount: number, text?: string): ExpectedState => ({ status: 'COMPLETED', pageCount, ...(text ? { text } : {}) });

const GENERATED: readonly HostileInput[] = [
  {
    name: 'flate-bomb',
    description: 'One Flate stream of 1 MB that inflates to 1 GB of zeros',
    entry: 'api',
    expected: failed('RESOURCE_LIMIT'),
    make: async () => bytes(await flateBomb(GB, 'flate')),
  },
  {
    name: 'layered-flate-bomb',
    description: 'Flate inside Flate: a few KB that inflate to 4 GB',
    entry: 'api',
    expected: failed('RESOURCE_LIMIT'),
    make: async () => bytes(await flateBomb(4 * GB, 'flate+flate')),
  },
  {
    name: 'hex-wrapped-flate-bomb',
    description: 'The 1 GB Flate bomb spelled in ASCIIHex, so its raw bytes are no Flate data',
    entry: 'drop-folder',
    expected: failed('RESOURCE_LIMIT'),
    make: async () => bytes(await flateBomb(GB, 'hex+flate')),
  },
  {
    name: 'form-xobject-flate-bomb',
    description: 'The 1 GB Flate bomb as a form XObject whose dictionary nests /Resources after its /Filter',
    entry: 'api',
    expected: failed('RESOURCE_LIMIT'),
    make: async () => bytes(await flateBomb(GB, 'flate', 'form')),
  },
  {
    name: 'image-flate-bomb',
    description: 'The 1 GB Flate bomb as the page image: the page would be rendered for OCR, so the image is measured and refused',
    entry: 'drop-folder',
    expected: failed('RESOURCE_LIMIT'),
    make: async () => bytes(await flateBomb(GB, 'flate', 'image')),
  },
  {
    name: 'million-page-count',
    description: 'A page tree declaring /Count 1000000 that holds one page',
    entry: 'api',
    expected: completed(1),
    make: () => bytes(lyingPageCountPdf(1_000_000)),
  },
  {
    name: 'ten-thousand-pages',
    description: '10,000 real pages, twice the page limit',
    entry: 'api',
    expected: failed('TOO_MANY_PAGES'),
    make: () => bytes(manyPagesPdf(10_000)),
  },
  {
    name: 'nested-arrays',
    description: 'A catalog value of arrays nested 100,000 deep: the engine stops at its depth limit and reads the page',
    entry: 'api',
    expected: completed(1, 'Nested page'),
    make: () => bytes(deeplyNestedPdf(100_000, 'array')),
  },
  {
    name: 'nested-dictionaries',
    description: 'A catalog value of dictionaries nested 100,000 deep: the engine stops at its depth limit and reads the page',
    entry: 'api',
    expected: completed(1, 'Nested page'),
    make: () => bytes(deeplyNestedPdf(100_000, 'dictionary')),
  },
  {
    name: 'xref-prev-loop',
    description: "A cross-reference table whose trailer's /Prev points at itself",
    entry: 'api',
    expected: completed(1, 'Looping xref'),
    make: () => bytes(selfReferencingXrefPdf()),
  },
  {
    name: 'object-stream-in-itself',
    description: 'An xref stream placing the page, and its object stream, inside that same object stream',
    entry: 'api',
    expected: failed('CORRUPT'),
    make: () => bytes(selfContainedObjectStreamPdf()),
  },
  {
    name: 'page-tree-loop',
    description: 'A page tree whose only kid is itself',
    entry: 'api',
    expected: failed('CORRUPT'),
    make: () => bytes(selfParentPageTreePdf()),
  },
  {
    name: 'javascript-and-launch',
    description: 'OpenAction JavaScript, document and page /AA actions, a Names-tree script and a /Launch action, each writing a marker file if run',
    entry: 'api',
    expected: completed(1, 'Active content'),
    make: (context) => bytes(activeContentPdf(markerFile(context, 'javascript-and-launch'))),
  },
  {
    name: 'crafted-fonts',
    description:
      'CVE-2024-4367-style FontMatrix strings on a Type1 (bogus embedded program) and a Type3 font, and a TrueType program claiming 65,535 tables at absurd offsets',
    entry: 'api',
    expected: completed(1, 'TrueType bait'),
    make: (context) => bytes(craftedFontsPdf(markerFile(context, 'crafted-fonts'))),
  },
  {
    name: 'truncated-half',
    description: 'A two-page PDF cut in half, mid-object',
    entry: 'api',
    expected: failed('CORRUPT'),
    make: () => bytes(truncated(makePdf(['first half survives', 'second half is cut']), 0.5)),
  },
  {
    name: 'pdf-zip-polyglot',
    description: 'A PDF with a ZIP archive appended: both readers open it',
    entry: 'api',
    expected: completed(1, 'Polyglot page'),
    make: () => bytes(Buffer.concat([makePdf(['Polyglot page']), zipWithOneFile('readme.txt', Buffer.from('a zip entry'))])),
  },
  {
    name: 'zip-holding-pdf',
    description: 'A ZIP archive whose stored entry is a PDF, so %PDF- appears within the first kilobyte',
    entry: 'api',
    expected: completed(1, 'Inside a zip'),
    make: () => bytes(zipWithOneFile('inner.pdf', Buffer.from(makePdf(['Inside a zip'])))),
  },
  {
    name: 'html-with-pdf-header',
    description: 'An HTML page with a script behind a %PDF-1.7 line',
    entry: 'api',
    expected: failed('CORRUPT'),
    make: (context) => bytes(htmlWithPdfHeader(markerFile(context, 'html-with-pdf-header'))),
  },
  {
    name: 'huge-info-dictionary',
    description: 'An Info dictionary whose /Title is 8 MB',
    entry: 'drop-folder',
    expected: completed(1, 'Huge Info dictionary'),
    make: () => bytes(hugeInfoPdf(8 * MB)),
  },
  {
    name: 'huge-xmp',
    description: 'An XMP metadata stream of 8 MB',
    entry: 'drop-folder',
    expected: completed(1, 'Huge XMP metadata'),
    make: () => bytes(hugeXmpPdf(8 * MB)),
  },
  {
    name: 'empty-pages',
    description: 'Three pages with no content stream',
    entry: 'api',
    expected: completed(3),
    make: () => bytes(emptyPagesPdf(3)),
  },
  {
    name: 'zero-bytes',
    description: 'An empty object',
    entry: 'drop-folder',
    expected: failed('NOT_A_PDF'),
    make: () => new Uint8Array(0),
  },
  {
    name: 'header-only',
    description: 'A file that is just %PDF-1.7',
    entry: 'api',
    expected: failed('CORRUPT'),
    make: () => bytes(Buffer.from('%PDF-1.7', 'latin1')),
  },
];

/** Expected states of the shared corpus's `hostile` and `encrypted-*` files. */
const CORPUS_EXPECTATIONS: Readonly<Record<string, ExpectedState>> = {
  '906-hostile-zero-bytes.pdf': failed('NOT_A_PDF'),
  '907-hostile-html-renamed.pdf': failed('NOT_A_PDF'),
  '911-hostile-truncated90-simple1.pdf': failed('CORRUPT'),
  '912-hostile-qpdf-aes256-userpw.pdf': failed('ENCRYPTED'),
  '056-encrypted-user-rc4-40.pdf': failed('ENCRYPTED'),
  '057-encrypted-user-aes-128.pdf': failed('ENCRYPTED'),
  '058-encrypted-user-aes-256-r6.pdf': failed('ENCRYPTED'),
  '059-encrypted-user-libreoffice-writer-password.pdf': failed('ENCRYPTED'),
  '060-encrypted-user-password-example.pdf': failed('ENCRYPTED'),
  '062-encrypted-owner-r6-owner-password.pdf': completed(1),
  '063-encrypted-owner-r4-owner-password.pdf': completed(1),
  '064-encrypted-owner-r2-empty-password.pdf': completed(1),
};

/** The corpus files the table must cover: every `hostile` and `encrypted-*` file of the manifest. */
export function corpusFilesToCover(): string[] {
  return loadCorpusManifest()
    .filter((entry) => entry.kind === 'hostile' || entry.kind.startsWith('encrypted-'))
    .map((entry) => entry.file)
    .sort();
}

const CORPUS: readonly HostileInput[] = Object.entries(CORPUS_EXPECTATIONS).map(([file, expected]) => ({
  name: file.replace(/\.pdf$/, ''),
  description: `Shared corpus: ${file}`,
  // The zero-byte and HTML files would be refused by the API itself; the drop folder takes anything.
  entry: file.startsWith('906-') || file.startsWith('907-') ? 'drop-folder' : 'api',
  expected,
  make: () => readCorpusFile(file),
  corpusFile: file,
}));

export const HOSTILE_INPUTS: readonly HostileInput[] = [...GENERATED, ...CORPUS];

/** `COMPLETED (3 pages)` / `FAILED CORRUPT`: how the table and the report write a state. */
export function describeState(state: { status: string; code?: string; pageCount?: number }): string {
  if (state.status === 'FAILED') return `FAILED ${state.code ?? '?'}`;
  if (state.status === 'COMPLETED' && state.pageCount !== undefined) return `COMPLETED (${state.pageCount} page${state.pageCount === 1 ? '' : 's'})`;
  return state.status;
}
