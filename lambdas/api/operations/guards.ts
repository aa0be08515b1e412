/**
 * What operations check before they act: who the caller is and what they may do (the route's
 * scope and admin rule, whose documents they may see, list and change), their upload quota, and
 * idempotency keys. Authorization lives here and nowhere else: the router calls `authorize`,
 * operations call `visibleDocument`, `documentVisibility` and `listedOwner`.
 *
 * The policy: an ordinary user sees, lists and changes only their own documents, and someone
 * else's document answers exactly like a missing one (404), so ids cannot be probed. A member of
 * the admin group may do so for any owner; routes marked `admin` answer 403 to anyone else.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DocumentRecord } from '../../shared/document-model.js';
import { logger, metrics } from '../../shared/powertools.js';
import { API_METRICS } from '../contract.js';
import type { ApiDependencies } from '../dependencies.js';
import { ApiError, documentNotFound } from '../errors.js';
import type { ApiRequest, ApiResult, Caller } from '../http.js';
import { fullScope, type RouteDefinition } from '../routes.js';
import { DocumentId, IdempotencyKey, describeIssues } from '../schemas.js';

/** How long an unfinished request holds its idempotency key before a retry may take over. */
const IDEMPOTENCY_LOCK_MS = 60_000;

export function requireCaller(request: ApiRequest): Caller {
  if (!request.caller) throw new ApiError(401, 'UNAUTHORIZED', 'A valid access token for this API is required.');
  return request.caller;
}

/**
 * What a route asks of every caller: the token's scope for it (403 `INSUFFICIENT_SCOPE`), and for
 * an admin route, membership of the admin group (403 `FORBIDDEN`).
 */
export function authorize(route: Pick<RouteDefinition, 'scope' | 'admin'>, caller: Caller): void {
  if (route.scope !== undefined && !caller.scopes.has(fullScope(route.scope))) {
    throw new ApiError(403, 'INSUFFICIENT_SCOPE', `This operation needs the ${fullScope(route.scope)} scope.`);
  }
  if (route.admin && !caller.isAdmin) throw new ApiError(403, 'FORBIDDEN', 'This operation is for administrators.');
}

/** Whether the caller may see a document: its owner may, and an admin may see anyone's. */
export function maySee(caller: Caller, record: Pick<DocumentRecord, 'ownerId'>): boolean {
  return caller.isAdmin || (record.ownerId !== undefined && record.ownerId === caller.ownerId);
}

/**
 * The rule an operation that reads the record itself applies (reprocess): `maySee`, noting
 * the owner of what it let through for the audit trail.
 */
export function documentVisibility(request: ApiRequest): (record: DocumentRecord) => boolean {
  const caller = requireCaller(request);
  return (record) => {
    if (!maySee(caller, record)) return false;
    request.audit.ownerId = record.ownerId;
    return true;
  };
}

/**
 * Notes the document a request is about: for the audit trail, and as the correlation id every
 * log line of the rest of the request carries, the same `correlation_id` (the document id) the
 * extractor's and the event publisher's lines carry, so one query follows a document from the
 * API request through the queue. The router removes the keys when the request ends.
 */
export function noteDocument(request: ApiRequest, documentId: string): void {
  request.audit.documentId = documentId;
  logger.appendKeys({ correlation_id: documentId, documentId });
}

/** The `{id}` of the path, or the missing-document 404 for anything that is not a document id. */
export function requestedDocumentId(request: ApiRequest): string {
  const id = request.pathParameters.id ?? '';
  if (!DocumentId.safeParse(id).success) throw documentNotFound();
  noteDocument(request, id);
  return id;
}

/**
 * An undeleted document the caller may see (`maySee`). Missing, someone else's, deleted and
 * malformed ids all answer the same 404, after the same single read, so ids cannot be probed.
 */
export async function visibleDocument(request: ApiRequest, deps: ApiDependencies): Promise<DocumentRecord> {
  const caller = requireCaller(request);
  const id = requestedDocumentId(request);
  const record = await deps.documents.get(id);
  if (!record || record.deletedAt !== undefined || !maySee(caller, record)) throw documentNotFound();
  request.audit.ownerId = record.ownerId;
  return record;
}

/**
 * Whose documents a listing shows: the caller's own, or, for an admin, the `ownerId` asked
 * for. Anyone else asking for another owner's list gets 403 (it is an admin feature, and a list
 * reveals nothing about whether that owner exists).
 */
export function listedOwner(request: ApiRequest, requested: string | undefined): string {
  const caller = requireCaller(request);
  const ownerId = requested ?? caller.ownerId;
  if (ownerId !== caller.ownerId && !caller.isAdmin) {
    throw new ApiError(403, 'FORBIDDEN', "Only administrators may list another owner's documents.");
  }
  request.audit.ownerId = ownerId;
  return ownerId;
}

/** Counts an upload against the caller's per-minute and per-day quota, or answers 429. */
export async function consumeUploadQuota(caller: Caller, deps: ApiDependencies): Promise<void> {
  const decision = await deps.quotas.consume(caller.ownerId, deps.now(), {
    perMinute: deps.settings.uploadsPerMinute,
    perDay: deps.settings.uploadsPerDay,
  });
  if (decision.allowed) return;
  metrics.addMetric(API_METRICS.uploadQuotaRejections, MetricUnit.Count, 1);
  throw new ApiError(
    429,
    'UPLOAD_QUOTA_EXCEEDED',
    `Upload quota per ${decision.window} used up; retry in ${decision.retryAfterSeconds} s.`,
    { 'Retry-After': String(decision.retryAfterSeconds) },
  );
}

/**
 * Runs a creating request at most once per `Idempotency-Key` and caller: a retry with the same
 * key and request gets the first answer (with `Idempotent-Replayed: true`) instead of a second
 * document. The key is released when the request fails, so a retry runs it again.
 *
 * `run` receives the document id to create: new, or the one an abandoned earlier attempt chose.
 */
export async function idempotent(
  request: ApiRequest,
  deps: ApiDependencies,
  requestHash: string,
  run: (documentId: string) => Promise<ApiResult>,
): Promise<ApiResult> {
  const caller = requireCaller(request);
  const rawKey = request.headers['idempotency-key'];
  if (rawKey === undefined) return run(deps.newId());

  const key = IdempotencyKey.safeParse(rawKey);
  if (!key.success) throw new ApiError(400, 'INVALID_IDEMPOTENCY_KEY', `Idempotency-Key ${describeIssues(key.error)}.`);

  const now = deps.now().getTime();
  const claim = await deps.idempotency.claim(caller.ownerId, key.data, {
    requestHash,
    documentId: deps.newId(),
    lockedUntil: now + IDEMPOTENCY_LOCK_MS,
    expiresAt: Math.floor(now / 1000) + deps.settings.idempotencyTtlSeconds,
    now,
  });
  if (!claim.claimed) {
    const { existing } = claim;
    if (existing.requestHash !== requestHash) {
      throw new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request.');
    }
    if (existing.status === 'COMPLETED' && existing.response) {
      noteDocument(request, existing.documentId);
      return {
        statusCode: existing.response.statusCode,
        body: existing.response.body,
        headers: { ...existing.response.headers, 'Idempotent-Replayed': 'true' },
      };
    }
    throw new ApiError(409, 'IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running; retry shortly.', {
      'Retry-After': '1',
    });
  }

  let result: ApiResult;
  try {
    result = await run(claim.documentId);
  } catch (error) {
    await deps.idempotency.release(caller.ownerId, key.data).catch((releaseError: unknown) => {
      logger.warn('Could not release an idempotency key; it frees itself when its lock runs out', { error: releaseError });
    });
    throw error;
  }
  await deps.idempotency.complete(caller.ownerId, key.data, {
    statusCode: result.statusCode,
    body: result.body,
    headers: result.headers,
  });
  return result;
}
