/**
 * The HTTP edge of the API function: what an operation sees of an API Gateway proxy event, and
 * how its answer becomes a proxy result (JSON, CORS, the one error shape).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ApiError, errorBody } from './errors.js';
import { CORS_EXPOSED_HEADERS } from './routes.js';

/** Who is calling: the token's `sub` and its scopes, from the Cognito authorizer's claims. */
export interface Caller {
  readonly ownerId: string;
  readonly scopes: ReadonlySet<string>;
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
}

/** What an operation answers; `body` is sent as JSON. */
export interface ApiResult {
  readonly statusCode: number;
  readonly body?: unknown;
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
  };
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
