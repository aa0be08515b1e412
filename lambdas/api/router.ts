/**
 * Dispatches an API Gateway proxy event to its operation by the route table, has the guards
 * authorize the caller, records the call in the audit trail when the route says so, and
 * renders every outcome (success or error) in one place.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidCursorError } from '../shared/listing.js';
import { isTransientAwsError } from '../shared/errors.js';
import { logger } from '../shared/powertools.js';
import type { ApiDependencies } from './dependencies.js';
import { recordInAuditTrail } from './audit-trail.js';
import { ApiError, badRequest } from './errors.js';
import { callerFromEvent, corsHeaders, errorResult, toApiRequest, toProxyResult, type ApiRequest, type ApiResult } from './http.js';
import { listAuditEntries } from './operations/audit.js';
import { deleteDocument, downloadDocumentFile, getDocument, listDocumentPages, listDocuments } from './operations/documents.js';
import { getPageLayout } from './operations/layout.js';
import { listDocumentTables } from './operations/tables.js';
import { getDocumentMarkdown, listDocumentChunks } from './operations/markdown.js';
import { authorize } from './operations/guards.js';
import { getHealthDetail } from './operations/health-detail.js';
import { getHealth } from './operations/health.js';
import { redriveDeadLetters } from './operations/redrive.js';
import { reprocessDocument } from './operations/reprocess.js';
import { createUpload, uploadDocument } from './operations/uploads.js';
import {
  createWebhook,
  deleteWebhook,
  enableWebhook,
  listWebhookDeliveries,
  listWebhooks,
  redeliverWebhookMessage,
  rotateWebhookSecret,
  testWebhook,
} from './operations/webhooks.js';
import { getUsage } from './operations/usage.js';
import { findRoute, type OperationId, type RouteDefinition } from './routes.js';

export type Operation = (request: ApiRequest, deps: ApiDependencies) => Promise<ApiResult>;

export const OPERATIONS: Readonly<Record<OperationId, Operation>> = {
  getHealth,
  getHealthDetail,
  uploadDocument,
  createUpload,
  listDocuments,
  getDocument,
  listDocumentPages,
  getPageLayout,
  listDocumentTables,
  getDocumentMarkdown,
  listDocumentChunks,
  downloadDocumentFile,
  deleteDocument,
  reprocessDocument,
  getUsage,
  listAuditEntries,
  redriveDeadLetters,
  createWebhook,
  listWebhooks,
  deleteWebhook,
  testWebhook,
  listWebhookDeliveries,
  redeliverWebhookMessage,
  rotateWebhookSecret,
  enableWebhook,
};

export async function routeEvent(
  event: APIGatewayProxyEvent,
  deps: ApiDependencies,
  operations: Readonly<Record<OperationId, Operation>> = OPERATIONS,
): Promise<APIGatewayProxyResult> {
  const origin = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1];
  let result: ApiResult;
  let route: RouteDefinition | undefined;
  let request: ApiRequest | undefined;
  try {
    try {
      route = findRoute(event.httpMethod, event.resource);
      if (!route) throw new ApiError(404, 'NOT_FOUND', 'No such route.');
      // The gateway's Cognito authorizer verified the token; the guards decide what it may do.
      const caller = route.scope !== undefined ? callerFromEvent(event) : undefined;
      request = toApiRequest(event, caller);
      if (caller) authorize(route, caller);
      result = await operations[route.operationId](request, deps);
    } catch (error) {
      result = errorResult(toApiError(error, event));
    }
    if (route && request) result = await recordInAuditTrail(route, request, result, deps);
    // One line per request: with the document's correlation id when it was about one (`noteDocument`).
    logger.info('Request answered', {
      operation: route?.operationId,
      statusCode: result.statusCode,
      apiRequestId: event.requestContext?.requestId,
    });
    return toProxyResult(result, corsHeaders(origin, deps.settings.allowedOrigins));
  } finally {
    // The keys outlive the invocation otherwise: the next request on this environment is another document's.
    logger.removeKeys(['correlation_id', 'documentId']);
  }
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
