import type { S3Client } from '@aws-sdk/client-s3';
import { KEY_PREFIXES } from '../shared/contract.js';
import type { DocumentStore } from '../shared/document-store.js';
import { deleteAllVersions } from '../shared/object-purge.js';
import type { PageStore } from '../shared/page-store.js';
import type { PurgeRequest } from '../shared/purge-request.js';

export interface PurgeDependencies {
  readonly documents: Pick<DocumentStore, 'get' | 'markPurged'>;
  readonly pages: Pick<PageStore, 'deletePages'>;
  readonly s3: S3Client;
  /** The bucket spilled results live in. */
  readonly bucketName: string;
  readonly now?: () => Date;
}

export interface PurgeOutcome {
  readonly documentId: string;
  readonly objectVersions: number;
  readonly resultObjects: number;
  readonly pages: number;
}

/**
 * Removes what a deleted document left behind: every version of its original, everything under
 * `results/<documentId>/` and every page item. Idempotent, so a redelivered request or the
 * sweeper's retry simply finds less to do. The tombstone stays (until its TTL) so reads keep
 * answering 404 and the extractor never revives the document; it is marked `purgedAt`.
 *
 * A document that is not deleted is left alone: a purge request never outranks the record.
 */
export async function purgeDocument(request: PurgeRequest, deps: PurgeDependencies): Promise<PurgeOutcome | undefined> {
  const record = await deps.documents.get(request.documentId);
  if (record && record.deletedAt === undefined) return undefined;

  const bucket = request.bucket ?? record?.bucket;
  const objectKey = request.objectKey ?? record?.objectKey;
  const objectVersions = bucket && objectKey ? await deleteAllVersions(deps.s3, bucket, { key: objectKey }) : 0;
  const resultObjects = await deleteAllVersions(deps.s3, deps.bucketName, {
    prefix: `${KEY_PREFIXES.results}${request.documentId}/`,
  });
  const pages = await deps.pages.deletePages(request.documentId);
  await deps.documents.markPurged(request.documentId, (deps.now ?? (() => new Date()))().toISOString());
  return { documentId: request.documentId, objectVersions, resultObjects, pages };
}
