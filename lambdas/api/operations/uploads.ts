/**
 * The two ways a client uploads: the PDF in the request body (small files), or a presigned S3
 * POST (large files). Both write the document record before any object can exist, so the
 * extractor always finds the record it claims, and both leave a pending task that fails the
 * document `UPLOAD_EXPIRED` if no object ever arrives.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createHash } from 'node:crypto';
import type { DocumentSource, Lane } from '../../shared/contract.js';
import type { DocumentRecord } from '../../shared/document-model.js';
import type { PendingTask } from '../../shared/task-store.js';
import { metrics } from '../../shared/powertools.js';
import { API_METRICS } from '../contract.js';
import { METRIC_DIMENSIONS } from '../../shared/metric-names.js';
import { uploadKey } from '../../shared/s3-keys.js';
import type { ApiDependencies } from '../dependencies.js';
import { ApiError, badRequest } from '../errors.js';
import { sanitizeFilename } from '../filename.js';
import { jsonBody, mediaType, type ApiRequest, type ApiResult, type Caller } from '../http.js';
import { PDF_CONTENT_TYPE } from '../object-access.js';
import { CreateUploadRequest, describeIssues, UploadDocumentQuery } from '../schemas.js';
import { consumeUploadQuota, idempotent, noteDocument, requireCaller } from './guards.js';

const PDF_MAGIC = Buffer.from('%PDF-');
/** Readers accept junk before the header within the first kilobyte, as the PDF spec allows (and the extractor does). */
const PDF_HEADER_WINDOW = 1024;

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** `POST /v1/documents`: the body is the PDF; `?lane=bulk` puts it in the bulk lane. */
export async function uploadDocument(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const caller = requireCaller(request);
  const { settings } = deps;
  const bytes = request.body;
  if (bytes.byteLength > settings.maxDirectUploadBytes) {
    throw new ApiError(
      413,
      'PAYLOAD_TOO_LARGE',
      `Direct uploads are limited to ${settings.maxDirectUploadBytes} bytes; upload larger files with POST /v1/uploads.`,
    );
  }
  if (mediaType(request) !== PDF_CONTENT_TYPE) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the PDF as the body with Content-Type: application/pdf.');
  }
  if (bytes.byteLength === 0) throw badRequest('EMPTY_BODY', 'The body is empty; send the PDF as the body.');
  if (!bytes.subarray(0, PDF_HEADER_WINDOW).includes(PDF_MAGIC)) {
    throw new ApiError(415, 'NOT_A_PDF', 'The body is not a PDF (no %PDF- header).');
  }
  const filename = optionalFilename(request.query.filename);
  const query = UploadDocumentQuery.safeParse(request.query);
  if (!query.success) throw badRequest('INVALID_QUERY', `Invalid query: ${describeIssues(query.error)}.`);
  const { lane } = query.data;

  return idempotent(request, deps, sha256(`direct\n${filename ?? ''}\n${lane}\n${sha256(bytes)}`), async (documentId) => {
    noteDocument(request, documentId);
    await consumeUploadQuota(caller, deps);
    const record = newRecord(caller, documentId, { source: 'api', lane, status: 'QUEUED', filename }, deps);
    await createRecord(record, ['QUEUED'], deps);
    await deps.objects.putPdf(record.bucket!, record.objectKey!, bytes);
    metrics.singleMetric().addDimension(METRIC_DIMENSIONS.source, 'api').addMetric(API_METRICS.documentsUploaded, MetricUnit.Count, 1);
    return { statusCode: 202, body: { documentId, status: 'QUEUED' } };
  });
}

/** `POST /v1/uploads`: `{ filename, size, lane? }` → a presigned POST for exactly one PDF. */
export async function createUpload(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const caller = requireCaller(request);
  const { settings } = deps;
  const parsed = CreateUploadRequest.safeParse(jsonBody(request));
  if (!parsed.success) throw badRequest('VALIDATION_FAILED', `Invalid request body: ${describeIssues(parsed.error)}.`);
  const { size, lane = 'interactive' } = parsed.data;
  if (size > settings.maxPresignedUploadBytes) {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `Uploads are limited to ${settings.maxPresignedUploadBytes} bytes.`);
  }
  const filename = sanitizeFilename(parsed.data.filename);
  if (filename === undefined) throw badRequest('INVALID_FILENAME', 'The filename has no usable characters.');

  return idempotent(request, deps, sha256(`presigned\n${filename}\n${size}\n${lane}`), async (documentId) => {
    noteDocument(request, documentId);
    await consumeUploadQuota(caller, deps);
    const record = newRecord(caller, documentId, { source: 'presigned', lane, status: 'UPLOADING', filename }, deps);
    await createRecord(record, ['UPLOADING'], deps);
    const post = await deps.objects.presignedPost({
      bucket: record.bucket!,
      key: record.objectKey!,
      maxBytes: settings.maxPresignedUploadBytes,
      expiresInSeconds: settings.presignedUrlTtlSeconds,
    });
    metrics.singleMetric().addDimension(METRIC_DIMENSIONS.source, 'presigned').addMetric(API_METRICS.documentsUploaded, MetricUnit.Count, 1);
    return {
      statusCode: 201,
      body: { documentId, upload: { url: post.url, fields: post.fields }, expiresAt: record.uploadExpiresAt },
    };
  });
}

/** A `?filename=` the client gave, sanitised; a name with nothing usable left is refused. */
function optionalFilename(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const filename = sanitizeFilename(raw);
  if (filename === undefined) throw badRequest('INVALID_FILENAME', 'The filename has no usable characters.');
  return filename;
}

/** What an upload request decides about its document. */
interface UploadChoice {
  readonly source: DocumentSource;
  /** Picks the key's prefix, and so the queue the object's notification lands on. */
  readonly lane: Lane;
  readonly status: 'QUEUED' | 'UPLOADING';
  readonly filename: string | undefined;
}

function newRecord(caller: Caller, documentId: string, choice: UploadChoice, deps: ApiDependencies): DocumentRecord {
  const now = deps.now();
  return {
    documentId,
    ownerId: caller.ownerId,
    status: choice.status,
    source: choice.source,
    lane: choice.lane,
    filename: choice.filename,
    bucket: deps.settings.bucketName,
    objectKey: uploadKey(caller.ownerId, documentId, choice.lane),
    generation: 1,
    attempts: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    // When the object must have arrived: the presigned URL's expiry. A direct upload writes its
    // object at once; the same window covers a request that died between record and object.
    uploadExpiresAt: new Date(now.getTime() + deps.settings.presignedUrlTtlSeconds * 1000).toISOString(),
  };
}

/**
 * Writes the record with its expiry task. An id can exist already only when an idempotent retry
 * took over an abandoned attempt: then the record must be this caller's and still waiting.
 */
async function createRecord(record: DocumentRecord, waiting: readonly DocumentRecord['status'][], deps: ApiDependencies): Promise<void> {
  const task: PendingTask = {
    kind: 'upload',
    documentId: record.documentId,
    ownerId: record.ownerId,
    bucket: record.bucket,
    objectKey: record.objectKey,
    dueAt: new Date(Date.parse(record.uploadExpiresAt!) + deps.settings.uploadExpiryGraceSeconds * 1000).toISOString(),
  };
  if (await deps.documents.createWithTask(record, task)) return;
  const existing = await deps.documents.get(record.documentId);
  const resumable =
    existing !== undefined &&
    existing.ownerId === record.ownerId &&
    existing.deletedAt === undefined &&
    waiting.includes(existing.status);
  if (!resumable) throw new Error(`Document id ${record.documentId} is already in use`);
}
