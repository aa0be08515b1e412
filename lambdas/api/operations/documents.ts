/** Reading and deleting documents: the record, the caller's list, the pages, the original, deletion. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DocumentMetadata, DocumentRecord, PageRecord } from '../../shared/document-model.js';
import type { PendingTask } from '../../shared/task-store.js';
import { logger, metrics } from '../../shared/powertools.js';
import { API_METRICS } from '../contract.js';
import { sendPurgeRequest } from '../../shared/purge-request.js';
import { decodeCursor, encodeCursor } from '../../shared/cursor.js';
import type { ApiDependencies } from '../dependencies.js';
import { ApiError, badRequest } from '../errors.js';
import { attachmentDisposition } from '../filename.js';
import type { ApiRequest, ApiResult } from '../http.js';
import { PDF_CONTENT_TYPE } from '../object-access.js';
import { ListDocumentsQuery, ListPagesQuery, describeIssues } from '../schemas.js';
import { listedOwner, visibleDocument } from './guards.js';

/**
 * Pages stop before the JSON passes this size, well under Lambda's 6 MB response limit (the
 * rest of the envelope is a few hundred bytes).
 */
export const PAGES_RESPONSE_BUDGET_BYTES = 4 * 1024 * 1024 - 4 * 1024;
/** When the purge task fires if the purge message was lost. */
const PURGE_SAFETY_NET_MS = 15 * 60 * 1000;

/** `GET /v1/documents/{id}`: the record, with metadata that spilled to S3 read back in. */
export async function getDocument(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const record = await visibleDocument(request, deps);
  let metadata = record.metadata;
  if (metadata === undefined && record.metadataRef) {
    metadata = JSON.parse(await deps.objects.readText(record.metadataRef)) as DocumentMetadata;
  }
  return { statusCode: 200, body: { ...documentSummary(record), ...(metadata ? { metadata } : {}) } };
}

/** `GET /v1/documents`: the caller's documents (an admin's: any owner's, by `ownerId`), newest first. */
export async function listDocuments(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const query = ListDocumentsQuery.safeParse(request.query);
  if (!query.success) throw badRequest('INVALID_QUERY', `Invalid query: ${describeIssues(query.error)}.`);
  const { ownerId: requested, ...options } = query.data;
  const listing = await deps.listing.listByOwner(listedOwner(request, requested), options);
  return {
    statusCode: 200,
    body: {
      documents: listing.items.map(documentSummary),
      ...(listing.nextCursor ? { nextCursor: listing.nextCursor } : {}),
    },
  };
}

/**
 * `GET /v1/documents/{id}/pages`: pages in order, text and tables that spilled to S3 read back
 * in. The answer stops early, with a cursor, before it would pass the response budget; a single
 * page too large for it comes with short-lived URLs of its content instead.
 */
export async function listDocumentPages(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const query = ListPagesQuery.safeParse(request.query);
  if (!query.success) throw badRequest('INVALID_QUERY', `Invalid query: ${describeIssues(query.error)}.`);
  const afterPageNumber = query.data.cursor === undefined ? 0 : decodePageCursor(query.data.cursor);
  const record = await visibleDocument(request, deps);
  if (record.status !== 'COMPLETED') {
    throw new ApiError(409, 'DOCUMENT_NOT_READY', `Pages are available once the document is COMPLETED; it is ${record.status}.`);
  }

  const { pages, hasMore } = await deps.pages.listPages(record.documentId, record.generation, {
    limit: query.data.limit,
    afterPageNumber,
  });
  const views: PageView[] = [];
  let used = 0;
  let cutShort = false;
  for (const page of pages) {
    let view = await inlinePage(page, deps);
    let size = Buffer.byteLength(JSON.stringify(view)) + 1;
    if (used + size > PAGES_RESPONSE_BUDGET_BYTES) {
      if (views.length > 0) {
        cutShort = true;
        break;
      }
      view = await linkedPage(page, deps);
      size = Buffer.byteLength(JSON.stringify(view)) + 1;
    }
    views.push(view);
    used += size;
  }
  const last = views.at(-1);
  const nextCursor = last && (cutShort || hasMore) ? encodePageCursor(last.pageNumber) : undefined;
  return { statusCode: 200, body: { pages: views, ...(nextCursor ? { nextCursor } : {}) } };
}

/** `GET /v1/documents/{id}/file`: 303 to a short-lived presigned GET of the original. */
export async function downloadDocumentFile(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const record = await visibleDocument(request, deps);
  const missing =
    record.status === 'UPLOADING' ||
    !record.bucket ||
    !record.objectKey ||
    (record.status === 'FAILED' && (record.error?.code === 'UPLOAD_EXPIRED' || record.error?.code === 'SOURCE_MISSING'));
  if (missing) {
    throw new ApiError(409, 'FILE_NOT_AVAILABLE', `The original is not available while the document is ${record.status}.`);
  }
  const filename = record.filename ?? `${record.documentId}.pdf`;
  const url = await deps.objects.presignedGet(
    { bucket: record.bucket!, key: record.objectKey!, versionId: record.versionId },
    {
      expiresInSeconds: deps.settings.downloadUrlTtlSeconds,
      contentDisposition: attachmentDisposition(filename),
      contentType: PDF_CONTENT_TYPE,
    },
  );
  return { statusCode: 303, headers: { Location: url } };
}

/**
 * `DELETE /v1/documents/{id}`: the record becomes a tombstone at once (every read answers 404
 * from then on) and a purge removes the original's versions, spilled results and pages. A
 * document being extracted cannot be deleted until it finishes (409), since the extractor's
 * page writes would outlive the purge.
 */
export async function deleteDocument(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  for (let tries = 0; tries < 3; tries += 1) {
    const record = await visibleDocument(request, deps);
    if (record.status === 'PROCESSING') {
      throw new ApiError(409, 'DOCUMENT_BUSY', 'The document is being processed; delete it once it is COMPLETED or FAILED.', {
        'Retry-After': '10',
      });
    }
    const now = deps.now();
    const deletedAt = now.toISOString();
    const purgeTask: PendingTask = {
      kind: 'purge',
      documentId: record.documentId,
      ownerId: record.ownerId,
      bucket: record.bucket,
      objectKey: record.objectKey,
      dueAt: new Date(now.getTime() + PURGE_SAFETY_NET_MS).toISOString(),
    };
    const deleted = await deps.documents.markDeleted(record.documentId, record, {
      deletedAt,
      tombstoneExpiresAt: Math.floor(now.getTime() / 1000) + deps.settings.deletedRetentionSeconds,
      purgeTask,
    });
    if (!deleted) continue; // changed since it was read (say, claimed by the extractor): read again

    try {
      await sendPurgeRequest(deps.sqs, deps.settings.purgeQueueUrl, {
        documentId: record.documentId,
        bucket: record.bucket,
        objectKey: record.objectKey,
      });
    } catch (error) {
      // The purge task written with the tombstone makes the sweeper purge it later instead.
      logger.warn('Could not queue a purge; the sweeper will run it', { documentId: record.documentId, error });
    }
    metrics.addMetric(API_METRICS.documentsDeleted, MetricUnit.Count, 1);
    return { statusCode: 202, body: { documentId: record.documentId, deletedAt } };
  }
  throw new ApiError(409, 'DOCUMENT_CHANGED', 'The document kept changing while it was being deleted; retry.', { 'Retry-After': '1' });
}

/** The fields a client sees of a record (no internal fields such as generation or sequencer). */
export function documentSummary(record: DocumentRecord): Record<string, unknown> {
  return withoutUndefined({
    documentId: record.documentId,
    status: record.status,
    source: record.source,
    lane: record.lane,
    filename: record.filename,
    size: record.size,
    sha256: record.sha256,
    pageCount: record.pageCount,
    ocrPages: record.ocrPages || undefined,
    reusedFrom: record.reusedFrom,
    extractorVersion: record.extractorVersion,
    settingsDigest: record.settingsDigest,
    error: record.error ? { code: record.error.code, message: record.error.message } : undefined,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    sourceKey: record.source === 'drop-folder' ? record.sourceKey : undefined,
    uploadExpiresAt: record.status === 'UPLOADING' ? record.uploadExpiresAt : undefined,
    progress:
      record.status === 'PROCESSING' && record.shardCount !== undefined && record.shardGeneration === record.generation
        ? {
            pagesDone: Math.min(record.pagesDone ?? 0, record.pageCount ?? 0),
            pageCount: record.pageCount ?? 0,
            shards: record.shardCount,
            shardsDone: record.shardsDone ?? 0,
          }
        : undefined,
  });
}

interface PageView {
  readonly pageNumber: number;
  readonly [field: string]: unknown;
}

async function inlinePage(page: PageRecord, deps: ApiDependencies): Promise<PageView> {
  const text = page.text ?? (page.textRef ? await deps.objects.readText(page.textRef) : '');
  const tables = page.tables ?? (page.tablesRef ? (JSON.parse(await deps.objects.readText(page.tablesRef)) as unknown) : undefined);
  return withoutUndefined({
    pageNumber: page.pageNumber,
    text,
    tables,
    charCount: page.charCount,
    hasText: page.hasText,
    needsOcr: page.needsOcr,
    textSource: page.textSource,
    ocrConfidence: page.ocrConfidence,
    unreadable: page.unreadable || undefined,
  }) as PageView;
}

/** A page too large to inline on its own: its spilled content as short-lived URLs. */
async function linkedPage(page: PageRecord, deps: ApiDependencies): Promise<PageView> {
  const link = (pointer: NonNullable<PageRecord['textRef']>) =>
    deps.objects.presignedGet(pointer, { expiresInSeconds: deps.settings.downloadUrlTtlSeconds });
  return withoutUndefined({
    pageNumber: page.pageNumber,
    text: page.textRef ? undefined : page.text,
    textUrl: page.textRef ? await link(page.textRef) : undefined,
    tables: page.tablesRef ? undefined : page.tables,
    tablesUrl: page.tablesRef ? await link(page.tablesRef) : undefined,
    charCount: page.charCount,
    hasText: page.hasText,
    needsOcr: page.needsOcr,
    textSource: page.textSource,
    ocrConfidence: page.ocrConfidence,
    unreadable: page.unreadable || undefined,
  }) as PageView;
}

export function encodePageCursor(afterPageNumber: number): string {
  return encodeCursor({ p: afterPageNumber });
}

export function decodePageCursor(cursor: string): number {
  return decodeCursor(cursor, ({ p }) => (typeof p === 'number' && Number.isInteger(p) && p >= 0 ? p : undefined));
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
