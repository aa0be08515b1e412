import { createHash } from 'node:crypto';
import type { DocumentSource, FailureCode, Lane } from '../shared/contract.js';
import type { DocumentMetadata, DocumentRecord, S3Pointer } from '../shared/document-model.js';
import type { DocumentStore } from '../shared/document-store.js';
import type { PageStore } from '../shared/page-store.js';
import { PermanentFailure, TransientFailure, isTransientAwsError } from '../shared/errors.js';
import { classifyObjectKey, laneOfKey, spilledMetadataKey } from '../shared/s3-keys.js';
import { decideClaim } from './claim.js';
import { completionMarkdown, markdownPage, type MarkdownSettings } from './document-markdown.js';
import type { MarkdownPage } from './markdown/types.js';
import { deriveDocumentId } from './document-id.js';
import type { ObjectStore } from './object-store.js';
import { checkPdfBytes } from './pdf-checks.js';
import type { Extract, ExtractionBounds } from './pdf-extractor.js';
import { PageWriter } from './page-writer.js';
import { finishShard, type ShardDependencies } from './process-shard.js';
import { SHARD_MESSAGE_KIND, type ShardMessage } from './shard-message.js';
import type { PageRange } from './shard-plan.js';
import type { CreatedObject } from './s3-event.js';
import { completeFromIdentical, type ProducedBy, type ReuseFinder } from './reuse-identical.js';

/** Limits the core enforces, from the function's settings. */
export interface ProcessingLimits {
  readonly maxPdfBytes: number;
  readonly maxPages: number;
  readonly maxAttempts: number;
  readonly documentTimeoutMs: number;
  readonly rssLimitMb: number;
  /** Bucket spilled results are written to. */
  readonly resultsBucket: string;
}

/** Everything the core needs from outside, so it can run against mocks, emulators or AWS alike. */
export interface ProcessingDependencies {
  readonly documents: Pick<DocumentStore, 'get' | 'create' | 'transition' | 'expiryFor'>;
  /** Pages written as they are extracted, and read to copy an identical document's. */
  readonly pages: Pick<PageStore, 'putPages' | 'listPages'>;
  readonly objects: ObjectStore;
  readonly extract: Extract;
  readonly limits: ProcessingLimits;
  readonly now?: () => number;
  /** Splits long documents into page-range shards; without it, every document is read whole. */
  readonly shards?: ShardDependencies;
  /** The extractor version and settings digest written on every claimed generation. */
  readonly producedBy?: ProducedBy;
  /** Completes identical uploads from earlier results (`reuse-identical.ts`); without it, every document is extracted. */
  readonly reuse?: ReuseFinder;
  /** Markdown and retrieval chunks of completed documents; without it, none are written. */
  readonly markdown?: MarkdownSettings;
}

/** Per-delivery facts from the queue and the invocation. */
export interface DeliveryContext {
  readonly receiveCount: number;
  /** Epoch milliseconds by which this document's work must be recorded. */
  readonly deadline: number;
}

export type ProcessingOutcome =
  | { readonly status: 'ignored'; readonly reason: string }
  | { readonly status: 'skipped'; readonly documentId: string; readonly reason: string }
  | {
      readonly status: 'completed';
      readonly documentId: string;
      readonly pageCount: number;
      readonly bytes: number;
      readonly ocrPages?: number;
      /** Completed from this identical document's results, without extraction. */
      readonly reusedFrom?: string;
      /** Why the document completed without Markdown, when the writer failed on it. */
      readonly markdownError?: string;
    }
  | { readonly status: 'failed'; readonly documentId: string; readonly code: FailureCode }
  /** A long document split into shards: this invocation read the first, the rest are queued. */
  | { readonly status: 'sharded'; readonly documentId: string; readonly shards: number }
  /** One shard of a long document read and recorded; the document is not complete yet. */
  | { readonly status: 'shard-done'; readonly documentId: string; readonly shard: number }
  /** Recorded as POISON; the message must still fail so that it reaches the DLQ. */
  | { readonly status: 'dead-letter'; readonly documentId: string };

/** Metadata above this goes to S3, keeping the record small for every list and read. */
export const INLINE_METADATA_LIMIT_BYTES = 64_000;
const MAX_CLAIM_TRIES = 5;
/** The fields of a generation's results, removed when the document is extracted afresh. */
const PREVIOUS_RESULT_FIELDS = ['error', 'lastError', 'pageCount', 'metadata', 'metadataRef', 'sha256', 'reusedFrom', 'ocrPages', 'markdownRef', 'chunksRef', 'chunkCount'] as const;


/**
 * The id of the document an object is, as `processCreatedObject` assigns it; `undefined` for an
 * object that is no document (a folder marker, a key outside the layout). The handler logs it as
 * the correlation id, and the redrive tooling looks up a dead-lettered message's document by it.
 */
export function documentIdOf(object: CreatedObject): string | undefined {
  const keyKind = classifyObjectKey(object.key);
  if (keyKind.kind === 'folder-marker' || keyKind.kind === 'not-ours') return undefined;
  return keyKind.kind === 'upload' ? keyKind.documentId : deriveDocumentId(object.bucket, object.key, object.versionId);
}

/** Where the claimed document stands: every later write is conditional on these. */
interface Claim {
  readonly documentId: string;
  readonly generation: number;
  readonly sequencer: string;
  readonly attempt: number;
  /** The document's expiry (epoch seconds), which its pages carry too. */
  readonly expiresAt?: number;
  /** The lane its generation is processed in: its shards go to that lane's shard queue. */
  readonly lane: Lane;
}

/**
 * Takes one created object through the pipeline: claim the document, read and check the
 * bytes, extract, store pages and record the outcome. Knows nothing of Lambda or SQS.
 *
 * Permanent failures are recorded and returned; transient ones throw TransientFailure so the
 * message is retried.
 */
export async function processCreatedObject(
  object: CreatedObject,
  delivery: DeliveryContext,
  deps: ProcessingDependencies,
): Promise<ProcessingOutcome> {
  const keyKind = classifyObjectKey(object.key);
  if (keyKind.kind === 'folder-marker' || keyKind.kind === 'not-ours') {
    return { status: 'ignored', reason: keyKind.kind };
  }

  const now = new Date((deps.now ?? Date.now)()).toISOString();
  const documentId =
    keyKind.kind === 'upload' ? keyKind.documentId : deriveDocumentId(object.bucket, object.key, object.versionId);

  if (keyKind.kind === 'no-owner') {
    const created = await deps.documents.create({
      ...newRecord(documentId, object, 'drop-folder', now),
      filename: keyKind.filename,
      sourceKey: object.key,
      status: 'FAILED',
      error: {
        code: 'NO_OWNER',
        message: 'Drop-folder files must be under incoming/<ownerId>/; this one has no owner segment.',
      },
    });
    return created
      ? { status: 'failed', documentId, code: 'NO_OWNER' }
      : { status: 'skipped', documentId, reason: 'duplicate' };
  }

  const fresh: DocumentRecord =
    keyKind.kind === 'upload'
      ? { ...newRecord(documentId, object, 'api', now), ownerId: keyKind.ownerId }
      : {
          ...newRecord(documentId, object, 'drop-folder', now),
          ownerId: keyKind.ownerId,
          filename: keyKind.filename,
          sourceKey: object.key,
        };

  const claimed = await claimDocument(fresh, object, delivery, deps, now);
  if ('status' in claimed) return claimed;

  try {
    return await extractDocument(claimed, object, delivery, deps);
  } catch (error) {
    if (error instanceof PermanentFailure) {
      await recordFailure(claimed, error.code, error.message, deps);
      return { status: 'failed', documentId, code: error.code };
    }
    return handleRetryableError(claimed, error, delivery, deps);
  }
}

function newRecord(documentId: string, object: CreatedObject, source: DocumentSource, now: string): DocumentRecord {
  return {
    documentId,
    source,
    // Every key the extractor takes (uploads of either lane, the drop folder) is under a lane's prefix.
    lane: laneOfKey(object.key) ?? 'interactive',
    status: 'PROCESSING',
    bucket: object.bucket,
    objectKey: object.key,
    versionId: object.versionId,
    sequencer: object.sequencer,
    size: object.size,
    generation: 1,
    attempts: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** Moves the document to PROCESSING for this delivery, or says why not. Retries lost races. */
async function claimDocument(
  fresh: DocumentRecord,
  object: CreatedObject,
  delivery: DeliveryContext,
  deps: ProcessingDependencies,
  now: string,
): Promise<Claim | ProcessingOutcome> {
  const { documents, limits } = deps;
  const documentId = fresh.documentId;
  const objectFields = {
    bucket: object.bucket,
    objectKey: object.key,
    versionId: object.versionId,
    sequencer: object.sequencer,
    size: object.size,
    updatedAt: now,
    ...deps.producedBy,
  };

  for (let tries = 0; tries < MAX_CLAIM_TRIES; tries += 1) {
    // Expired records included: an expired document is skipped, never created afresh.
    const record = await documents.get(documentId, { includeExpired: true });
    const decision = decideClaim(record, {
      sequencer: object.sequencer,
      receiveCount: delivery.receiveCount,
      maxAttempts: limits.maxAttempts,
      nowSeconds: Math.floor((deps.now ?? Date.now)() / 1000),
    });
    const claim = (generation: number, attempt: number): Claim => ({
      documentId,
      generation,
      sequencer: object.sequencer,
      attempt,
      expiresAt: record ? record.expiresAt : documents.expiryFor(fresh.createdAt),
      // A reprocess records the lane it queued the generation in (by version: the bulk lane).
      lane: record?.lane ?? fresh.lane,
    });

    switch (decision.action) {
      case 'skip':
        return { status: 'skipped', documentId, reason: decision.reason };
      case 'create':
        if (await documents.create({ ...fresh, ...deps.producedBy })) return claim(1, 1);
        continue;
    }

    // Every remaining decision writes on top of the record just read, conditional on it.
    const current = record!;
    const expected = { generation: current.generation, status: current.status, attempts: current.attempts };
    switch (decision.action) {
      case 'claim':
        if (await documents.transition(documentId, expected, { ...objectFields, status: 'PROCESSING', attempts: decision.attempt })) {
          return claim(current.generation, decision.attempt);
        }
        continue;
      case 'restart':
      case 'revive': {
        const generation = decision.action === 'restart' ? current.generation + 1 : current.generation;
        const changes = { ...objectFields, status: 'PROCESSING' as const, attempts: 1, generation };
        if (await documents.transition(documentId, expected, changes, [...PREVIOUS_RESULT_FIELDS])) {
          return claim(generation, 1);
        }
        continue;
      }
      case 'poison': {
        const reason = current.lastError ? ` Last error: ${current.lastError}` : '';
        const changes = {
          ...objectFields,
          status: 'FAILED' as const,
          attempts: decision.attempt,
          error: {
            code: 'POISON' as const,
            message: `Gave up after ${decision.attempt - 1} attempts that did not finish.${reason}`,
          },
        };
        if (await documents.transition(documentId, expected, changes)) return { status: 'dead-letter', documentId };
        continue;
      }
      case 'dead-letter':
        return { status: 'dead-letter', documentId };
    }
  }
  throw new TransientFailure(`Could not claim document ${documentId}: its record kept changing.`);
}

async function extractDocument(
  claim: Claim,
  object: CreatedObject,
  delivery: DeliveryContext,
  deps: ProcessingDependencies,
): Promise<ProcessingOutcome> {
  const { limits, objects, documents } = deps;
  const now = deps.now ?? Date.now;

  if (object.size === 0) throw new PermanentFailure('NOT_A_PDF', 'The file is empty.');
  if (object.size > limits.maxPdfBytes) {
    throw new PermanentFailure('TOO_LARGE', `The file is ${object.size} bytes; the limit is ${limits.maxPdfBytes}.`);
  }

  const bytes = await objects.read(object.bucket, object.key, object.versionId, limits.maxPdfBytes);
  checkPdfBytes(bytes, limits.maxPdfBytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const reused = await completeFromIdentical(claim, object, { sha256, size: bytes.byteLength }, deps);
  if (reused) return reused;

  const ownBudgetEnd = now() + limits.documentTimeoutMs;
  const bounds: ExtractionBounds = {
    maxPages: limits.maxPages,
    deadline: Math.min(ownBudgetEnd, delivery.deadline),
    fullBudget: ownBudgetEnd <= delivery.deadline,
    rssLimitMb: limits.rssLimitMb,
  };

  let pageCount = 0;
  let metadata: DocumentMetadata = {};
  // A long document: the rest of its shards are sent while this invocation reads the first.
  let sharding: Promise<number> | undefined;
  const progress = deps.shards?.store;
  let ocrPages = 0;
  // A document read whole keeps its pages for the Markdown; a sharded one is assembled from storage at completion.
  const markdownPages: MarkdownPage[] = [];
  const writer = new PageWriter(claim, deps, async (pages) => {
    if (sharding) await progress?.addPagesDone(claim.documentId, claim.generation, pages);
  });
  await deps.extract(
    bytes,
    bounds,
    {
      document: (parsed) => {
        pageCount = parsed.pageCount;
        metadata = parsed.metadata;
        if (parsed.shards && deps.shards) {
          sharding = sendShards(claim, object, parsed.shards, { pageCount, sha256, size: bytes.byteLength, metadata }, deps);
          sharding.catch(() => undefined); // awaited below, once the first shard is read
        }
      },
      page: (page) => {
        if (page.textSource === 'ocr') ocrPages += 1;
        if (deps.markdown?.enabled && !sharding) markdownPages.push(markdownPage(page));
        writer.add(page);
      },
    },
    deps.shards ? { sharding: deps.shards.settings } : {},
  );
  await writer.finish();
  if (sharding) return finishShard(claim, 0, await sharding, deps, ocrPages);

  const markdown = await completionMarkdown(claim, markdownPages, deps);
  const recorded = await documents.transition(
    claim.documentId,
    { generation: claim.generation, status: 'PROCESSING', sequencer: claim.sequencer },
    { status: 'COMPLETED', pageCount, ocrPages, sha256, size: bytes.byteLength, ...(await metadataFields(claim, metadata, deps)), ...markdown.fields },
    ['error', 'lastError'],
  );
  const markdownError = markdown.status === 'failed' ? { markdownError: markdown.reason } : {};
  return recorded
    ? { status: 'completed', documentId: claim.documentId, pageCount, bytes: bytes.byteLength, ocrPages, ...markdownError }
    : { status: 'skipped', documentId: claim.documentId, reason: 'superseded' };
}

/** The record's metadata: inline, or in S3 with a pointer when too large for the record. */
async function metadataFields(
  claim: Claim,
  metadata: DocumentMetadata,
  deps: ProcessingDependencies,
): Promise<{ metadata?: DocumentMetadata; metadataRef?: S3Pointer }> {
  const metadataJson = JSON.stringify(metadata);
  if (Buffer.byteLength(metadataJson) <= INLINE_METADATA_LIMIT_BYTES) return { metadata };
  const key = spilledMetadataKey(claim.documentId, claim.generation);
  await deps.objects.write(deps.limits.resultsBucket, key, metadataJson, 'application/json');
  return { metadataRef: { bucket: deps.limits.resultsBucket, key } };
}

/**
 * Records the shard plan and what is known of the document (page count, metadata, digest),
 * then sends shards 2…n to the lane its generation is processed in. A retried coordinator finds its plan recorded,
 * keeps the progress made since, and sends the shards again: a shard counts once however often
 * it is delivered. Resolves to the number of shards.
 */
async function sendShards(
  claim: Claim,
  object: CreatedObject,
  shards: readonly PageRange[],
  known: { readonly pageCount: number; readonly sha256: string; readonly size: number; readonly metadata: DocumentMetadata },
  deps: ProcessingDependencies,
): Promise<number> {
  const { store, queue } = deps.shards!;
  const guard = { generation: claim.generation, status: 'PROCESSING' as const, sequencer: claim.sequencer };
  const { metadata, ...facts } = known;
  if (!(await deps.documents.transition(claim.documentId, guard, { ...facts, ...(await metadataFields(claim, metadata, deps)) }))) {
    throw new TransientFailure('The document changed while its shards were being planned.');
  }
  await store.startShards(claim.documentId, claim.generation, shards.length, known.pageCount);
  const { lane } = claim;
  await queue.send(
    lane,
    shards.slice(1).map((pages, offset): ShardMessage => ({
      kind: SHARD_MESSAGE_KIND,
      documentId: claim.documentId,
      generation: claim.generation,
      lane,
      object,
      index: offset + 1,
      count: shards.length,
      pages,
    })),
  );
  return shards.length;
}

async function recordFailure(claim: Claim, code: FailureCode, message: string, deps: ProcessingDependencies) {
  await deps.documents.transition(
    claim.documentId,
    { generation: claim.generation, status: 'PROCESSING', sequencer: claim.sequencer },
    { status: 'FAILED', error: { code, message } },
    ['lastError'],
  );
}

/**
 * A failure that may pass is retried, except on the last delivery the queue allows: then the
 * document is recorded POISON first, so it never sits in the DLQ as PROCESSING.
 */
async function handleRetryableError(
  claim: Claim,
  error: unknown,
  delivery: DeliveryContext,
  deps: ProcessingDependencies,
): Promise<ProcessingOutcome> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const guard = { generation: claim.generation, status: 'PROCESSING' as const, sequencer: claim.sequencer };
  const lastDelivery = delivery.receiveCount >= deps.limits.maxAttempts;
  try {
    if (lastDelivery) {
      await deps.documents.transition(claim.documentId, guard, {
        status: 'FAILED',
        error: { code: 'POISON', message: `Gave up after ${claim.attempt} attempts. Last error: ${message}` },
      });
      return { status: 'dead-letter', documentId: claim.documentId };
    }
    await deps.documents.transition(claim.documentId, guard, { lastError: message.slice(0, 1000) });
  } catch {
    // The store may be what is failing; the redelivery will try again.
  }
  throw new TransientFailure(
    isTransientAwsError(error) || error instanceof TransientFailure
      ? `Transient failure, will retry: ${message}`
      : `Unexpected failure, will retry: ${message}`,
    { cause: error },
  );
}
