/** `GET /v1/audit` (admins): the audit trail, newest first. */
import type { ApiDependencies } from '../dependencies.js';
import { badRequest } from '../errors.js';
import type { ApiRequest, ApiResult } from '../http.js';
import { ListAuditQuery, describeIssues } from '../schemas.js';

/**
 * Entries by document, actor and time range (`from` inclusive, `to` exclusive), `limit` at a
 * time with an opaque cursor. Only the route's admin rule (in `authorize`) guards it: the trail
 * is about every owner.
 */
export async function listAuditEntries(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const query = ListAuditQuery.safeParse(request.query);
  if (!query.success) throw badRequest('INVALID_QUERY', `Invalid query: ${describeIssues(query.error)}.`);
  const listing = await deps.audit.query(query.data, deps.now());
  return {
    statusCode: 200,
    body: { entries: listing.items, ...(listing.nextCursor ? { nextCursor: listing.nextCursor } : {}) },
  };
}
