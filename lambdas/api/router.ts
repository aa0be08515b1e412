/**
 * Dispatches an API Gateway proxy event to its operation by the route table, checks the
 * caller's scope, and renders every outcome (success or error) in one place.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidCursorError } from '../shared/document-repository.js';
import { isTransientAwsError } from '../shared/errors.js';
import { logger } from '../shared/powertools.js';
import type { ApiDependencies } from './dependencies.js';
import { ApiError, badRequest } from './errors.js';
import { corsHeaders, errorResult, toApiRequest, toProxyResult, type ApiRequest, type ApiResult, type Caller } from './http.js';
import { deleteDocument, downloadDocumentFile, getDocument, listDocumentPages, listDocuments } from './operations/documents.js';
import { getHealthDetail } from './operations/health-detail.js';
import { getHealth } from './operations/health.js';
import { reprocessDocument } from './operations/reprocess.js';
import { createUpload, uploadDocument } from './operations/uploads.js';
import { findRoute, fullScope, type ApiScope, type OperationId } from './routes.js';

export type Operation = (request: ApiRequest, deps: ApiDependencies) => Promise<ApiResult>;

export const OPERATIONS: Readonly<Record<OperationId, Operation>> = {
  getHealth,
  getHealthDetail,
  uploadDocument,
  createUpload,
  listDocuments,
  getDocument,
  listDocumentPages,
  downloadDocumentFile,
  deleteDocument,
  reprocessDocument,
};

/**
 * Owner ids become a segment of object keys (`uploads/<ownerId>/…`); Cognito's `sub` is a
 * UUID, and anything that could break out of the segment is refused.
 */
const OWNER_ID = /^[A-Za-z0-9._@+=:-]{1,128}$/;

export async function routeEvent(
  event: APIGatewayProxyEvent,
  deps: ApiDependencies,
  operations: Readonly<Record<OperationId, Operation>> = OPERATIONS,
): Promise<APIGatewayProxyResult> {
  const origin = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1];
  let result: ApiResult;
  try {
    const route = findRoute(event.httpMethod, event.resource);
    if (!route) throw new ApiError(404, 'NOT_FOUND', 'No such route.');
    const caller = 'scope' in route ? authorize(event, route.scope) : undefined;
    result = await operations[route.operationId](toApiRequest(event, caller), deps);
  } catch (error) {
    result = errorResult(toApiError(error, event));
  }
  return toProxyResult(result, corsHeaders(origin, deps.settings.allowedOrigins));
}

/**
 * The gateway's Cognito authorizer has verified the access token and that it carries one of the
 * API's scopes; this checks the one the route needs, so "authenticated but not allowed" is 403.
 */
function authorize(event: APIGatewayProxyEvent, scope: ApiScope): Caller {
  const claims = (event.requestContext?.authorizer?.claims ?? {}) as Record<string, unknown>;
  const ownerId = claims.sub;
  if (typeof ownerId !== 'string' || ownerId === '') {
    throw new ApiError(401, 'UNAUTHORIZED', 'A valid access token for this API is required.');
  }
  if (!OWNER_ID.test(ownerId)) throw new ApiError(403, 'FORBIDDEN', 'This account cannot use the API.');
  const scopes = new Set(String(claims.scope ?? '').split(' ').filter(Boolean));
  if (!scopes.has(fullScope(scope))) {
    throw new ApiError(403, 'INSUFFICIENT_SCOPE', `This operation needs the ${fullScope(scope)} scope.`);
  }
  return { ownerId, scopes };
}

function toApiError(error: unknown, event: APIGatewayProxyEvent): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidCursorError) return badRequest('INVALID_CURSOR', error.message);
  const context = { method: event.httpMethod, resource: event.resource, error };
  if (isTransientAwsError(error)) {
    logger.warn('A dependency failed; answering 503', context);
    return new ApiError(503, 'UNAVAILABLE', 'A dependency is unavailable; retry shortly.', { 'Retry-After': '1' });
  }
  logger.error('Unhandled error', context);
  return new ApiError(500, 'INTERNAL', 'Internal error.');
}
