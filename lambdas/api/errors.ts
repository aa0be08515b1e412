/**
 * The API's one error shape, `{ "error": { "code", "message" } }`, for the handlers' answers
 * and for API Gateway's own (gateway responses), with the codes both use.
 */

/** An answer other than success, raised anywhere in an operation and rendered in one place. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);

/** Missing, someone else's, deleted or malformed: all answer alike, so ids cannot be probed. */
export const documentNotFound = () => new ApiError(404, 'NOT_FOUND', 'No such document.');

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/**
 * API Gateway's own error answers, rendered in the same shape. `statusCode` absent keeps the
 * gateway's status (the DEFAULT_ types cover several). Static messages keep local and deployed
 * answers identical; the DEFAULT_ types pass the gateway's message through.
 */
export interface GatewayResponseDefinition {
  readonly type:
    | 'DEFAULT_4XX'
    | 'DEFAULT_5XX'
    | 'UNAUTHORIZED'
    | 'ACCESS_DENIED'
    | 'MISSING_AUTHENTICATION_TOKEN'
    | 'BAD_REQUEST_BODY'
    | 'BAD_REQUEST_PARAMETERS'
    | 'REQUEST_TOO_LARGE'
    | 'THROTTLED'
    | 'QUOTA_EXCEEDED'
    | 'INVALID_API_KEY';
  readonly statusCode?: number;
  readonly code: string;
  /** Absent: the gateway's own message (`$context.error.messageString`). */
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export const GATEWAY_RESPONSES: readonly GatewayResponseDefinition[] = [
  { type: 'DEFAULT_4XX', code: 'BAD_REQUEST' },
  { type: 'DEFAULT_5XX', code: 'INTERNAL' },
  {
    type: 'UNAUTHORIZED',
    statusCode: 401,
    code: 'UNAUTHORIZED',
    message: 'A valid access token for this API is required.',
    headers: { 'WWW-Authenticate': 'Bearer' },
  },
  { type: 'ACCESS_DENIED', statusCode: 403, code: 'FORBIDDEN', message: 'Access denied.' },
  // API Gateway answers an unknown route (or method) this way; to a client it is simply not found.
  { type: 'MISSING_AUTHENTICATION_TOKEN', statusCode: 404, code: 'NOT_FOUND', message: 'No such route.' },
  {
    type: 'BAD_REQUEST_BODY',
    statusCode: 400,
    code: 'INVALID_REQUEST_BODY',
    message: 'The request body is not valid JSON or does not match the schema (unknown fields are rejected).',
  },
  { type: 'BAD_REQUEST_PARAMETERS', statusCode: 400, code: 'INVALID_REQUEST_PARAMETERS', message: 'Required request parameters are missing.' },
  {
    type: 'REQUEST_TOO_LARGE',
    statusCode: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The request is too large; upload large files with POST /v1/uploads.',
  },
  {
    type: 'THROTTLED',
    statusCode: 429,
    code: 'THROTTLED',
    message: 'Too many requests; slow down.',
    headers: { 'Retry-After': '1' },
  },
  {
    type: 'QUOTA_EXCEEDED',
    statusCode: 429,
    code: 'API_KEY_QUOTA_EXCEEDED',
    message: "The API key's quota is used up.",
    headers: { 'Retry-After': '3600' },
  },
  { type: 'INVALID_API_KEY', statusCode: 403, code: 'INVALID_API_KEY', message: 'A valid API key is required.' },
];

export function gatewayResponse(type: GatewayResponseDefinition['type']): GatewayResponseDefinition {
  const found = GATEWAY_RESPONSES.find((response) => response.type === type);
  if (!found) throw new Error(`No gateway response ${type}`);
  return found;
}
