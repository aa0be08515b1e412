/**
 * The API's request and response bodies as zod schemas: the handlers parse requests with them,
 * the gateway's request models and the OpenAPI document are generated from them, and the
 * end-to-end tests check every response against them.
 */
import { z } from 'zod';
import { DOCUMENT_SOURCES, DOCUMENT_STATUSES, FAILURE_CODES, LANES } from '../shared/contract.js';
import { DEFAULT_MOVE_RATE, MAX_MOVE_RATE, REDRIVE_STRATEGIES, type RedriveStrategy } from '../shared/dead-letter-redrive.js';
import { isUsageDay } from '../shared/usage.js';
import type { RequestModelName } from './routes.js';
import { CreateWebhookRequest } from './webhook-schemas.js';

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

/** Which priority lane an upload is extracted in. */
export const UploadLane = z
  .enum(LANES)
  .describe('Priority lane: `interactive` (the default) for someone waiting; `bulk` for loads that may wait behind interactive uploads');

export const CreateUploadRequest = z
  .strictObject({
    filename: z.string().min(1).max(MAX_FILENAME_INPUT_LENGTH).describe('Name of the file, for display; never part of the key'),
    size: z.number().int().min(1).describe('Size of the file in bytes'),
    lane: UploadLane.optional(),
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
  lane: z.enum(LANES).describe('The priority lane it is extracted in'),
  filename: z.string().optional(),
  size: z.number().int().nonnegative().optional().describe('Bytes of the original'),
  sha256: z.string().optional().describe('SHA-256 of the original, hex'),
  pageCount: z.number().int().nonnegative().optional(),
  ocrPages: z.number().int().nonnegative().optional().describe('Pages whose text came from OCR'),
  reusedFrom: DocumentId.optional().describe("Completed from this identical earlier document of the same owner, without extraction; the results are the document's own copy"),
  extractorVersion: z.string().optional().describe('Version of the extractor that produced the results'),
  settingsDigest: z.string().optional().describe("Digest of the extractor's output settings the results were produced with"),
  error: DocumentError.optional().describe('Why a FAILED document failed'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  sourceKey: z.string().optional().describe('Drop-folder documents: the object key'),
  uploadExpiresAt: z.iso.datetime().optional().describe('UPLOADING documents: when the upload URL expires'),
  progress: z
    .strictObject({
      pagesDone: z.number().int().nonnegative(),
      pageCount: z.number().int().nonnegative(),
      shards: z.number().int().min(1).describe('Page-range shards the document is read in, in parallel'),
      shardsDone: z.number().int().nonnegative(),
    })
    .optional()
    .describe('PROCESSING documents read in shards: how far extraction has come'),
};

export const DocumentSummary = z.strictObject(documentFields);

export const DocumentResponse = z
  .strictObject({ ...documentFields, metadata: DocumentMetadata.optional() });

export const DocumentList = z
  .strictObject({
    documents: z.array(DocumentSummary),
    nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page'),
  });

const TableBox = z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('[left, top, right, bottom] in PDF points, top-left origin');
const TableRefResponse = z.strictObject({ page: z.number().int().min(1), index: z.number().int().nonnegative() });

export const PageTableResponse = z
  .strictObject({
    rows: z.array(z.array(z.string())).describe("The grid of cell texts, row by row; a spanning cell's text in its top-left slot"),
    kind: z.enum(['ruled', 'unruled']).optional().describe('Drawn with rules, or found from the alignment of its words'),
    page: z.number().int().min(1).optional(),
    box: TableBox.optional(),
    cells: z
      .array(
        z.strictObject({
          text: z.string(),
          row: z.number().int().nonnegative(),
          col: z.number().int().nonnegative(),
          rowSpan: z.number().int().min(2).optional(),
          colSpan: z.number().int().min(2).optional(),
          box: TableBox,
        }),
      )
      .optional(),
    headerRows: z.number().int().nonnegative().optional().describe('Leading rows that look like a header'),
    columnEdges: z.array(z.number()).optional(),
    continuesFrom: TableRefResponse.optional().describe('The table this one continues, on the page before'),
    continuedOn: TableRefResponse.optional().describe('The table that continues this one, on the next page'),
    repeatsHeader: z.literal(true).optional(),
  })
  .describe('A table found on a page; tables extracted before the table finder have `rows` only');

export const PageResponse = z
  .strictObject({
    pageNumber: z.number().int().min(1),
    text: z.string().optional().describe('The page text; absent only when `textUrl` is given instead'),
    textUrl: z.url().optional().describe('A short-lived URL of the text, for a page too large to inline'),
    tables: z.array(PageTableResponse).optional(),
    tablesUrl: z.url().optional().describe('A short-lived URL of the tables (JSON), for tables too large to inline'),
    charCount: z.number().int().nonnegative(),
    hasText: z.boolean(),
    needsOcr: z.boolean().describe('The text layer calls for OCR (a scan, a junk OCR layer, a picture beside a few words) and the page was not OCRed (OCR off, past the OCR page budget)'),
    textSource: z.enum(['text-layer', 'ocr']).optional().describe("Where the text comes from: the PDF's text layer or OCR"),
    ocrConfidence: z.number().min(0).max(100).optional().describe('Mean OCR word confidence (OCR pages only)'),
    unreadable: z
      .literal(true)
      .optional()
      .describe('The page could not be read (a broken entry in the PDF): it is empty, and the rest of the document completed'),
  });

const LayoutBox = z
  .tuple([z.number(), z.number(), z.number(), z.number()])
  .describe('[left, top, right, bottom] in PDF points (1/72 in), origin at the top left of the page as displayed, rounded to 0.1');

export const PageLayoutResponse = z
  .strictObject({
    version: z.literal(1),
    pageNumber: z.number().int().min(1),
    width: z.number().nonnegative().describe('Page width as displayed (after its rotation), in points'),
    height: z.number().nonnegative().describe('Page height as displayed, in points'),
    source: z.enum(['text-layer', 'ocr']).describe("Where the words come from: the PDF's text layer or OCR"),
    lines: z
      .array(
        z.strictObject({
          box: LayoutBox,
          words: z.array(
            z.strictObject({
              text: z.string(),
              box: LayoutBox,
              size: z.number().positive().optional().describe('Font size in points'),
              bold: z.literal(true).optional().describe("Set when the word's font is bold"),
              italic: z.literal(true).optional().describe("Set when the word's font is italic"),
              confidence: z.number().min(0).max(100).optional().describe('OCR confidence (OCR words only)'),
            }),
          ),
        }),
      )
      .describe('Lines in reading order; words left to right within a line'),
  })
  .describe("A page's layout: its lines and words with their boxes");

export const TableList = z
  .strictObject({
    tables: z.array(
      PageTableResponse.omit({ continuesFrom: true, continuedOn: true, repeatsHeader: true }).extend({
        index: z.number().int().min(1).describe('Pass as `table` with `format=csv`'),
        pages: z.array(z.number().int().min(1)).describe('Every page the table is on: a table a page break cut is joined into one'),
      }),
    ),
    cellsLeftOut: z.literal(true).optional().describe('Set when the cells (with their boxes) would make the answer too large; `rows` holds every text'),
  })
  .describe("A document's tables in page order");

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
  queues: z.strictObject({
    extraction: QueueDepth.describe("The interactive lane's extraction queue"),
    deadLetter: QueueDepth.describe("The interactive lane's dead-letter queue"),
    bulkExtraction: QueueDepth.optional().describe("The bulk lane's extraction queue"),
    bulkDeadLetter: QueueDepth.optional().describe("The bulk lane's dead-letter queue"),
  }),
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

/**
 * Owner ids become a segment of object keys (`uploads/<ownerId>/…`); Cognito's `sub` is a
 * UUID, and anything that could break out of the segment is refused.
 */
export const OWNER_ID = /^[A-Za-z0-9._@+=:-]{1,128}$/;

/** An owner id (a token's `sub`), as it may appear in a key segment. */
export const OwnerId = z.string().regex(OWNER_ID, 'must be an owner id (a user\'s sub)');

/** Query string of `POST /v1/documents` beside `filename`; unknown parameters are ignored. */
export const UploadDocumentQuery = z.object({ lane: UploadLane.default('interactive') });

/** Query string of `GET /v1/documents`; unknown parameters are ignored, as caches and proxies add some. */
export const ListDocumentsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
  status: z.enum(DOCUMENT_STATUSES).optional(),
  ownerId: OwnerId.optional().describe("Admins: whose documents to list (default: the caller's)"),
});

const isoTime = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

/** Query string of `GET /v1/audit`. */
export const ListAuditQuery = z
  .object({
    documentId: DocumentId.optional(),
    actor: OwnerId.optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from < query.to, {
    message: 'from must be before to',
  });

export const AuditEntry = z.strictObject({
  entryId: z.string(),
  at: z.iso.datetime(),
  actor: z.string().describe("The caller's sub"),
  actorIsAdmin: z.boolean(),
  operation: z.string().describe('The API operation, e.g. deleteDocument'),
  documentId: DocumentId.optional(),
  ownerId: z.string().optional().describe('Whose data it was: the document\'s owner, or the owner whose documents were listed'),
  lanes: z.array(z.enum(LANES)).optional().describe('Redrives: the lanes moved'),
  outcome: z.strictObject({
    status: z.number().int().describe('The HTTP status answered'),
    code: z.string().optional().describe('The error code, for an answer other than success'),
  }),
  requestId: z.string().describe('The request in the access and function logs'),
});

export const AuditList = z.strictObject({
  entries: z.array(AuditEntry),
  nextCursor: z.string().optional().describe('Pass as `cursor` for older entries; absent after the last'),
});

/** Query string of `POST /v1/admin/redrive`. */
export const RedriveQuery = z.object({
  lane: z.enum(LANES).optional().describe('The lane whose dead-letter queue to redrive; default: every lane'),
  maxPerSecond: z.coerce.number().int().min(1).max(MAX_MOVE_RATE).default(DEFAULT_MOVE_RATE),
});

export const RedriveAccepted = z.strictObject({
  lanes: z.array(
    z.strictObject({
      lane: z.enum(LANES),
      strategy: z.enum(REDRIVE_STRATEGIES as [RedriveStrategy, ...RedriveStrategy[]]),
      waiting: count.describe('Messages in the dead-letter queue when the redrive started'),
      moved: count.describe('Messages this request moved (a move task reports its progress in SQS instead)'),
      taskHandle: z.string().optional().describe('The SQS message move task, when SQS moves the messages'),
      more: z.boolean().describe('Messages are left that this request did not move: call again'),
    }),
  ),
});

/** Query string of `GET /v1/documents/{id}/pages`. */
/** `GET /v1/documents/{id}/tables`: every table as JSON, or one (`table`, from 1) as CSV. */
export const TablesQuery = z
  .object({
    format: z.enum(['json', 'csv']).default('json'),
    table: z.coerce.number().int().min(1).max(1_000_000).optional(),
  })
  .refine((query) => query.format !== 'csv' || query.table !== undefined, { message: 'format=csv needs table=<number>', path: ['table'] });

/** `{n}` of `/pages/{n}/layout`: a page number. */
export const PageNumberParameter = z.coerce.number().int().min(1).max(1_000_000);

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
  CreateWebhookRequest,
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

const usageDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day written yyyy-mm-dd')
  .refine((day) => isUsageDay(day), 'must be a day of the calendar');

/** Days `GET /v1/usage` answers for at most: a year and a day, so a leap year fits. */
export const MAX_USAGE_DAYS = 366;

/** Query string of `GET /v1/usage`; `from` and `to` are UTC days, both included. */
export const UsageQuery = z
  .object({
    from: usageDay.optional().describe('First day (UTC, yyyy-mm-dd); default: the first of the current month'),
    to: usageDay.optional().describe('Last day, included (UTC, yyyy-mm-dd); default: today'),
    ownerId: OwnerId.optional().describe("Admins: whose usage (default: the caller's)"),
  });

const usageFigures = {
  documentsCompleted: count.describe('Documents that completed (reused ones included)'),
  documentsFailed: count,
  documentsReused: count.describe('Completed from an identical earlier document of the same owner, without extraction'),
  pages: count.describe('Pages extracted (reused documents add none)'),
  ocrPages: z.record(z.string(), z.number().nonnegative()).describe('OCR pages by engine'),
  textractPages: z.number().nonnegative().describe('OCR pages billed by Textract'),
  extractionMs: z.number().nonnegative().describe('Milliseconds the extraction function spent'),
  gbSeconds: z.number().nonnegative().describe('Extraction milliseconds × the function memory (GB) / 1000'),
  sourceBytes: z.number().nonnegative().describe('Bytes of PDFs stored'),
  resultBytes: z.number().nonnegative().describe('Bytes of results written to S3'),
  s3Writes: z.number().nonnegative(),
  dynamoDbWrites: z.number().nonnegative().describe('DynamoDB write request units'),
};

export const UsageFigures = z.strictObject(usageFigures);
export const DailyUsage = z.strictObject({ day: z.string().describe('UTC, yyyy-mm-dd'), ...usageFigures });

export const CostLine = z.strictObject({
  service: z.string(),
  item: z.string(),
  quantity: z.number(),
  unit: z.string(),
  usd: z.number(),
});

export const UsageResponse = z.strictObject({
  ownerId: z.string(),
  from: z.string(),
  to: z.string(),
  days: z.array(DailyUsage).describe('Days with any usage, oldest first'),
  total: UsageFigures,
  estimatedCost: z
    .strictObject({
      currency: z.literal('USD'),
      region: z.string(),
      total: z.number(),
      lines: z.array(CostLine),
      basis: z.string().describe('What the estimate includes and assumes'),
    })
    .nullable()
    .describe("Public on-demand list prices of the deployment's region; null when none are kept for it"),
});
