/** `GET /v1/usage`: what the caller's documents consumed per day, and its estimated cost. */
import { estimateCost } from '../../shared/cost.js';
import { usageDayOf } from '../../shared/usage.js';
import type { ApiDependencies } from '../dependencies.js';
import { ApiError, badRequest } from '../errors.js';
import type { ApiRequest, ApiResult } from '../http.js';
import { MAX_USAGE_DAYS, UsageQuery, describeIssues } from '../schemas.js';
import { requireCaller } from './guards.js';

const DAY_MS = 86_400_000;

/** What the estimate covers, said beside it so nobody reads it as a bill. */
export const COST_BASIS =
  'Public on-demand list prices, first tier, no free tier or data transfer; metered extraction, storage (one month of what the range ' +
  'stored), S3 and DynamoDB writes and Textract pages, plus the typical requests around each document (API calls, queue, events).';

/**
 * The caller's usage (an admin: any owner's, by `ownerId`) from `from` to `to`, both included, at
 * most a year: each day with any usage and the total, with the estimated cost at the deployment's
 * prices.
 */
export async function getUsage(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const query = UsageQuery.safeParse(request.query);
  if (!query.success) throw badRequest('INVALID_QUERY', `Invalid query: ${describeIssues(query.error)}.`);
  const today = usageDayOf(deps.now());
  const to = query.data.to ?? today;
  const from = query.data.from ?? `${to.slice(0, 7)}-01`;
  if (from > to) throw badRequest('INVALID_QUERY', `Invalid query: from (${from}) is after to (${to}).`);
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days > MAX_USAGE_DAYS) throw badRequest('INVALID_QUERY', `Invalid query: the range is ${days} days; at most ${MAX_USAGE_DAYS}.`);

  const caller = requireCaller(request);
  const ownerId = query.data.ownerId ?? caller.ownerId;
  if (ownerId !== caller.ownerId && !caller.isAdmin) throw new ApiError(403, 'FORBIDDEN', "Only administrators may read another owner's usage.");
  request.audit.ownerId = ownerId;

  const report = await deps.usage.usageBetween(ownerId, from, to);
  const estimate = deps.prices ? estimateCost(report.total, deps.prices) : undefined;
  return {
    statusCode: 200,
    body: {
      ...report,
      estimatedCost: estimate
        ? { currency: 'USD', region: estimate.region, total: estimate.totalUsd, lines: estimate.lines, basis: COST_BASIS }
        : null,
    },
  };
}
