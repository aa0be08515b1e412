/**
 * Document events: what clients and other systems hear when a document reaches a terminal
 * status, so they can react without polling.
 *
 * Events are derived from the document table's change stream (NEW_AND_OLD_IMAGES): the change
 * that moves a record into COMPLETED or FAILED is the event. Whoever made the write (the
 * extractor, the API's upload sweeper, a later reprocess) emits nothing itself, and a crash
 * after the write cannot lose the event, because the stream record is part of the write.
 *
 * Plain data and pure functions: the publisher, the stack (the stream filter) and the local
 * runtime (which applies the same filter) all read them from here.
 */
import type { DocumentStatus, FailureCode } from './contract.js';
import { TABLE_LAYOUT, TERMINAL_STATUSES } from './contract.js';

/** EventBridge `detail-type` of each terminal status. */
export const DOCUMENT_EVENT_TYPES = {
  COMPLETED: 'Document Completed',
  FAILED: 'Document Failed',
} as const satisfies Partial<Record<DocumentStatus, string>>;
export type DocumentEventType = (typeof DOCUMENT_EVENT_TYPES)[keyof typeof DOCUMENT_EVENT_TYPES];

/** The `detail` of a document event. No document content: ids, status and counts only. */
export interface DocumentEventDetail {
  readonly documentId: string;
  /** Absent only for a drop-folder file without an owner segment (`NO_OWNER`). */
  readonly ownerId?: string;
  readonly status: 'COMPLETED' | 'FAILED';
  /** Set when `status` is FAILED. */
  readonly errorCode?: FailureCode;
  /** Set when `status` is COMPLETED. */
  readonly pageCount?: number;
  /**
   * Set when COMPLETED with Markdown: the document's Markdown (`text/markdown`) and retrieval
   * chunks (JSON Lines) in S3, for an indexing consumer with read access to the bucket; through
   * the API, `GET /v1/documents/{id}/markdown` and `/chunks`.
   */
  readonly markdown?: { readonly bucket: string; readonly key: string };
  readonly chunks?: { readonly bucket: string; readonly key: string; readonly count: number };
  readonly generation: number;
  /** When the terminal status was recorded (the record's `updatedAt`). */
  readonly occurredAt: string;
  /**
   * `<documentId>:<generation>:<status>:<occurredAt>`: the same for every delivery of the same
   * transition, so a consumer can drop the rare duplicate (EventBridge and stream retries are
   * at-least-once).
   */
  readonly eventKey: string;
}

export interface DocumentEvent {
  readonly detailType: DocumentEventType;
  readonly detail: DocumentEventDetail;
}

/** The part of a document item the event is built from (a stream image, unmarshalled). */
interface DocumentImage {
  readonly [TABLE_LAYOUT.sortKey]?: unknown;
  readonly documentId?: unknown;
  readonly ownerId?: unknown;
  readonly status?: unknown;
  readonly error?: { readonly code?: unknown } | null;
  readonly pageCount?: unknown;
  readonly markdownRef?: { readonly bucket?: unknown; readonly key?: unknown } | null;
  readonly chunksRef?: { readonly bucket?: unknown; readonly key?: unknown } | null;
  readonly chunkCount?: unknown;
  readonly generation?: unknown;
  readonly updatedAt?: unknown;
  readonly deletedAt?: unknown;
}

const isTerminal = (status: unknown): status is 'COMPLETED' | 'FAILED' =>
  TERMINAL_STATUSES.includes(status as DocumentStatus);

/**
 * The event a change to the table stands for, if any: a document record that becomes COMPLETED
 * or FAILED from any other status (or is created terminal, as a `NO_OWNER` failure is).
 *
 * Nothing else is an event: page items, writes that leave a terminal record terminal (a
 * duplicate delivery changes nothing, and a tombstone is a deletion, not an outcome), and
 * records of deleted documents. A generation therefore ends in exactly one event, except when
 * an operator re-drives a POISON document, which reopens its generation (`revive`) and ends it
 * again: a second event with a later `occurredAt`.
 */
export function documentEventFor(
  oldImage: DocumentImage | undefined,
  newImage: DocumentImage | undefined,
): DocumentEvent | undefined {
  if (!newImage || newImage[TABLE_LAYOUT.sortKey] !== TABLE_LAYOUT.documentSortKey) return undefined;
  if (!isTerminal(newImage.status) || newImage.deletedAt !== undefined) return undefined;
  if (oldImage && isTerminal(oldImage.status)) return undefined;

  const documentId = String(newImage.documentId);
  const generation = Number(newImage.generation);
  const occurredAt = String(newImage.updatedAt);
  const status = newImage.status;
  const detail: DocumentEventDetail = {
    documentId,
    ...(typeof newImage.ownerId === 'string' ? { ownerId: newImage.ownerId } : {}),
    status,
    ...(status === 'FAILED' && typeof newImage.error?.code === 'string'
      ? { errorCode: newImage.error.code as FailureCode }
      : {}),
    ...(status === 'COMPLETED' && typeof newImage.pageCount === 'number' ? { pageCount: newImage.pageCount } : {}),
    ...(status === 'COMPLETED' ? markdownPointers(newImage) : {}),
    generation,
    occurredAt,
    eventKey: `${documentId}:${generation}:${status}:${occurredAt}`,
  };
  return { detailType: DOCUMENT_EVENT_TYPES[status], detail };
}

function pointer(value: DocumentImage['markdownRef']): { bucket: string; key: string } | undefined {
  return typeof value?.bucket === 'string' && typeof value.key === 'string' ? { bucket: value.bucket, key: value.key } : undefined;
}

/** The Markdown and chunk objects a completed record points to, when it has them. */
function markdownPointers(image: DocumentImage): Pick<DocumentEventDetail, 'markdown' | 'chunks'> {
  const markdown = pointer(image.markdownRef);
  const chunks = pointer(image.chunksRef);
  if (!markdown || !chunks) return {};
  return { markdown, chunks: { ...chunks, count: typeof image.chunkCount === 'number' ? image.chunkCount : 0 } };
}

/**
 * The event source mapping's filter (Lambda event filtering, EventBridge pattern syntax): only
 * changes that leave a document record terminal reach the publisher, so the page items, which
 * are most of the table's writes, never invoke it. `documentEventFor` makes the final call,
 * since a filter cannot compare the old image with the new.
 */
export const TERMINAL_RECORD_FILTER = {
  dynamodb: {
    NewImage: {
      [TABLE_LAYOUT.sortKey]: { S: [TABLE_LAYOUT.documentSortKey] },
      status: { S: [...TERMINAL_STATUSES] },
    },
  },
} as const;
