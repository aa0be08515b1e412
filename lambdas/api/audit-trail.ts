/**
 * Recording API calls in the audit trail, for the router: which calls are recorded (the route
 * table's `audit` rule), what an entry holds, and what happens when the write fails.
 *
 * A failed write is never silent: it is logged at error level with the whole entry (so the
 * function log still holds it) and counted as `AuditWriteFailures`, which alarms. Then:
 * - a state-changing call keeps its answer. The change has happened by the time the entry is
 *   written; answering 5XX would misreport it and invite a retry that repeats it.
 * - a read answers 503 instead of its data: nothing has been disclosed yet, a read can safely
 *   be retried, and no admin reads another owner's data without a trace.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AuditEntry } from '../shared/audit-repository.js';
import { logger, metrics } from '../shared/powertools.js';
import type { ApiDependencies } from './dependencies.js';
import { ApiError } from './errors.js';
import { errorResult, type ApiRequest, type ApiResult } from './http.js';
import type { RouteDefinition } from './routes.js';
import { API_METRICS } from './contract.js';

/** The entry a call makes, or `undefined` when the route's rule does not record it. */
export function auditEntryFor(
  route: Pick<RouteDefinition, 'operationId' | 'audit'>,
  request: ApiRequest,
  result: ApiResult,
  deps: Pick<ApiDependencies, 'now' | 'newId'>,
): AuditEntry | undefined {
  const { caller, audit: notes } = request;
  if (!caller || route.audit === undefined) return undefined;
  if (route.audit === 'other-owner' && (notes.ownerId === undefined || notes.ownerId === caller.ownerId)) return undefined;
  const code = result.statusCode >= 400 ? errorCode(result) : undefined;
  return {
    entryId: deps.newId(),
    at: deps.now().toISOString(),
    actor: caller.ownerId,
    actorIsAdmin: caller.isAdmin,
    operation: route.operationId,
    ...(notes.documentId ? { documentId: notes.documentId } : {}),
    ...(notes.ownerId ? { ownerId: notes.ownerId } : {}),
    ...(notes.lanes ? { lanes: [...notes.lanes] } : {}),
    outcome: { status: result.statusCode, ...(code ? { code } : {}) },
    requestId: request.requestId,
  };
}

/** Records the call when its route says so; returns the answer to send (see the failure rules above). */
export async function recordInAuditTrail(
  route: Pick<RouteDefinition, 'operationId' | 'audit' | 'method'>,
  request: ApiRequest,
  result: ApiResult,
  deps: ApiDependencies,
): Promise<ApiResult> {
  const entry = auditEntryFor(route, request, result, deps);
  if (!entry) return result;
  try {
    await deps.audit.record(entry);
    return result;
  } catch (error) {
    logger.error('Could not write the audit entry', { auditEntry: entry, error });
    metrics.addMetric(API_METRICS.auditWriteFailures, MetricUnit.Count, 1);
    if (route.method !== 'GET' || result.statusCode >= 400) return result;
    return errorResult(new ApiError(503, 'UNAVAILABLE', 'A dependency is unavailable; retry shortly.', { 'Retry-After': '1' }));
  }
}

function errorCode(result: ApiResult): string | undefined {
  const body = result.body as { error?: { code?: unknown } } | undefined;
  return typeof body?.error?.code === 'string' ? body.error.code : undefined;
}
