/**
 * What several operations check before they act: who the caller is, whether the document is
 * theirs to see, their upload quota, and idempotency keys.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DocumentRecord } from '../../shared/document-repository.js';
import { logger, metrics } from '../../shared/powertools.js';
import type { ApiDependencies } from '../dependencies.js';
import { ApiError, documentNotFound } from '../errors.js';
import type { ApiRequest, ApiResult, Caller } from '../http.js';
import { DocumentId, IdempotencyKey, describeIssues } from '../schemas.js';

/** How long an unfinished request holds its idempotency key before a retry may take over. */
const IDEMPOTENCY_LOCK_MS = 60_000;

export function requireCaller(request: ApiRequest): Caller {
  if (!request.caller) throw new ApiError(401, 'UNAUTHORIZED', 'A valid access token for this API is required.');
  return request.caller;
}

/**
 * The caller's own, undeleted document. Missing, someone else's, deleted and malformed ids all
 * answer the same 404, after the same single read, so ids cannot be probed.
 */
export async function visibleDocument(request: ApiRequest, deps: ApiDependencies): Promise<DocumentRecord> {
  const caller = requireCaller(request);
  const id = request.pathParameters.id ?? '';
  if (!DocumentId.safeParse(id).success) throw documentNotFound();
  const record = await deps.repository.get(id);
  if (!record || record.deletedAt !== undefined || record.ownerId !== caller.ownerId) throw documentNotFound();
  return record;
}

/** Counts an upload against the caller's per-minute and per-day quota, or answers 429. */
export async function consumeUploadQuota(caller: Caller, deps: ApiDependencies): Promise<void> {
  const decision = await deps.repository.consumeUploadQuota(caller.ownerId, deps.now(), {
    perMinute: deps.settings.uploadsPerMinute,
    perDay: deps.settings.uploadsPerDay,
  });
  if (decision.allowed) return;
  metrics.addMetric('UploadQuotaRejections', MetricUnit.Count, 1);
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
  const claim = await deps.repository.claimIdempotencyKey(caller.ownerId, key.data, {
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
    await deps.repository.releaseIdempotencyKey(caller.ownerId, key.data).catch((releaseError: unknown) => {
      logger.warn('Could not release an idempotency key; it frees itself when its lock runs out', { error: releaseError });
    });
    throw error;
  }
  await deps.repository.completeIdempotencyKey(caller.ownerId, key.data, {
    statusCode: result.statusCode,
    body: result.body,
    headers: result.headers,
  });
  return result;
}
