/**
 * Restoring one document whose record or pages were lost or damaged, from its original in the
 * bucket: the record is written again as `QUEUED` (a new generation when one was stored), its
 * pages are cleared, and a notification for the original goes to its lane's extraction queue,
 * so the extractor rebuilds record and pages by the usual rules.
 *
 * The original is found from the record when it still names one, else by the document id alone:
 * an API upload's key carries the id; a drop-folder document's id is derived from bucket, key
 * and version id, so each `incoming/` version is tried. On a versioned bucket a deleted original
 * is read from its newest noncurrent version; without versioning (the local emulator) only the
 * current object can be used.
 */
import {
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deriveDocumentId } from '../../lambdas/extract/document-id.js';
import { DOCUMENT_STATUSES, KEY_PREFIXES, type DocumentSource, type Lane } from '../../lambdas/shared/contract.js';
import { hasExpired, type DocumentRecord } from '../../lambdas/shared/document-model.js';
import type { DocumentStore } from '../../lambdas/shared/document-store.js';
import type { PageStore } from '../../lambdas/shared/page-store.js';
import { classifyObjectKey, laneOfKey } from '../../lambdas/shared/s3-keys.js';
import { objectCreatedMessage } from '../../lambdas/shared/s3-notification.js';

/** `configurationId` of the notifications a restore sends, so they can be told from S3's own. */
export const RESTORE_CONFIGURATION_ID = 'pdf-pipeline-restore';

/**
 * The sequencer a restored record and its notification carry when the record named none: the
 * lowest there is, so any genuine later event for the object counts as newer.
 */
const RESTORE_SEQUENCER = '0';

export interface RestoreDependencies {
  readonly documents: Pick<DocumentStore, 'get' | 'expiryFor' | 'replace'>;
  readonly pages: Pick<PageStore, 'deletePages'>;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  /** The document bucket. */
  readonly bucketName: string;
  /** Each lane's extraction queue. */
  readonly queueUrls: Readonly<Record<Lane, string>>;
  readonly now: () => Date;
}

/** The version of the original a restore extracts. */
export interface RestoredOriginal {
  readonly key: string;
  readonly versionId?: string;
  readonly size: number;
  readonly lastModified: Date;
  /** The current object was deleted: this is the newest version before that. */
  readonly noncurrent: boolean;
}

export type RestoreOutcome =
  | { readonly kind: 'queued'; readonly documentId: string; readonly generation: number; readonly lane: Lane; readonly original: RestoredOriginal }
  /** No original left in the bucket to restore from. */
  | { readonly kind: 'no-original' }
  /** The owner deleted it: a restore never undoes a deletion. */
  | { readonly kind: 'deleted' }
  /** Its retention has passed. */
  | { readonly kind: 'expired' }
  /** A sound record on its way (UPLOADING, QUEUED, PROCESSING): nothing to restore yet. */
  | { readonly kind: 'busy'; readonly status: string }
  /** The record changed while the restore was writing it; run it again. */
  | { readonly kind: 'changed' };

export async function restoreDocument(documentId: string, deps: RestoreDependencies): Promise<RestoreOutcome> {
  const stored = await deps.documents.get(documentId, { includeExpired: true });
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  if (stored?.deletedAt !== undefined) return { kind: 'deleted' };
  if (stored && hasExpired(stored.expiresAt, nowSeconds)) return { kind: 'expired' };
  if (stored && isSound(stored) && !['COMPLETED', 'FAILED'].includes(stored.status)) return { kind: 'busy', status: stored.status };

  const original = await findOriginal(documentId, stored, deps);
  if (!original) return { kind: 'no-original' };
  const keyKind = classifyObjectKey(original.key);
  const lane = laneOfKey(original.key);
  if ((keyKind.kind !== 'upload' && keyKind.kind !== 'drop-folder') || lane === undefined) return { kind: 'no-original' };

  const now = deps.now().toISOString();
  const generation = typeof stored?.generation === 'number' ? stored.generation + 1 : 1;
  const source: DocumentSource = keyKind.kind === 'upload' ? (stored?.source ?? 'api') : 'drop-folder';
  const record: DocumentRecord = {
    documentId,
    ownerId: keyKind.ownerId,
    status: 'QUEUED',
    source,
    ...(keyKind.kind === 'drop-folder' ? { filename: keyKind.filename, sourceKey: original.key } : { filename: stored?.filename }),
    lane,
    bucket: deps.bucketName,
    objectKey: original.key,
    versionId: original.versionId,
    sequencer: stored?.sequencer ?? RESTORE_SEQUENCER,
    size: original.size,
    generation,
    attempts: 0,
    // Kept from the record when it has them; else the original's upload time stands for its creation.
    createdAt: stored?.createdAt ?? original.lastModified.toISOString(),
    updatedAt: now,
    expiresAt: stored?.expiresAt ?? deps.documents.expiryFor(stored?.createdAt ?? original.lastModified.toISOString()),
  };
  if (hasExpired(record.expiresAt, nowSeconds)) return { kind: 'expired' };

  // Pages of any earlier generation go first: a record written from scratch starts at generation 1 again.
  await deps.pages.deletePages(documentId);
  if (!(await deps.documents.replace(withoutUndefined(record), stored && { generation: stored.generation }))) return { kind: 'changed' };

  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.queueUrls[lane],
      MessageBody: objectCreatedMessage(
        { bucket: deps.bucketName, key: original.key, size: original.size, versionId: original.versionId, sequencer: record.sequencer! },
        { configurationId: RESTORE_CONFIGURATION_ID, eventTime: deps.now() },
      ),
    }),
  );
  return { kind: 'queued', documentId, generation, lane, original };
}

/** A record whose status and generation can be trusted; anything else is rebuilt. */
function isSound(record: DocumentRecord): boolean {
  return (DOCUMENT_STATUSES as readonly unknown[]).includes(record.status) && Number.isInteger(record.generation);
}

/** The version of the document's original to extract, or none. */
async function findOriginal(documentId: string, stored: DocumentRecord | undefined, deps: RestoreDependencies): Promise<RestoredOriginal | undefined> {
  if (stored?.objectKey && stored.bucket === deps.bucketName) {
    const found = await newestVersion(deps, stored.objectKey, stored.source === 'drop-folder' ? stored.versionId : undefined);
    if (found) return found;
  }
  for (const prefix of [KEY_PREFIXES.uploads, KEY_PREFIXES.bulkUploads]) {
    for (const key of await keysUnder(deps, prefix, (key) => key.endsWith(`/${documentId}.pdf`))) {
      const found = await newestVersion(deps, key);
      if (found) return found;
    }
  }
  return dropFolderOriginal(documentId, deps);
}

/**
 * The version to read of a key: the one named, else the current one, else (deleted) the newest
 * noncurrent one. Without versioning, the current object.
 */
async function newestVersion(deps: RestoreDependencies, key: string, versionId?: string): Promise<RestoredOriginal | undefined> {
  const versions = await versionsOf(deps, key);
  if (versions.length === 0) return currentObject(deps, key);
  if (versionId !== undefined) {
    const named = versions.find((version) => version.versionId === versionId && !version.deleteMarker);
    return named && { key, versionId, size: named.size, lastModified: named.lastModified, noncurrent: !named.isLatest };
  }
  // Newest first, as S3 lists a key's versions; a delete marker on top means the current object was deleted.
  const newest = versions.find((version) => !version.deleteMarker);
  if (!newest) return undefined;
  return { key, versionId: newest.versionId, size: newest.size, lastModified: newest.lastModified, noncurrent: !newest.isLatest };
}

interface ListedVersion {
  readonly versionId?: string;
  readonly size: number;
  readonly lastModified: Date;
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
}

/** Every version and delete marker of exactly this key, newest first. */
async function versionsOf(deps: RestoreDependencies, key: string): Promise<ListedVersion[]> {
  const listed: ListedVersion[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await deps.s3.send(
      new ListObjectVersionsCommand({ Bucket: deps.bucketName, Prefix: key, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
    );
    for (const version of page.Versions ?? []) {
      if (version.Key !== key) continue;
      listed.push({
        versionId: version.VersionId,
        size: version.Size ?? 0,
        lastModified: version.LastModified ?? new Date(0),
        isLatest: version.IsLatest === true,
        deleteMarker: false,
      });
    }
    for (const marker of page.DeleteMarkers ?? []) {
      if (marker.Key !== key) continue;
      listed.push({ versionId: marker.VersionId, size: 0, lastModified: marker.LastModified ?? new Date(0), isLatest: marker.IsLatest === true, deleteMarker: true });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  return listed.sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || Number(b.isLatest) - Number(a.isLatest));
}

async function currentObject(deps: RestoreDependencies, key: string): Promise<RestoredOriginal | undefined> {
  try {
    const head = await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucketName, Key: key }));
    return { key, versionId: head.VersionId, size: head.ContentLength ?? 0, lastModified: head.LastModified ?? new Date(0), noncurrent: false };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NotFound' || name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Current keys under a prefix that pass `wanted` (the versions listing adds deleted ones on AWS). */
async function keysUnder(deps: RestoreDependencies, prefix: string, wanted: (key: string) => boolean): Promise<string[]> {
  const keys = new Set<string>();
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await deps.s3.send(
      new ListObjectVersionsCommand({ Bucket: deps.bucketName, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
    );
    for (const entry of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) if (entry.Key && wanted(entry.Key)) keys.add(entry.Key);
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  let continuationToken: string | undefined;
  do {
    const page = await deps.s3.send(new ListObjectsV2Command({ Bucket: deps.bucketName, Prefix: prefix, ContinuationToken: continuationToken }));
    for (const object of page.Contents ?? []) if (object.Key && wanted(object.Key)) keys.add(object.Key);
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
  return [...keys];
}

/** The drop-folder version whose derived id is this document's, if one is still in the bucket. */
async function dropFolderOriginal(documentId: string, deps: RestoreDependencies): Promise<RestoredOriginal | undefined> {
  const candidates = await keysUnder(deps, KEY_PREFIXES.incoming, (key) => !key.endsWith('/'));
  for (const key of candidates) {
    const versions = await versionsOf(deps, key);
    if (versions.length === 0) {
      if (deriveDocumentId(deps.bucketName, key, undefined) === documentId) return currentObject(deps, key);
      continue;
    }
    const match = versions.find((version) => !version.deleteMarker && deriveDocumentId(deps.bucketName, key, version.versionId) === documentId);
    if (match) return { key, versionId: match.versionId, size: match.size, lastModified: match.lastModified, noncurrent: !match.isLatest };
  }
  return undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
