/**
 * The API as the page uses it: the shared typed client (`api-client/`), sending uploads through
 * XMLHttpRequest, the one browser API that reports upload progress; everything else goes
 * through fetch. Refusals are not retried here: the page says what happened and when to try
 * again, and the person decides.
 */
import { ApiClient as SharedApiClient, ApiRequestError, ApiUnreachableError, type TransportInit } from '../../api-client/api-client.js';
import type { DocumentSummary, PageView } from '../../api-client/api-types.js';

export { ApiRequestError, ApiUnreachableError };
export type { ProgressListener } from '../../api-client/api-client.js';
export type { DocumentSummary, DocumentTable, PageView, TableList, WebhookSummary } from '../../api-client/api-types.js';

/** Pages per request: large enough that most documents need one, small enough to show early. */
const PAGES_PER_REQUEST = 50;

export class ApiClient extends SharedApiClient {
  constructor(apiUrl: string, token: () => string | undefined) {
    super({ baseUrl: apiUrl, token, maxRetries: 0, transport: browserTransport });
  }

  /** Every page of a document, in order. */
  async pages(documentId: string): Promise<Array<PageView & { text: string }>> {
    const pages: Array<PageView & { text: string }> = [];
    for await (const page of this.allPages(documentId, PAGES_PER_REQUEST)) pages.push(page);
    return pages;
  }

  /** The first page of documents, or the one after `cursor`. */
  documentsPage(cursor?: string): Promise<{ documents: DocumentSummary[]; nextCursor?: string }> {
    return this.listDocuments({ limit: 50, cursor });
  }
}

/** fetch, except for a request whose upload progress someone wants to hear of. */
function browserTransport(url: string, init: TransportInit): Promise<Response> {
  const { onUploadProgress, ...rest } = init;
  if (!onUploadProgress) return fetch(url, rest);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(init.method ?? 'GET', url);
    for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onUploadProgress(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => {
      const headers = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      // A Response cannot carry 1xx or a body with 204/304: those reach here as a bare status.
      const body = xhr.status === 204 || xhr.status === 304 ? null : xhr.responseText;
      resolve(new Response(body, { status: xhr.status, headers }));
    });
    xhr.addEventListener('error', () => reject(new TypeError('Failed to fetch')));
    xhr.send(init.body as XMLHttpRequestBodyInit);
  });
}
