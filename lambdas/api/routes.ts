/**
 * The API's routes, as data: the CDK construct builds its resources and methods from this table,
 * the local gateway routes requests with it, the router dispatches on it and the OpenAPI
 * document is generated from it, so the four cannot drift apart.
 *
 * Plain data with no runtime dependencies: infrastructure code imports it too.
 */

/** The stage the API is deployed to; `ApiUrl` ends with it and every route starts with `/v1`. */
export const API_STAGE_NAME = 'api';

/** Identifier of the Cognito resource server; scopes are `<identifier>/<scope>`. */
export const RESOURCE_SERVER_IDENTIFIER = 'pdf-pipeline';

/** OAuth scopes of the API, short names. */
export const API_SCOPES = {
  read: 'documents.read',
  write: 'documents.write',
} as const;
export type ApiScope = (typeof API_SCOPES)[keyof typeof API_SCOPES];

/** The full scope name an access token carries, e.g. `pdf-pipeline/documents.read`. */
export const fullScope = (scope: ApiScope): string => `${RESOURCE_SERVER_IDENTIFIER}/${scope}`;

/** Every full scope of the API: the gateway accepts a token that has any of them. */
export const ALL_FULL_SCOPES: readonly string[] = Object.values(API_SCOPES).map(fullScope);

export type OperationId =
  | 'getHealth'
  | 'getHealthDetail'
  | 'uploadDocument'
  | 'createUpload'
  | 'listDocuments'
  | 'getDocument'
  | 'listDocumentPages'
  | 'getPageLayout'
  | 'listDocumentTables'
  | 'getDocumentMarkdown'
  | 'listDocumentChunks'
  | 'downloadDocumentFile'
  | 'deleteDocument'
  | 'reprocessDocument'
  | 'getUsage'
  | 'listAuditEntries'
  | 'redriveDeadLetters'
  | 'createWebhook'
  | 'listWebhooks'
  | 'deleteWebhook'
  | 'testWebhook'
  | 'listWebhookDeliveries'
  | 'redeliverWebhookMessage'
  | 'rotateWebhookSecret'
  | 'enableWebhook';

/** Models the gateway validates JSON request bodies against (see `schemas.ts`). */
export type RequestModelName = 'CreateUploadRequest' | 'CreateWebhookRequest';

export interface RouteDefinition {
  readonly operationId: OperationId;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Resource path as API Gateway writes it, e.g. `/v1/documents/{id}`. */
  readonly path: string;
  readonly summary: string;
  /**
   * Scope the handler requires of the caller. Absent: a public route with no authorizer.
   * The gateway lets any access token of the API through (any of its scopes); the handler then
   * answers 403 when the token lacks this one.
   */
  readonly scope?: ApiScope;
  /** JSON body the gateway validates (`application/json` only). */
  readonly requestModel?: RequestModelName;
  /** The body is the raw upload (a binary media type), passed to the function base64-encoded. */
  readonly binaryBody?: boolean;
  /** Query string parameters the route reads (all optional). */
  readonly queryParameters?: readonly string[];
  /** Request headers the route reads (all optional), beside `Authorization`. */
  readonly headerParameters?: readonly string[];
  /** Request headers the gateway requires (400 `INVALID_REQUEST_PARAMETERS` when missing). */
  readonly requiredHeaders?: readonly string[];
  /** Only members of the admin group may call it; anyone else gets 403. */
  readonly admin?: boolean;
  /**
   * When a call is recorded in the audit trail: `always` (every outcome, once the caller is
   * known), or `other-owner` (when the caller touched data of an owner other than itself,
   * which only an admin can). @default never
   */
  readonly audit?: 'always' | 'other-owner';
}

export const ROUTES = [
  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/v1/health',
    summary: 'Checks the table, bucket and queue within 2 seconds',
  },
  {
    operationId: 'getHealthDetail',
    method: 'GET',
    path: '/v1/health/detail',
    summary: 'Queue and dead-letter queue depth, documents by status and error code, oldest queued document (admins)',
    scope: API_SCOPES.read,
    admin: true,
  },
  {
    operationId: 'uploadDocument',
    method: 'POST',
    path: '/v1/documents',
    summary: 'Uploads a PDF in the request body (up to the direct upload limit)',
    scope: API_SCOPES.write,
    binaryBody: true,
    queryParameters: ['filename', 'lane'],
    headerParameters: ['Idempotency-Key'],
    requiredHeaders: ['Content-Type'],
    audit: 'always',
  },
  {
    operationId: 'listDocuments',
    method: 'GET',
    path: '/v1/documents',
    summary: "Lists the caller's documents (an admin: any owner's, with `ownerId`), newest first",
    scope: API_SCOPES.read,
    queryParameters: ['limit', 'cursor', 'status', 'ownerId'],
    audit: 'other-owner',
  },
  {
    operationId: 'createUpload',
    method: 'POST',
    path: '/v1/uploads',
    summary: 'Creates a presigned S3 POST for a large upload',
    scope: API_SCOPES.write,
    requestModel: 'CreateUploadRequest',
    headerParameters: ['Idempotency-Key'],
    requiredHeaders: ['Content-Type'],
    audit: 'always',
  },
  {
    operationId: 'getDocument',
    method: 'GET',
    path: '/v1/documents/{id}',
    summary: "A document's record",
    scope: API_SCOPES.read,
    audit: 'other-owner',
  },
  {
    operationId: 'deleteDocument',
    method: 'DELETE',
    path: '/v1/documents/{id}',
    summary: 'Deletes a document at once and purges its objects and pages in the background',
    scope: API_SCOPES.write,
    audit: 'always',
  },
  {
    operationId: 'listDocumentPages',
    method: 'GET',
    path: '/v1/documents/{id}/pages',
    summary: "A document's extracted pages, in order",
    scope: API_SCOPES.read,
    queryParameters: ['limit', 'cursor'],
    audit: 'other-owner',
  },
  {
    operationId: 'getPageLayout',
    method: 'GET',
    path: '/v1/documents/{id}/pages/{n}/layout',
    summary: "A page's layout: its lines and words with their boxes (a 303 to a short-lived URL when too large to inline)",
    scope: API_SCOPES.read,
    audit: 'other-owner',
  },
  {
    operationId: 'listDocumentTables',
    method: 'GET',
    path: '/v1/documents/{id}/tables',
    summary: 'Every table of the document in page order, tables cut by a page break joined; `?format=csv&table=N` one table as CSV',
    scope: API_SCOPES.read,
    queryParameters: ['format', 'table'],
    audit: 'other-owner',
  },
  {
    operationId: 'getDocumentMarkdown',
    method: 'GET',
    path: '/v1/documents/{id}/markdown',
    summary: 'The document as Markdown (`text/markdown`): headings, paragraphs, lists and tables in reading order, a comment at each page break',
    scope: API_SCOPES.read,
    audit: 'other-owner',
  },
  {
    operationId: 'listDocumentChunks',
    method: 'GET',
    path: '/v1/documents/{id}/chunks',
    summary: "The document's retrieval chunks in order, each with its heading path, pages and boxes",
    scope: API_SCOPES.read,
    queryParameters: ['limit', 'cursor'],
    audit: 'other-owner',
  },
  {
    operationId: 'downloadDocumentFile',
    method: 'GET',
    path: '/v1/documents/{id}/file',
    summary: 'Redirects (303) to a short-lived download URL of the original PDF',
    scope: API_SCOPES.read,
    audit: 'other-owner',
  },
  {
    operationId: 'reprocessDocument',
    method: 'POST',
    path: '/v1/documents/{id}/reprocess',
    summary: 'Extracts a COMPLETED or FAILED document again, as a new generation, through the extraction queue',
    scope: API_SCOPES.write,
    audit: 'always',
  },
  {
    operationId: 'getUsage',
    method: 'GET',
    path: '/v1/usage',
    summary: "What the caller's documents consumed per UTC day (an admin: any owner's, with `ownerId`), with the estimated cost",
    scope: API_SCOPES.read,
    queryParameters: ['from', 'to', 'ownerId'],
    audit: 'other-owner',
  },
  {
    operationId: 'listAuditEntries',
    method: 'GET',
    path: '/v1/audit',
    summary: 'The audit trail, newest first, by document, actor and time range (admins)',
    scope: API_SCOPES.read,
    admin: true,
    queryParameters: ['documentId', 'actor', 'from', 'to', 'limit', 'cursor'],
    audit: 'always',
  },
  {
    operationId: 'redriveDeadLetters',
    method: 'POST',
    path: '/v1/admin/redrive',
    summary: "Moves the extraction dead-letter queues' messages back to their queues at a bounded rate (admins)",
    scope: API_SCOPES.write,
    admin: true,
    queryParameters: ['lane', 'maxPerSecond'],
    audit: 'always',
  },
  {
    operationId: 'createWebhook',
    method: 'POST',
    path: '/v1/webhooks',
    summary: 'Subscribes an HTTPS endpoint to document events; answers the signing secret, once',
    scope: API_SCOPES.write,
    requestModel: 'CreateWebhookRequest',
    requiredHeaders: ['Content-Type'],
    audit: 'always',
  },
  {
    operationId: 'listWebhooks',
    method: 'GET',
    path: '/v1/webhooks',
    summary: "The caller's webhooks (an admin, with `all=true`: every owner's)",
    scope: API_SCOPES.read,
    queryParameters: ['all', 'limit', 'cursor'],
    audit: 'other-owner',
  },
  {
    operationId: 'deleteWebhook',
    method: 'DELETE',
    path: '/v1/webhooks/{id}',
    summary: 'Deletes a webhook; nothing more is sent to it',
    scope: API_SCOPES.write,
    audit: 'always',
  },
  {
    operationId: 'testWebhook',
    method: 'POST',
    path: '/v1/webhooks/{id}/test',
    summary: 'Sends a signed `webhook.test` message to the webhook',
    scope: API_SCOPES.write,
    audit: 'always',
  },
  {
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/webhooks/{id}/deliveries',
    summary: "A webhook's latest deliveries, newest first, with every attempt's status code",
    scope: API_SCOPES.read,
    queryParameters: ['limit'],
  },
  {
    operationId: 'redeliverWebhookMessage',
    method: 'POST',
    path: '/v1/webhooks/{id}/deliveries/{messageId}/redeliver',
    summary: 'Sends a message again, with the same `webhook-id`, on a fresh retry schedule',
    scope: API_SCOPES.write,
    audit: 'always',
  },
  {
    operationId: 'rotateWebhookSecret',
    method: 'POST',
    path: '/v1/webhooks/{id}/rotate-secret',
    summary: 'Issues a new signing secret; the previous one keeps signing beside it for the overlap period',
    scope: API_SCOPES.write,
    audit: 'always',
  },
  {
    operationId: 'enableWebhook',
    method: 'POST',
    path: '/v1/webhooks/{id}/enable',
    summary: 'Enables a webhook that was disabled after persistent delivery failure',
    scope: API_SCOPES.write,
    audit: 'always',
  },
] as const satisfies readonly RouteDefinition[];

export type Route = (typeof ROUTES)[number];

/** Content types API Gateway passes to the function base64-encoded. */
export const BINARY_MEDIA_TYPES: readonly string[] = ['application/pdf'];

/** Request headers a browser may send cross-origin. */
export const CORS_ALLOWED_HEADERS: readonly string[] = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Api-Key'];

/** Response headers a browser script may read cross-origin. */
export const CORS_EXPOSED_HEADERS: readonly string[] = ['Location', 'Retry-After', 'Idempotent-Replayed'];

/** How long a browser may cache a preflight answer, in seconds. */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * The document bucket's CORS rule for the allowed origins: browsers POST presigned uploads and
 * GET presigned downloads and spilled pages. The stack sets it on the bucket; the local runtime
 * answers it in front of the emulator, which has no CORS of its own.
 */
export const BUCKET_CORS = {
  methods: ['POST', 'GET', 'HEAD'],
  exposedHeaders: ['ETag'],
} as const;

/** The route for a method and resource path (`event.resource`), if the API has one. */
export function findRoute(method: string, resourcePath: string): Route | undefined {
  return ROUTES.find((route) => route.method === method && route.path === resourcePath);
}
