/**
 * The API's request and response bodies as zod schemas: the handlers parse requests with them,
 * the gateway's request models and the OpenAPI document are generated from them, and the
 * end-to-end tests check every response against them.
 */
import { z } from 'zod';
import { DOCUMENT_SOURCES, DOCUMENT_STATUSES, FAILURE_CODES } from '../shared/contract.js';
import type { RequestModelName } from './routes.js';

/** Longest filename accepted in a request, in characters (it is shortened to 255 UTF-8 bytes). */
export const MAX_FILENAME_INPUT_LENGTH = 1024;

export const ErrorResponse = z
  .strictObject({
    error: z.strictObject({
      code: z.string().describe('Stable, machine-readable error code, e.g. NOT_FOUND'),
      message: z.string().describe('What went wrong, for people'),
    }),
  });

export const HealthResponse = z.strictObject({ status: z.literal('ok') });

export const DocumentId = z.uuid().describe('Document id (a UUID)');

export const DirectUploadAccepted = z
  .strictObject({ documentId: DocumentId, status: z.literal('QUEUED') });

export const CreateUploadRequest = z
  .strictObject({
    filename: z.string().min(1).max(MAX_FILENAME_INPUT_LENGTH).describe('Name of the file, for display; never part of the key'),
    size: z.number().int().min(1).describe('Size of the file in bytes'),
  });
export type CreateUploadRequest = z.infer<typeof CreateUploadRequest>;

export const UploadCreated = z
  .strictObject({
    documentId: DocumentId,
    upload: z.strictObject({
      url: z.url().describe('Where to POST the multipart/form-data form'),
      fields: z.record(z.string(), z.string()).describe('Form fields to send, in any order, before the `file` field'),
    }),
    expiresAt: z.iso.datetime().describe('The upload must start before this time'),
  });

export const DocumentError = z.strictObject({ code: z.enum(FAILURE_CODES), message: z.string() });

export const OutlineEntry: z.ZodType<{ title: string; items?: { title: string }[] }> = z.lazy(() =>
  z.strictObject({ title: z.string(), items: z.array(OutlineEntry).optional() }),
);

export const DocumentMetadata = z
  .strictObject({
    title: z.string().optional(),
    author: z.string().optional(),
    subject: z.string().optional(),
    keywords: z.string().optional(),
    creator: z.string().optional(),
    producer: z.string().optional(),
    creationDate: z.string().optional(),
    modificationDate: z.string().optional(),
    pdfVersion: z.string().optional(),
    language: z.string().optional(),
    encrypted: z.boolean().optional(),
    scripts: z.array(z.string()).optional(),
    xmp: z.record(z.string(), z.string()).optional(),
    outline: z.array(OutlineEntry).optional(),
    formFields: z.array(z.strictObject({ name: z.string(), type: z.string(), value: z.string() })).optional(),
  });

const documentFields = {
  documentId: DocumentId,
  status: z.enum(DOCUMENT_STATUSES),
  source: z.enum(DOCUMENT_SOURCES),
  filename: z.string().optional(),
  size: z.number().int().nonnegative().optional().describe('Bytes of the original'),
  sha256: z.string().optional().describe('SHA-256 of the original, hex'),
  pageCount: z.number().int().nonnegative().optional(),
  error: DocumentError.optional().describe('Why a FAILED document failed'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  sourceKey: z.string().optional().describe('Drop-folder documents: the object key'),
  uploadExpiresAt: z.iso.datetime().optional().describe('UPLOADING documents: when the upload URL expires'),
};

export const DocumentSummary = z.strictObject(documentFields);

export const DocumentResponse = z
  .strictObject({ ...documentFields, metadata: DocumentMetadata.optional() });

export const DocumentList = z
  .strictObject({
    documents: z.array(DocumentSummary),
    nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page'),
  });

export const PageResponse = z
  .strictObject({
    pageNumber: z.number().int().min(1),
    text: z.string().optional().describe('The page text; absent only when `textUrl` is given instead'),
    textUrl: z.url().optional().describe('A short-lived URL of the text, for a page too large to inline'),
    tables: z.array(z.strictObject({ rows: z.array(z.array(z.string())) })).optional(),
    tablesUrl: z.url().optional().describe('A short-lived URL of the tables (JSON), for tables too large to inline'),
    charCount: z.number().int().nonnegative(),
    hasText: z.boolean(),
    needsOcr: z.boolean().describe('Too little text for anything but an image: a candidate for OCR'),
  });

export const PageList = z
  .strictObject({
    pages: z.array(PageResponse),
    nextCursor: z.string().optional().describe('Pass as `cursor` for the next pages; absent after the last page'),
  });

export const DeleteAccepted = z
  .strictObject({ documentId: DocumentId, deletedAt: z.iso.datetime() });

export const ReprocessAccepted = z.strictObject({
  documentId: DocumentId,
  status: z.literal('QUEUED'),
  generation: z.number().int().min(2).describe('The new generation: bumped by every reprocess'),
});

const count = z.number().int().nonnegative();

export const QueueDepth = z.strictObject({
  visible: count.describe('Messages waiting to be received'),
  inFlight: count.describe('Received and not yet deleted (being processed, or waiting out a visibility timeout)'),
  delayed: count,
});

export const HealthDetailResponse = z.strictObject({
  status: z.literal('ok'),
  checkedAt: z.iso.datetime(),
  queues: z.strictObject({ extraction: QueueDepth, deadLetter: QueueDepth }),
  documents: z.strictObject({
    total: count.describe('Documents counted, deleted ones apart'),
    byStatus: z.record(z.enum(DOCUMENT_STATUSES), count),
    failedByCode: z.record(z.string(), count).describe('FAILED documents by error code'),
    deleted: count.describe('Tombstones of deleted documents'),
    oldestQueuedAgeSeconds: count
      .optional()
      .describe('How long the oldest QUEUED document has waited for the extractor; absent when none waits'),
    complete: z.boolean().describe('false when counting stopped at its budget (a large table): the counts are a lower bound'),
  }),
});

/** Query string of `GET /v1/documents`; unknown parameters are ignored, as caches and proxies add some. */
export const ListDocumentsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
  status: z.enum(DOCUMENT_STATUSES).optional(),
});

/** Query string of `GET /v1/documents/{id}/pages`. */
export const ListPagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

/** `Idempotency-Key`: printable ASCII, as the IETF draft and common practice use it. */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** The JSON bodies the gateway validates, by model name. */
export const REQUEST_MODELS: Readonly<Record<RequestModelName, z.ZodType>> = {
  CreateUploadRequest,
};

/** Describes the first problems zod found, for an error message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** A request model for API Gateway: JSON Schema draft 4, the version its models use. */
export function requestModelSchema(name: RequestModelName): Record<string, unknown> {
  return z.toJSONSchema(REQUEST_MODELS[name], { target: 'draft-04' }) as Record<string, unknown>;
}
