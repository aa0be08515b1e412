import type { S3Client } from '@aws-sdk/client-s3';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { DocumentStore } from '../shared/document-store.js';
import { deleteAllVersions } from '../shared/object-purge.js';
import type { PageStore } from '../shared/page-store.js';
import type { PendingTask, TaskStore } from '../shared/task-store.js';
import { purgeDocument } from '../purge/purge-document.js';

export interface SweepDependencies {
  readonly documents: Pick<DocumentStore, 'get' | 'transition' | 'markPurged'>;
  readonly pages: Pick<PageStore, 'deletePages'>;
  readonly tasks: Pick<TaskStore, 'dueTasks' | 'deleteTask'>;
  readonly s3: S3Client;
  readonly bucketName: string;
  readonly now: () => Date;
}

export interface SweepOutcome {
  /** Uploads that never arrived, now FAILED/UPLOAD_EXPIRED. */
  readonly expired: number;
  /** Deleted documents purged here because their purge request never finished. */
  readonly purged: number;
  /** Tasks found already settled and removed. */
  readonly settled: number;
  /** Tasks left for the next sweep (object arrived but not yet claimed, or a record changed meanwhile). */
  readonly deferred: number;
}

const TASKS_PER_ROUND = 100;

/**
 * One sweep over the due tasks:
 * - an upload due by now whose record still waits (`UPLOADING`/`QUEUED`, never claimed) and
 *   whose object is absent becomes `FAILED`/`UPLOAD_EXPIRED`; one whose document was deleted
 *   meanwhile has whatever arrived removed;
 * - a purge due by now (its request was lost or failed) is run here.
 * Tasks are removed once settled; `hasTime` stops the sweep between tasks.
 */
export async function sweep(deps: SweepDependencies, hasTime: () => boolean = () => true): Promise<SweepOutcome> {
  const outcome = { expired: 0, purged: 0, settled: 0, deferred: 0 };
  for (const kind of ['upload', 'purge'] as const) {
    const seen = new Set<string>();
    for (;;) {
      const tasks = (await deps.tasks.dueTasks(kind, deps.now(), TASKS_PER_ROUND)).filter(
        (task) => !seen.has(task.documentId),
      );
      if (tasks.length === 0) break;
      for (const task of tasks) {
        if (!hasTime()) return outcome;
        seen.add(task.documentId);
        const result = kind === 'upload' ? await settleUpload(task, deps) : await settlePurge(task, deps);
        outcome[result] += 1;
      }
    }
  }
  return outcome;
}

async function settleUpload(task: PendingTask, deps: SweepDependencies): Promise<keyof SweepOutcome> {
  const record = await deps.documents.get(task.documentId);
  if (!record || record.deletedAt !== undefined) {
    // Deleted before (or while) its upload arrived: nothing may stay behind.
    if (task.bucket && task.objectKey) await deleteAllVersions(deps.s3, task.bucket, { key: task.objectKey });
    await deps.tasks.deleteTask(task);
    return 'settled';
  }
  const waiting = (record.status === 'UPLOADING' || record.status === 'QUEUED') && record.sequencer === undefined;
  if (!waiting) {
    await deps.tasks.deleteTask(task);
    return 'settled';
  }
  if (record.bucket && record.objectKey && (await objectExists(deps.s3, record.bucket, record.objectKey))) {
    return 'deferred'; // arrived; the extractor claims it soon
  }
  const expired = await deps.documents.transition(
    record.documentId,
    { status: record.status, generation: record.generation, attempts: record.attempts },
    { status: 'FAILED', error: { code: 'UPLOAD_EXPIRED', message: 'No file arrived before the upload expired.' } },
  );
  if (!expired) return 'deferred'; // claimed meanwhile; looked at again next time
  await deps.tasks.deleteTask(task);
  return 'expired';
}

async function settlePurge(task: PendingTask, deps: SweepDependencies): Promise<keyof SweepOutcome> {
  const record = await deps.documents.get(task.documentId);
  if (record?.purgedAt !== undefined || (record && record.deletedAt === undefined)) {
    await deps.tasks.deleteTask(task);
    return 'settled';
  }
  await purgeDocument(
    { documentId: task.documentId, bucket: task.bucket, objectKey: task.objectKey },
    { documents: deps.documents, pages: deps.pages, s3: deps.s3, bucketName: deps.bucketName, now: deps.now },
  );
  await deps.tasks.deleteTask(task);
  return 'purged';
}

async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NotFound' || name === 'NoSuchKey') return false;
    throw error;
  }
}
