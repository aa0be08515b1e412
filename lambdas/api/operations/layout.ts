/** `GET /v1/documents/{id}/pages/{n}/layout`: one page's lines and words with their boxes. */
import type { ApiDependencies } from '../dependencies.js';
import { ApiError, badRequest } from '../errors.js';
import type { ApiRequest, ApiResult } from '../http.js';
import { PageNumberParameter } from '../schemas.js';
import { PAGES_RESPONSE_BUDGET_BYTES } from './documents.js';
import { visibleDocument } from './guards.js';

/**
 * The layout as JSON; a layout too large for one answer (a page of a hostile file can hold
 * millions of words) is a 303 to a short-lived URL that serves the same JSON.
 */
export async function getPageLayout(request: ApiRequest, deps: ApiDependencies): Promise<ApiResult> {
  const pageNumber = PageNumberParameter.safeParse(request.pathParameters.n);
  if (!pageNumber.success) throw badRequest('INVALID_PAGE_NUMBER', 'The page number must be a whole number from 1.');
  const record = await visibleDocument(request, deps);
  if (record.status !== 'COMPLETED') {
    throw new ApiError(409, 'DOCUMENT_NOT_READY', `Layouts are available once the document is COMPLETED; it is ${record.status}.`);
  }
  const { pages } = await deps.pages.listPages(record.documentId, record.generation, {
    limit: 1,
    afterPageNumber: pageNumber.data - 1,
  });
  const page = pages[0];
  if (page?.pageNumber !== pageNumber.data) {
    throw new ApiError(404, 'PAGE_NOT_FOUND', `The document has ${record.pageCount ?? 0} page(s); there is no page ${pageNumber.data}.`);
  }
  if (!page.layoutRef) {
    throw new ApiError(404, 'LAYOUT_NOT_AVAILABLE', 'This page was extracted before layouts existed; reprocess the document to get one.');
  }
  const json = await deps.objects.readGzipText(page.layoutRef, PAGES_RESPONSE_BUDGET_BYTES);
  if (json !== undefined) return { statusCode: 200, body: JSON.parse(json) as unknown };
  const url = await deps.objects.presignedGet(page.layoutRef, {
    expiresInSeconds: deps.settings.downloadUrlTtlSeconds,
    contentType: 'application/json',
    contentEncoding: 'gzip',
  });
  return { statusCode: 303, headers: { Location: url } };
}
