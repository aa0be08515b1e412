/**
 * The extractor's step for identical documents: once an upload's bytes are read and hashed, a
 * COMPLETED document of the same owner with the same sha256, extractor version and settings gives
 * the upload its results (copied, see `document-reuse.ts`), and the upload completes without
 * extraction, with `reusedFrom` on its record.
 *
 * A reprocessed document may be completed this way too: reuse needs the very extractor version and
 * settings the new generation would run with, so extracting again would give the same results.
 */
import type { DocumentRecord } from '../shared/document-repository.js';
import type { ExtractSettings } from '../shared/env.js';
import { copyReusedResults, type ReuseDecision, type ReuseRequest } from '../shared/document-reuse.js';
import type { ExtractionSettings } from '../shared/extractor-version.js';
import { EXTRACTOR_VERSION, settingsDigest } from '../shared/extractor-version.js';
import { classifyObjectKey } from '../shared/s3-keys.js';
import type { ProcessingDependencies, ProcessingOutcome } from './process-object.js';
import type { CreatedObject } from './s3-event.js';

/** What produced a generation's results, written on the record when the extractor claims it. */
export interface ProducedBy {
  readonly extractorVersion: string;
  readonly settingsDigest: string;
}

/**
 * The extractor's settings that change what it outputs: the page limit and OCR's. Sharding and
 * budgets only decide how and whether a run finishes, never what a completed document holds.
 */
export function outputSettings(settings: Pick<ExtractSettings, 'maxPages' | 'ocr'>): ExtractionSettings {
  const { engine, languages, maxPagesPerDocument, dpi } = settings.ocr;
  return { maxPages: settings.maxPages, ocr: { engine, languages, maxPagesPerDocument, dpi } };
}

/** The extractor version and the digest of the settings that shape its output. */
export function producedBy(settings: ExtractionSettings): ProducedBy {
  return { extractorVersion: EXTRACTOR_VERSION, settingsDigest: settingsDigest(settings) };
}

/** How the extractor finds a document to reuse (`findReusableDocument` bound to the table). */
export interface ReuseFinder {
  readonly find: (request: ReuseRequest) => Promise<ReuseDecision>;
}

/** The claimed generation the reuse completes: every write is conditional on it. */
export interface ReuseClaim {
  readonly documentId: string;
  readonly generation: number;
  readonly sequencer: string;
  readonly expiresAt?: number;
}

/**
 * Completes the claimed document from an identical one, or answers `undefined` when none may be
 * reused (reuse off, no owner, no candidate, a different extractor or settings…) and the document
 * must be extracted.
 */
export async function completeFromIdentical(
  claim: ReuseClaim,
  object: CreatedObject,
  content: { readonly sha256: string; readonly size: number },
  deps: ProcessingDependencies,
): Promise<ProcessingOutcome | undefined> {
  if (!deps.reuse || !deps.producedBy) return undefined;
  const key = classifyObjectKey(object.key);
  if (key.kind !== 'upload' && key.kind !== 'drop-folder') return undefined;
  const decision = await deps.reuse.find({ documentId: claim.documentId, ownerId: key.ownerId, sha256: content.sha256, ...deps.producedBy });
  if (!decision.reuse) return undefined;

  const source: DocumentRecord = decision.from;
  const results = await copyReusedResults(source, claim, {
    repository: deps.repository,
    copyObject: (bucket, fromKey, toKey) => deps.objects.copy(bucket, fromKey, toKey),
  });
  const recorded = await deps.repository.transition(
    claim.documentId,
    { generation: claim.generation, status: 'PROCESSING', sequencer: claim.sequencer },
    {
      status: 'COMPLETED',
      reusedFrom: results.reusedFrom,
      pageCount: results.pageCount,
      sha256: content.sha256,
      size: content.size,
      ...(source.ocrPages !== undefined ? { ocrPages: source.ocrPages } : {}),
      ...(results.metadata !== undefined ? { metadata: results.metadata } : {}),
      ...(results.metadataRef ? { metadataRef: results.metadataRef } : {}),
    },
    ['error', 'lastError'],
  );
  return recorded
    ? { status: 'completed', documentId: claim.documentId, pageCount: results.pageCount, bytes: content.size, reusedFrom: results.reusedFrom }
    : { status: 'skipped', documentId: claim.documentId, reason: 'superseded' };
}
