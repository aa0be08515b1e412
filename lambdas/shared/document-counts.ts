/**
 * Documents counted by status and error code, for operators: the authenticated health detail
 * (`GET /v1/health/detail`) and `npm run stats`. Reads every record it is given (a table scan),
 * so callers bound it with a deadline and a count on anything but a small table.
 */
import { DOCUMENT_STATUSES, type DocumentStatus } from './contract.js';
import type { DocumentRecord } from './document-model.js';

export interface DocumentCounts {
  /** Documents counted, tombstones apart. */
  readonly total: number;
  readonly byStatus: Readonly<Record<DocumentStatus, number>>;
  /** FAILED documents by error code. */
  readonly failedByCode: Readonly<Record<string, number>>;
  /** Tombstones of deleted documents, counted apart from the statuses. */
  readonly deleted: number;
  /** How long the oldest QUEUED document has waited (since its `updatedAt`); absent when none waits. */
  readonly oldestQueuedAgeMs?: number;
  /** `false` when counting stopped at `maxRecords` or `deadline`: the counts are a lower bound. */
  readonly complete: boolean;
}

export interface CountLimits {
  /** Epoch milliseconds; counting stops once it has passed. @default none */
  readonly deadline?: number;
  /** Records (tombstones included) read at most. @default no limit */
  readonly maxRecords?: number;
  readonly now?: () => number;
}

export async function countDocuments(records: AsyncIterable<DocumentRecord>, limits: CountLimits = {}): Promise<DocumentCounts> {
  const now = limits.now ?? Date.now;
  const byStatus = Object.fromEntries(DOCUMENT_STATUSES.map((status) => [status, 0])) as Record<DocumentStatus, number>;
  const failedByCode: Record<string, number> = {};
  let total = 0;
  let deleted = 0;
  let read = 0;
  let oldestQueuedAt: number | undefined;
  let complete = true;
  for await (const record of records) {
    if ((limits.maxRecords !== undefined && read >= limits.maxRecords) || (limits.deadline !== undefined && now() > limits.deadline)) {
      complete = false;
      break;
    }
    read += 1;
    if (record.deletedAt !== undefined) {
      deleted += 1;
      continue;
    }
    total += 1;
    byStatus[record.status] += 1;
    if (record.status === 'FAILED') {
      const code = record.error?.code ?? 'UNKNOWN';
      failedByCode[code] = (failedByCode[code] ?? 0) + 1;
    }
    if (record.status === 'QUEUED') {
      const queuedAt = Date.parse(record.updatedAt);
      if (!Number.isNaN(queuedAt) && (oldestQueuedAt === undefined || queuedAt < oldestQueuedAt)) oldestQueuedAt = queuedAt;
    }
  }
  return {
    total,
    byStatus,
    failedByCode,
    deleted,
    ...(oldestQueuedAt === undefined ? {} : { oldestQueuedAgeMs: Math.max(0, now() - oldestQueuedAt) }),
    complete,
  };
}
