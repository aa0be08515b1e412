/**
 * The HTTP edge of the API function: what an operation sees of an API Gateway proxy event, and
 * how its answer becomes a proxy result (JSON, CORS, the one error shape).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ADMIN_GROUP } from '../shared/contract.js';
import { ApiError, errorBody } from './errors.js';
import { CORS_EXPOSED_HEADERS } from './routes.js';
import { OWNER_ID } from './schemas.js';

/** Who is calling: the token's `sub`, scopes and groups, from the Cognito authorizer's claims. */
export interface Caller {
  readonly ownerId: string;
  readonly scopes: ReadonlySet<string>;
  /** The user's Cognito groups (`cognito:groups`). */
  readonly groups: ReadonlySet<string>;
  /** A member of the admin group: may act on any owner's documents and use the admin routes. */
  readonly isAdmin: boolean;
}

/**
 * What an operation tells the audit trail about the data it touched, filled in as it goes (the
 * guards note each document they let the caller see); the router records it with the outcome.
 */
export interface AuditNotes {
  documentId?: string;
  /** Whose data it was: the document's owner, or the owner whose documents were listed. */
  ownerId?: string;
  lanes?: string[];
}

/** A request as an operation sees it: header names lower-cased, body decoded. */
export interface ApiRequest {
  readonly requestId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** The raw body: decoded from base64 for binary media types. */
  readonly body: Buffer;
  /** Set on every route with an authorizer. */
  readonly caller?: Caller;
  readonly audit: AuditNotes;
}

/** What an operation answers; `body` is sent as JSON. */
export interface ApiResult {
  readonly statusCode: number;
  /** JSON, unless `text` is given. */
  readonly body?: unknown;
  /** A body that is not JSON (a CSV download), sent as it is with its own Content-Type header. */
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export function toApiRequest(event: APIGatewayProxyEvent, caller: Caller | undefined): ApiRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  const pathParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined) pathParameters[name] = value;
  }
  const raw = event.body ?? '';
  return {
    requestId: event.requestContext?.requestId ?? 'unknown',
    headers,
    query,
    pathParameters,
    body: event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8'),
    caller,
    audit: {},
  };
}

/**
 * The caller the Cognito authorizer vouched for (it verified the access token and that it
 * carries one of the API's scopes). 401 without a subject, 403 for one unfit for a key segment.
 */
export function callerFromEvent(event: APIGatewayProxyEvent): Caller {
  const claims = (event.requestContext?.authorizer?.claims ?? {}) as Record<string, unknown>;
  const ownerId = claims.sub;
  if (typeof ownerId !== 'string' || ownerId === '') {
    throw new ApiError(401, 'UNAUTHORIZED', 'A valid access token for this API is required.');
  }
  if (!OWNER_ID.test(ownerId)) throw new ApiError(403, 'FORBIDDEN', 'This account cannot use the API.');
  const scopes = new Set(String(claims.scope ?? '').split(' ').filter(Boolean));
  const groups = parseGroups(claims['cognito:groups']);
  return { ownerId, scopes, groups, isAdmin: groups.has(ADMIN_GROUP) };
}

/**
 * `cognito:groups` as the authorizer passes it: a REST API's Cognito authorizer flattens the
 * token's array to `admin,ops`; an HTTP API's JWT authorizer writes `[admin ops]`; a test or
 * another proxy may pass the array itself. Every form gives the same set.
 */
export function parseGroups(claim: unknown): Set<string> {
  if (Array.isArray(claim)) return new Set(claim.filter((group): group is string => typeof group === 'string' && group !== ''));
  if (typeof claim !== 'string') return new Set();
  const text = claim.trim();
  if (text.startsWith('[') && text.includes('"')) {
    try {
      return parseGroups(JSON.parse(text));
    } catch {
      // not JSON after all: split it below
    }
  }
  return new Set(
    text
      .replace(/^\[|\]$/g, '')
      .split(/[\s,]+/)
      .filter(Boolean),
  );
}

/** The media type of a request, lower-cased and without parameters (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(request: ApiRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Parses a JSON request body, answering 415 for another media type and 400 for bad JSON. */
export function jsonBody(request: ApiRequest): unknown {
  if (mediaType(request) !== 'application/json') {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  }
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'INVALID_JSON', 'The request body is not valid JSON.');
  }
}

/**
 * CORS headers for an allowed origin: the origin is echoed (never `*`), with `Vary: Origin` so
 * caches keep answers for different origins apart. Other origins get no CORS headers.
 */
export function corsHeaders(origin: string | undefined, allowedOrigins: readonly string[]): Record<string, string> {
  if (!origin || !allowedOrigins.includes(origin)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': CORS_EXPOSED_HEADERS.join(', '),
    Vary: 'Origin',
  };
}

export function toProxyResult(result: ApiResult, cors: Record<string, string>): APIGatewayProxyResult {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...cors, ...result.headers };
  if (result.text !== undefined) return { statusCode: result.statusCode, headers, body: result.text };
  if (result.body === undefined) return { statusCode: result.statusCode, headers, body: '' };
  return {
    statusCode: result.statusCode,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(result.body),
  };
}

export function errorResult(error: ApiError): ApiResult {
  return { statusCode: error.statusCode, body: errorBody(error.code, error.message), headers: error.headers };
}
