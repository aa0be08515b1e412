/**
 * A COMPLETED document's Markdown (`GET /v1/documents/{id}/markdown`, `text/markdown`) and its
 * retrieval chunks (`GET /v1/documents/{id}/chunks`, paginated JSON), read from the objects the
 * record points to (see extract/document-markdown.ts).
 */
import type { DocumentRecord, S3Pointer } from '../../shared/document-model.js';
import type { ApiDependencies } from '../dependencies.js';
import { ApiError, badRequest } from '../errors.js';
import type { ApiRequest, ApiResult } from '../http.js';
import { ListChunksQuery } from '../markdown-schemas.js';
import { describeIssues } from '../schemas.js';
import { PAGES_RESPONSE_BUDGET_BYTES, decodePageCursor, encodePageCursor } from './documents.js';
import { visibleDocument } from './guards.js';

export const MARKDOWN_MEDIA_TYPE = 'text/markdown; charset=utf-8';

/** The Markdown and chunks of a visible, COMPLETED document that has them; 409 or 404 otherwise. */
async function markdownOf(request: ApiRequest, deps: ApiDependencies): Promise<{ record: DocumentRecord; markdownRef: S3Pointer; chunksRef: S3Pointer }> {
  const record = await visibleDocument(request, deps);
  if (record.status !== 'COMPLETED') {
    throw new ApiError(409, 'DOCUMENT_NOT_READY', `Markdown is available once the document is COMPLETED; it is ${record.status}.`);
  }
  if (!record.markdownRef || !record.chunksRef) {
    throw new ApiError(
      404,
      'MARKDOWN_NOT_AVAILABLE',
      'This document has no Markdown: it was extracted before Markdown existed or with Markdown off. Reprocess it to get one.',
    );
  }
  return { record, markdownRef: record.markdownRef, chunksRef: record.chunksRef };
}

/** The Markdown; one too large for an answer is a 303 to a short-lived URL of the same text. */
export async function getDocumentMarkdown(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const { markdownRef } = await markdownOf(request, deps);
  const text = await deps.objects.readTextWithin(markdownRef, PAGES_RESPONSE_BUDGET_BYTES);
  if (text !== undefined) return { statusCode: 200, headers: { 'Content-Type': MARKDOWN_MEDIA_TYPE }, text };
  const url = await deps.objects.presignedGet(markdownRef, { expiresInSeconds: deps.settings.downloadUrlTtlSeconds, contentType: MARKDOWN_MEDIA_TYPE });
  return { statusCode: 303, headers: { Location: url } };
}

/**
 * `limit` chunks from the cursor (the page cursor's codec, counting chunks), stopping early with
 * a cursor before the answer would pass the response budget.
 */
export async function listDocumentChunks(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const query = ListChunksQuery.safeParse(request.query);
  if (!query.success) throw badRequest('INVALID_QUERY', `Invalid query: ${describeIssues(query.error)}.`);
  const start = query.data.cursor === undefined ? 0 : decodePageCursor(query.data.cursor);
  const { record, chunksRef } = await markdownOf(request, deps);
  const lines = (await deps.objects.readText(chunksRef)).split('\n').filter((line) => line !== '');
  const chunks: unknown[] = [];
  let used = 0;
  for (const line of lines.slice(start, start + query.data.limit)) {
    const size = Buffer.byteLength(line) + 1;
    if (chunks.length > 0 && used + size > PAGES_RESPONSE_BUDGET_BYTES) break;
    chunks.push(JSON.parse(line) as unknown);
    used += size;
  }
  const next = start + chunks.length;
  return {
    statusCode: 200,
    body: { chunks, chunkCount: record.chunkCount ?? lines.length, ...(next < lines.length ? { nextCursor: encodePageCursor(next) } : {}) },
  };
}
