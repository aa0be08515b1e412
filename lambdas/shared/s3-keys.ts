import { KEY_PREFIXES, LANE_PREFIXES, LANES, type Lane } from './contract.js';

/** What an object key means to the pipeline. */
export type ObjectKeyKind =
  | { readonly kind: 'upload'; readonly ownerId: string; readonly documentId: string }
  | { readonly kind: 'drop-folder'; readonly ownerId: string; readonly filename: string }
  | { readonly kind: 'no-owner'; readonly filename: string }
  | { readonly kind: 'folder-marker' }
  | { readonly kind: 'not-ours' };

/** API uploads, in either lane: `uploads/<ownerId>/<documentId>.pdf` or `bulk-uploads/…`. */
const UPLOAD_KEY = /^(?:uploads|bulk-uploads)\/([^/]+)\/([^/]+)\.pdf$/;

/** Where an API upload goes in each lane. */
const UPLOAD_PREFIXES: Readonly<Record<Lane, string>> = {
  interactive: KEY_PREFIXES.uploads,
  bulk: KEY_PREFIXES.bulkUploads,
};

/** Classifies a decoded object key by the shared key layout. */
export function classifyObjectKey(key: string): ObjectKeyKind {
  if (key.endsWith('/')) return { kind: 'folder-marker' };

  if (key.startsWith(KEY_PREFIXES.uploads) || key.startsWith(KEY_PREFIXES.bulkUploads)) {
    const match = UPLOAD_KEY.exec(key);
    return match ? { kind: 'upload', ownerId: match[1]!, documentId: match[2]! } : { kind: 'not-ours' };
  }

  if (key.startsWith(KEY_PREFIXES.incoming)) {
    const segments = key.slice(KEY_PREFIXES.incoming.length).split('/');
    const filename = segments.at(-1)!;
    // `incoming/report.pdf` has no owner segment; `incoming/user-1/a/b.pdf` belongs to user-1.
    if (segments.length < 2 || segments[0] === '') return { kind: 'no-owner', filename };
    return { kind: 'drop-folder', ownerId: segments[0]!, filename };
  }

  return { kind: 'not-ours' };
}

/** The key of an API upload; the lane picks the prefix, and so the queue its notification goes to. */
export function uploadKey(ownerId: string, documentId: string, lane: Lane = 'interactive'): string {
  return `${UPLOAD_PREFIXES[lane]}${ownerId}/${documentId}.pdf`;
}

/** The lane whose queue an object's notification goes to, by its prefix; none for keys no lane takes. */
export function laneOfKey(key: string): Lane | undefined {
  return LANES.find((lane) => LANE_PREFIXES[lane].some((prefix) => key.startsWith(prefix)));
}

/** Where a page's text spills when it is too large for an item; the generation keeps runs apart. */
export function spilledPageKey(documentId: string, generation: number, pageNumber: number): string {
  return `${KEY_PREFIXES.results}${documentId}/g${generation}/page-${String(pageNumber).padStart(6, '0')}.txt`;
}

/** Where a page's tables spill when they are too large for an item. */
export function spilledTablesKey(documentId: string, generation: number, pageNumber: number): string {
  return `${KEY_PREFIXES.results}${documentId}/g${generation}/tables-${String(pageNumber).padStart(6, '0')}.json`;
}

/** Where a page's layout (lines and words with boxes, gzip JSON) is kept. */
export function pageLayoutKey(documentId: string, generation: number, pageNumber: number): string {
  return `${KEY_PREFIXES.results}${documentId}/g${generation}/layout/${pageNumber}.json.gz`;
}

/** Where document metadata spills when it is too large for the document record. */
export function spilledMetadataKey(documentId: string, generation: number): string {
  return `${KEY_PREFIXES.results}${documentId}/g${generation}/metadata.json`;
}

/** Where a document's Markdown (`text/markdown`) is kept, once per generation. */
export function documentMarkdownKey(documentId: string, generation: number): string {
  return `${KEY_PREFIXES.results}${documentId}/g${generation}/document.md`;
}

/** Where a document's retrieval chunks (JSON Lines, one chunk a line) are kept, once per generation. */
export function documentChunksKey(documentId: string, generation: number): string {
  return `${KEY_PREFIXES.results}${documentId}/g${generation}/chunks.jsonl`;
}
