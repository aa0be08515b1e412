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
import type { ShardProgressStore } from '../shared/shard-progress.js';
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

/**
 * Counts shard `index` done; the shard whose count completes the plan completes the document,
 * exactly once (the count is atomic and conditional on the generation).
 */
export async function finishShard(
  document: { readonly documentId: string; readonly generation: number },
  index: number,
  count: number,
  deps: ProcessingDependencies,
): Promise<ProcessingOutcome> {
  const { documentId, generation } = document;
  const recording = await deps.shards!.store.recordShardDone(documentId, generation, index);
  if (recording.outcome === 'not-recorded') return { status: 'skipped', documentId, reason: 'superseded' };
  if (recording.shardsDone < recording.shardCount) {
    return index === 0 ? { status: 'sharded', documentId, shards: count } : { status: 'shard-done', documentId, shard: index };
  }
  const completed = await deps.repository.transition(documentId, { generation, status: 'PROCESSING' }, { status: 'COMPLETED' }, ['error', 'lastError']);
  if (!completed) return { status: 'skipped', documentId, reason: 'superseded' };
  const record = await deps.repository.get(documentId);
  return { status: 'completed', documentId, pageCount: record?.pageCount ?? 0, bytes: record?.size ?? 0 };
}

export async function processShard(message: ShardMessage, delivery: DeliveryContext, deps: ProcessingDependencies): Promise<ProcessingOutcome> {
  const { documentId, generation, index, count, pages, object } = message;
  const record = await deps.repository.get(documentId);
  if (!record || record.generation !== generation || record.status !== 'PROCESSING' || record.deletedAt !== undefined) {
    return { status: 'skipped', documentId, reason: 'superseded' };
  }
  if (record.shardGeneration === generation && record.doneShards?.has(index)) return { status: 'skipped', documentId, reason: 'duplicate' };
  const guard = { generation, status: 'PROCESSING' as const };

  if (delivery.receiveCount >= deps.limits.maxAttempts) {
    // The shard's last allowed delivery: give up on the document rather than leave it PROCESSING.
    const message = `Pages ${pages.first}–${pages.last} could not be extracted in ${delivery.receiveCount - 1} attempts.`;
    await deps.repository.transition(documentId, guard, { status: 'FAILED', error: { code: 'POISON', message } });
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
  try {
    const bytes = await deps.objects.read(object.bucket, object.key, object.versionId, deps.limits.maxPdfBytes);
    const writer = new PageWriter({ documentId, generation, expiresAt: record.expiresAt }, deps, (written) =>
      deps.shards!.store.addPagesDone(documentId, generation, written),
    );
    // The shard OCRs its share of the document's OCR page budget (see ocrBudgetOfShard).
    await deps.extract(bytes, bounds, { document: () => undefined, page: (page) => writer.add(page) }, { pages, shard: { index, count } });
    await writer.finish();
  } catch (error) {
    if (!(error instanceof PermanentFailure)) throw error;
    const message = `Pages ${pages.first}–${pages.last}: ${error.message}`;
    const failed = await deps.repository.transition(documentId, guard, { status: 'FAILED', error: { code: error.code, message } });
    return failed ? { status: 'failed', documentId, code: error.code } : { status: 'skipped', documentId, reason: 'superseded' };
  }
  return finishShard({ documentId, generation }, index, count, deps);
}
