/**
 * The API as the page uses it (see docs/openapi.yaml). Uploads go through XMLHttpRequest, the
 * one browser API that reports upload progress; everything else through fetch.
 */
import type { DocumentProgress } from './document-progress.js';
import { describeFailure } from './uploads.js';
import type { WebhookList } from './webhooks.js';

export interface DocumentSummary {
  readonly documentId: string;
  readonly status: string;
  readonly source: string;
  readonly filename?: string;
  readonly size?: number;
  readonly pageCount?: number;
  readonly error?: { readonly code: string; readonly message: string };
  /** PROCESSING documents read in shards: how far extraction has come. */
  readonly progress?: DocumentProgress;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface DocumentList {
  readonly documents: readonly DocumentSummary[];
  readonly nextCursor?: string;
}

export interface Page {
  readonly pageNumber: number;
  readonly text: string;
  readonly charCount: number;
  readonly hasText: boolean;
  readonly needsOcr: boolean;
  readonly textSource?: 'text-layer' | 'ocr';
  readonly ocrConfidence?: number;
}

export interface PresignedPost {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface UploadCreated {
  readonly documentId: string;
  readonly upload: PresignedPost;
}

/** A call the API (or the network) refused; `message` is written for people. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';

  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }

  /** The token is missing, expired or revoked: the person has to sign in again. */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

/** Upload progress: bytes sent so far of the whole request. */
export type ProgressListener = (loaded: number, total: number) => void;

/** Pages per request: large enough that most documents need one, small enough to show early. */
const PAGES_PER_REQUEST = 50;

export class ApiClient {
  constructor(
    private readonly apiUrl: string,
    private readonly token: () => string | undefined,
  ) {}

  listDocuments(cursor?: string): Promise<DocumentList> {
    const query = new URLSearchParams({ limit: '50', ...(cursor ? { cursor } : {}) });
    return this.json<DocumentList>('GET', `/v1/documents?${query}`);
  }

  listWebhooks(): Promise<WebhookList> {
    return this.json<WebhookList>('GET', '/v1/webhooks');
  }

  getDocument(documentId: string): Promise<DocumentSummary> {
    return this.json<DocumentSummary>('GET', `/v1/documents/${encodeURIComponent(documentId)}`);
  }

  deleteDocument(documentId: string): Promise<unknown> {
    return this.json('DELETE', `/v1/documents/${encodeURIComponent(documentId)}`);
  }

  /** Every page, in order, across cursors; a page too large to inline is fetched from its `textUrl`. */
  async pages(documentId: string): Promise<Page[]> {
    const pages: Page[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PAGES_PER_REQUEST), ...(cursor ? { cursor } : {}) });
      const answer = await this.json<{ pages: Array<Page & { text?: string; textUrl?: string }>; nextCursor?: string }>(
        'GET',
        `/v1/documents/${encodeURIComponent(documentId)}/pages?${query}`,
      );
      for (const page of answer.pages) {
        pages.push({ ...page, text: page.text ?? (page.textUrl ? await this.spilledText(page.textUrl) : '') });
      }
      cursor = answer.nextCursor;
    } while (cursor);
    return pages;
  }

  /** The document as Markdown (`text/markdown`); the browser follows a redirect for a large one. */
  async markdown(documentId: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}/v1/documents/${encodeURIComponent(documentId)}/markdown`, { headers: this.authorization() });
    } catch {
      throw new ApiFailure(0, undefined, describeFailure(0, undefined));
    }
    const text = await response.text();
    if (!response.ok) throw failure(response.status, parseJson(text), response.headers.get('Retry-After'));
    return text;
  }

  /** The file in the request body; the key protects against a retried request making a second document. */
  uploadDirect(file: File, onProgress: ProgressListener): Promise<{ documentId: string }> {
    const query = new URLSearchParams({ filename: file.name });
    return this.send<{ documentId: string }>({
      method: 'POST',
      url: `${this.apiUrl}/v1/documents?${query}`,
      headers: { ...this.authorization(), 'Content-Type': 'application/pdf', 'Idempotency-Key': crypto.randomUUID() },
      body: file,
      onProgress,
    });
  }

  createUpload(file: File): Promise<UploadCreated> {
    return this.json<UploadCreated>('POST', '/v1/uploads', { filename: file.name, size: file.size });
  }

  /** The form exactly as presigned: every field, then the file last (S3 ignores fields after it). */
  async postForm(upload: PresignedPost, file: File, onProgress: ProgressListener): Promise<void> {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', file, file.name);
    await this.send({ method: 'POST', url: upload.url, headers: {}, body: form, onProgress });
  }

  private async spilledText(url: string): Promise<string> {
    const response = await fetch(url);
    if (!response.ok) throw new ApiFailure(response.status, undefined, `A large page could not be read (${response.status}).`);
    return response.text();
  }

  private authorization(): Record<string, string> {
    const token = this.token();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: { ...this.authorization(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiFailure(0, undefined, describeFailure(0, undefined));
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) throw failure(response.status, parsed, response.headers.get('Retry-After'));
    return parsed as T;
  }

  private send<T>(request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Record<string, string>;
    readonly body: XMLHttpRequestBodyInit;
    readonly onProgress: ProgressListener;
  }): Promise<T> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(request.method, request.url);
      for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) request.onProgress(event.loaded, event.total);
      });
      xhr.addEventListener('load', () => {
        const parsed = parseJson(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T);
        else reject(failure(xhr.status, parsed, xhr.getResponseHeader('Retry-After')));
      });
      xhr.addEventListener('error', () => reject(new ApiFailure(0, undefined, describeFailure(0, undefined))));
      xhr.send(request.body);
    });
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function failure(status: number, body: unknown, retryAfter: string | null): ApiFailure {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  const seconds = retryAfter === null ? undefined : Number(retryAfter);
  return new ApiFailure(status, typeof code === 'string' ? code : undefined, describeFailure(status, body, seconds));
}
