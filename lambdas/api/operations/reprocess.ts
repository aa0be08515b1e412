/** `POST /v1/documents/{id}/reprocess`: the owner's side of the shared reprocess core. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { reprocessDocument as reprocess } from '../../shared/reprocess.js';
import { logger, metrics } from '../../shared/powertools.js';
import { API_METRICS } from '../contract.js';
import type { ApiDependencies } from '../dependencies.js';
import { laneQueues } from '../lane-queues.js';
import { ApiError, documentNotFound } from '../errors.js';
import type { ApiRequest, ApiResult } from '../http.js';
import { documentVisibility, requestedDocumentId } from './guards.js';

/**
 * A COMPLETED or FAILED document the caller may see (their own; an admin's: anyone's) starts a
 * new generation in QUEUED and goes through the extraction queue again. 409 while it is on its
 * way (UPLOADING, QUEUED, PROCESSING); missing, someone else's, deleted and malformed ids all
 * answer the same 404.
 */
export async function reprocessDocument(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const id = requestedDocumentId(request);
  const outcome = await reprocess(
    id,
    { documents: deps.documents, sqs: deps.sqs, queueFor: laneQueues(deps.settings).queueFor, now: deps.now },
    { canSee: documentVisibility(request) },
  );
  switch (outcome.kind) {
    case 'queued':
      logger.info('Reprocess queued', { documentId: outcome.documentId, generation: outcome.generation });
      metrics.addMetric(API_METRICS.documentsReprocessed, MetricUnit.Count, 1);
      return { statusCode: 202, body: { documentId: outcome.documentId, status: 'QUEUED', generation: outcome.generation } };
    case 'not-found':
    case 'deleted':
      throw documentNotFound();
    case 'busy':
      throw new ApiError(
        409,
        'DOCUMENT_BUSY',
        `The document is ${outcome.status}; reprocess it once it is COMPLETED or FAILED.`,
        { 'Retry-After': '10' },
      );
    case 'not-reprocessable':
      throw new ApiError(409, 'DOCUMENT_NOT_REPROCESSABLE', `The document cannot be reprocessed: ${outcome.reason}.`);
    case 'changed':
      throw new ApiError(409, 'DOCUMENT_CHANGED', 'The document kept changing while it was being reprocessed; retry.', {
        'Retry-After': '1',
      });
  }
}
