import type { ParsedDocument, ParsedPage } from './pdf-document.js';
import type { FailureCode } from '../shared/contract.js';

/** What the parent hands the extraction worker. */
export interface WorkerInput {
  readonly bytes: Uint8Array;
  readonly maxPages: number;
}

/** Messages from the extraction worker to its parent, in order: document, pages, then done or failed. */
export type WorkerMessage =
  | ({ readonly type: 'document' } & ParsedDocument)
  | ({ readonly type: 'page' } & ParsedPage)
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly code: FailureCode; readonly message: string };
