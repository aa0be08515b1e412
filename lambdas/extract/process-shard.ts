/**
 * One page-range shard of a long document: read its pages, record them, and complete the
 * document when this is the last shard to be recorded. Knows nothing of Lambda or SQS.
 *
 * Failure semantics (the contract in the README): a transient failure retries this shard alone
 * (its message); a permanent one (the range breaks the budget, or cannot be read) fails the whole
 * document with the failure's code, since a document with a hole in it would read as complete.
 * A page PDFium cannot load is no failure: it is recorded empty and marked `unreadable`, and the
 * document completes. A shard of a generation the document has left (reprocessed, deleted,
 * failed) does nothing.
 */
import type { DocumentRecord } from '../shared/document-model.js';
import type { ShardProgressStore } from '../shared/shard-progress.js';
import { completionMarkdown } from './document-markdown.js';
import { PermanentFailure } from '../shared/errors.js';
import { PageWriter } from './page-writer.js';
import type { ExtractionBounds } from './pdf-extractor.js';
import type { DeliveryContext, ProcessingDependencies, ProcessingOutcome } from './process-object.js';
import type { ShardMessage } from './shard-message.js';
import type { ShardSettings } from './shard-plan.js';
import type { ShardQueue } from './shard-queue.js';

export interface ShardDependencies {
  readonly store: Pick<ShardProgressStore, 'startShards' | 'addPagesDone' | 'recordShardDone'>;
  readonly queue: ShardQueue;
  readonly settings: ShardSettings;
}

/** Every shard of this generation counted, the document not yet recorded COMPLETED. */
function allShardsDone(record: DocumentRecord | undefined, generation: number): boolean {
  return (
    record !== undefined && record.generation === generation && record.status === 'PROCESSING' && record.deletedAt === undefined &&
    record.shardGeneration === generation && (record.shardsDone ?? 0) >= (record.shardCount ?? Number.POSITIVE_INFINITY)
  );
}

/**
 * Counts shard `index` done; the shard whose count completes the plan completes the document,
 * exactly once (the count is atomic and conditional on the generation), with the document's
 * Markdown assembled from every shard's stored pages. A completion cut short after the count
 * (the Markdown's writes or the record's failed) is finished by the redelivery of the same shard.
 */
export async function finishShard(
  document: { readonly documentId: string; readonly generation: number },
  index: number,
  count: number,
  deps: ProcessingDependencies,
  ocrPages = 0,
): Promise<ProcessingOutcome> {
  const { documentId, generation } = document;
  const recording = await deps.shards!.store.recordShardDone(documentId, generation, index, ocrPages);
  if (recording.outcome === 'not-recorded') {
    if (!allShardsDone(await deps.documents.get(documentId), generation)) return { status: 'skipped', documentId, reason: 'superseded' };
  } else if (recording.shardsDone < recording.shardCount) {
    return index === 0 ? { status: 'sharded', documentId, shards: count } : { status: 'shard-done', documentId, shard: index };
  }
  const markdown = await completionMarkdown(document, 'stored', deps);
  const guard = { generation, status: 'PROCESSING' as const };
  const completed = await deps.documents.transition(documentId, guard, { status: 'COMPLETED', ...markdown.fields }, ['error', 'lastError']);
  if (!completed) return { status: 'skipped', documentId, reason: 'superseded' };
  const record = await deps.documents.get(documentId);
  const markdownError = markdown.status === 'failed' ? { markdownError: markdown.reason } : {};
  return { status: 'completed', documentId, pageCount: record?.pageCount ?? 0, bytes: record?.size ?? 0, ...markdownError };
}

export async function processShard(message: ShardMessage, delivery: DeliveryContext, deps: ProcessingDependencies): Promise<ProcessingOutcome> {
  const { documentId, generation, index, count, pages, object } = message;
  const record = await deps.documents.get(documentId);
  if (!record || record.generation !== generation || record.status !== 'PROCESSING' || record.deletedAt !== undefined) {
    return { status: 'skipped', documentId, reason: 'superseded' };
  }
  if (record.shardGeneration === generation && record.doneShards?.has(index)) {
    return allShardsDone(record, generation) ? finishShard(message, index, count, deps) : { status: 'skipped', documentId, reason: 'duplicate' };
  }
  const guard = { generation, status: 'PROCESSING' as const };

  if (delivery.receiveCount >= deps.limits.maxAttempts) {
    // The shard's last allowed delivery: give up on the document rather than leave it PROCESSING.
    const message = `Pages ${pages.first}–${pages.last} could not be extracted in ${delivery.receiveCount - 1} attempts.`;
    await deps.documents.transition(documentId, guard, { status: 'FAILED', error: { code: 'POISON', message } });
    return { status: 'dead-letter', documentId };
  }

  const now = deps.now ?? Date.now;
  const ownBudgetEnd = now() + deps.limits.documentTimeoutMs;
  const bounds: ExtractionBounds = {
    maxPages: deps.limits.maxPages,
    deadline: Math.min(ownBudgetEnd, delivery.deadline),
    fullBudget: ownBudgetEnd <= delivery.deadline,
    rssLimitMb: deps.limits.rssLimitMb,
  };
  let ocrPages = 0;
  try {
    const bytes = await deps.objects.read(object.bucket, object.key, object.versionId, deps.limits.maxPdfBytes);
    const writer = new PageWriter({ documentId, generation, expiresAt: record.expiresAt }, deps, (written) =>
      deps.shards!.store.addPagesDone(documentId, generation, written),
    );
    // The shard OCRs its share of the document's OCR page budget (see ocrBudgetOfShard).
    const page = (parsed: Parameters<PageWriter['add']>[0]) => {
      if (parsed.textSource === 'ocr') ocrPages += 1;
      writer.add(parsed);
    };
    await deps.extract(bytes, bounds, { document: () => undefined, page }, { pages, shard: { index, count } });
    await writer.finish();
  } catch (error) {
    if (!(error instanceof PermanentFailure)) throw error;
    const message = `Pages ${pages.first}–${pages.last}: ${error.message}`;
    const failed = await deps.documents.transition(documentId, guard, { status: 'FAILED', error: { code: error.code, message } });
    return failed ? { status: 'failed', documentId, code: error.code } : { status: 'skipped', documentId, reason: 'superseded' };
  }
  return finishShard({ documentId, generation }, index, count, deps, ocrPages);
}
