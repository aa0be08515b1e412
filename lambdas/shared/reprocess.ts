/**
 * Reprocessing a document (say, after a parser upgrade): one core for the API route
 * (`POST /v1/documents/{id}/reprocess`) and the operators' command (`pdf-pipeline reprocess`).
 *
 * A terminal document starts a new generation in `QUEUED` (attempts reset, the last results'
 * fields removed), conditional on the generation and status just read; then an S3-notification-
 * shaped message for its object, with the record's own sequencer, goes to its lane's extraction
 * queue (a bulk document never jumps the interactive lane by being reprocessed).
 * The extractor claims it by the usual rules (`claim.ts`: same sequencer, not terminal) and
 * writes the new generation's pages; every write of the old generation's work now fails its
 * generation guard, and reads of pages filter by the record's generation.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TERMINAL_STATUSES, type DocumentStatus, type Lane } from './contract.js';
import type { DocumentRecord } from './document-model.js';
import type { DocumentStore } from './document-store.js';
import { objectCreatedMessage } from './s3-notification.js';

/** `configurationId` of the notifications a reprocess sends, so they can be told from S3's own. */
export const REPROCESS_CONFIGURATION_ID = 'pdf-pipeline-reprocess';

/** The fields of the previous generation's outcome, removed when a new one starts. */
export const REPROCESS_REMOVED_FIELDS = ['error', 'lastError', 'pageCount', 'metadata', 'metadataRef', 'sha256', 'reusedFrom', 'ocrPages', 'markdownRef', 'chunksRef', 'chunkCount'] as const;

/** Reads and conditional writes before giving up on a record that keeps changing. */
const MAX_TRIES = 3;

export interface ReprocessDependencies {
  readonly documents: Pick<DocumentStore, 'get' | 'transition'>;
  readonly sqs: SQSClient;
  /** The extraction queue of a lane. */
  readonly queueFor: (lane: Lane) => string;
  readonly now: () => Date;
}

export interface ReprocessOptions {
  /**
   * Whether the caller may see the record (the API: only its owner); a record it may not see is
   * `not-found`, so ids cannot be probed. @default every record
   */
  readonly canSee?: (record: DocumentRecord) => boolean;
  /**
   * The lane whose queue the document goes to (reprocessing by version sends everything to the
   * bulk lane). @default the document's own lane
   */
  readonly lane?: Lane;
}

export type ReprocessOutcome =
  /** A new generation is QUEUED and its message sent. */
  | { readonly kind: 'queued'; readonly documentId: string; readonly generation: number }
  | { readonly kind: 'not-found' }
  /** A tombstone: the document was deleted. */
  | { readonly kind: 'deleted' }
  /** Not in a terminal state (UPLOADING, QUEUED, PROCESSING): it is still on its way. */
  | { readonly kind: 'busy'; readonly status: DocumentStatus }
  /** Terminal, but there is nothing to extract again (no object ever arrived, or it has no owner). */
  | { readonly kind: 'not-reprocessable'; readonly reason: string }
  /** The record changed under every try (other writers); retry shortly. */
  | { readonly kind: 'changed' };

export async function reprocessDocument(
  documentId: string,
  deps: ReprocessDependencies,
  options: ReprocessOptions = {},
): Promise<ReprocessOutcome> {
  for (let tries = 0; tries < MAX_TRIES; tries += 1) {
    const record = await deps.documents.get(documentId);
    if (!record || (options.canSee && !options.canSee(record))) return { kind: 'not-found' };
    if (record.deletedAt !== undefined) return { kind: 'deleted' };
    if (!TERMINAL_STATUSES.includes(record.status)) return { kind: 'busy', status: record.status };
    const object = notifiedObject(record);
    if (typeof object === 'string') return { kind: 'not-reprocessable', reason: object };

    const generation = record.generation + 1;
    const lane = options.lane ?? record.lane;
    const started = await deps.documents.transition(
      documentId,
      { generation: record.generation, status: record.status },
      // The lane is the new generation's: its shards, if it has any, follow it there.
      { status: 'QUEUED', generation, attempts: 0, lane, updatedAt: deps.now().toISOString() },
      [...REPROCESS_REMOVED_FIELDS],
    );
    if (!started) continue;

    try {
      await deps.sqs.send(
        new SendMessageCommand({
          QueueUrl: deps.queueFor(lane),
          MessageBody: objectCreatedMessage(object, { configurationId: REPROCESS_CONFIGURATION_ID, eventTime: deps.now() }),
        }),
      );
    } catch (error) {
      // No message, no extraction: end the new generation FAILED so the document can be
      // reprocessed again, unless the extractor already claimed it (then the message did go).
      const undone = await deps.documents
        .transition(
          documentId,
          { generation, status: 'QUEUED', attempts: 0 },
          { status: 'FAILED', error: { code: 'INTERNAL', message: 'The reprocess could not be queued; reprocess the document again.' } },
        )
        .catch(() => true);
      if (undone) throw error;
    }
    return { kind: 'queued', documentId, generation };
  }
  return { kind: 'changed' };
}

/** The object a record describes, as a notification names it, or why there is none to extract. */
function notifiedObject(record: DocumentRecord): Parameters<typeof objectCreatedMessage>[0] | string {
  if (record.error?.code === 'NO_OWNER') return 'the file has no owner: move it under incoming/<ownerId>/ instead';
  if (!record.bucket || !record.objectKey || !record.sequencer || record.size === undefined) {
    return `no object was ever recorded for it${record.error ? ` (${record.error.code})` : ''}`;
  }
  return {
    bucket: record.bucket,
    key: record.objectKey,
    size: record.size,
    versionId: record.versionId,
    sequencer: record.sequencer,
  };
}
