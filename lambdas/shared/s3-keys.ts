import { KEY_PREFIXES } from './contract.js';

/** What an object key means to the pipeline. */
export type ObjectKeyKind =
  | { readonly kind: 'upload'; readonly ownerId: string; readonly documentId: string }
  | { readonly kind: 'drop-folder'; readonly ownerId: string; readonly filename: string }
  | { readonly kind: 'no-owner'; readonly filename: string }
  | { readonly kind: 'folder-marker' }
  | { readonly kind: 'not-ours' };

const UPLOAD_KEY = /^uploads\/([^/]+)\/([^/]+)\.pdf$/;

/** Classifies a decoded object key by the shared key layout. */
export function classifyObjectKey(key: string): ObjectKeyKind {
  if (key.endsWith('/')) return { kind: 'folder-marker' };

  if (key.startsWith(KEY_PREFIXES.uploads)) {
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

export function uploadKey(ownerId: string, documentId: string): string {
  return `${KEY_PREFIXES.uploads}${ownerId}/${documentId}.pdf`;
}

/** Where a page's text spills when it is too large for an item; the generation keeps runs apart. */
export function spilledPageKey(documentId: string, generation: number, pageNumber: number): string {
  return `${KEY_PREFIXES.results}${documentId}/g${generation}/page-${String(pageNumber).padStart(6, '0')}.txt`;
}

/** Where a page's tables spill when they are too large for an item. */
export function spilledTablesKey(documentId: string, generation: number, pageNumber: number): string {
  return `${KEY_PREFIXES.results}${documentId}/g${generation}/tables-${String(pageNumber).padStart(6, '0')}.json`;
}

/** Where document metadata spills when it is too large for the document record. */
export function spilledMetadataKey(documentId: string, generation: number): string {
  return `${KEY_PREFIXES.results}${documentId}/g${generation}/metadata.json`;
}
