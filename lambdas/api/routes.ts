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
  | 'downloadDocumentFile'
  | 'deleteDocument'
  | 'reprocessDocument';

/** Models the gateway validates JSON request bodies against (see `schemas.ts`). */
export type RequestModelName = 'CreateUploadRequest';

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
    summary: 'Queue and dead-letter queue depth, documents by status and error code, oldest queued document',
    scope: API_SCOPES.read,
  },
  {
    operationId: 'uploadDocument',
    method: 'POST',
    path: '/v1/documents',
    summary: 'Uploads a PDF in the request body (up to the direct upload limit)',
    scope: API_SCOPES.write,
    binaryBody: true,
    queryParameters: ['filename'],
    headerParameters: ['Idempotency-Key'],
    requiredHeaders: ['Content-Type'],
  },
  {
    operationId: 'listDocuments',
    method: 'GET',
    path: '/v1/documents',
    summary: "Lists the caller's documents, newest first",
    scope: API_SCOPES.read,
    queryParameters: ['limit', 'cursor', 'status'],
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
  },
  {
    operationId: 'getDocument',
    method: 'GET',
    path: '/v1/documents/{id}',
    summary: "A document's record",
    scope: API_SCOPES.read,
  },
  {
    operationId: 'deleteDocument',
    method: 'DELETE',
    path: '/v1/documents/{id}',
    summary: 'Deletes a document at once and purges its objects and pages in the background',
    scope: API_SCOPES.write,
  },
  {
    operationId: 'listDocumentPages',
    method: 'GET',
    path: '/v1/documents/{id}/pages',
    summary: "A document's extracted pages, in order",
    scope: API_SCOPES.read,
    queryParameters: ['limit', 'cursor'],
  },
  {
    operationId: 'downloadDocumentFile',
    method: 'GET',
    path: '/v1/documents/{id}/file',
    summary: 'Redirects (303) to a short-lived download URL of the original PDF',
    scope: API_SCOPES.read,
  },
  {
    operationId: 'reprocessDocument',
    method: 'POST',
    path: '/v1/documents/{id}/reprocess',
    summary: 'Extracts a COMPLETED or FAILED document again, as a new generation, through the extraction queue',
    scope: API_SCOPES.write,
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

/** The route for a method and resource path (`event.resource`), if the API has one. */
export function findRoute(method: string, resourcePath: string): Route | undefined {
  return ROUTES.find((route) => route.method === method && route.path === resourcePath);
}

/** Distinct resource paths, parents before children. */
export function resourcePaths(): string[] {
  return [...new Set(ROUTES.map((route) => route.path))].sort();
}
