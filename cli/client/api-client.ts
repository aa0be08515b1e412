/**
 * The API over `fetch`, for the client commands: one place for the bearer token, retries of
 * throttled or unavailable answers (429, 503, honouring `Retry-After`), and the mapping of the
 * API's one error shape (and of a dead endpoint) to errors that carry an exit code.
 */
import type { z } from 'zod';
import type {
  DeleteAccepted,
  DirectUploadAccepted,
  DocumentList,
  DocumentResponse,
  PageLayoutResponse,
  PageList,
  TableList,
  UploadCreated,
  UsageResponse,
} from '../../lambdas/api/schemas.js';
import type { ChunkList } from '../../lambdas/api/markdown-schemas.js';
import { CliError, EXIT_CODES, type ExitCode } from './exit-codes.js';

export type DocumentView = z.infer<typeof DocumentResponse>;
export type DocumentListView = z.infer<typeof DocumentList>;
export type PageListView = z.infer<typeof PageList>;
export type PageView = PageListView['pages'][number];
export type PageLayoutView = z.infer<typeof PageLayoutResponse>;
export type TableListView = z.infer<typeof TableList>;
export type UsageView = z.infer<typeof UsageResponse>;
export type ChunkListView = z.infer<typeof ChunkList>;
export type ChunkView = ChunkListView['chunks'][number];
export type UploadForm = z.infer<typeof UploadCreated>['upload'];

/** A refusal by the API, in its error shape, with the exit code it maps to. */
export class ApiRequestError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    hint?: string,
    exitCode: ExitCode = exitCodeForStatus(status),
  ) {
    super(message, exitCode, hint);
  }
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT_CODES.auth;
  if (status === 404) return EXIT_CODES.notFound;
  return EXIT_CODES.apiError;
}

/** Statuses worth another try: throttled, or briefly unavailable. */
const RETRIED_STATUSES = new Set([429, 503]);
const MAX_RETRY_WAIT_MS = 30_000;

/**
 * How long to wait before retry `attempt` (1-based): the server's `Retry-After` (seconds or an
 * HTTP date) when it gave one, else exponential backoff from 500 ms; never above 30 s.
 */
export function retryDelayMs(retryAfter: string | null, attempt: number, now = Date.now()): number {
  let ms = 500 * 2 ** (attempt - 1);
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(seconds)) ms = seconds * 1000;
    else if (Number.isFinite(date)) ms = date - now;
  }
  return Math.min(MAX_RETRY_WAIT_MS, Math.max(0, ms));
}

export interface ApiClientOptions {
  /** `ApiUrl`, no trailing slash; routes start with `/v1`. */
  readonly baseUrl: string;
  /** A bearer token for each request (it may refresh one that expired). */
  readonly token: () => Promise<string>;
  /** Said after a 401/403: how to get a token the API accepts. */
  readonly authHint: string;
  /** Said when the API does not answer. */
  readonly unreachableHint: string;
  /** Retries of 429/503 before giving up. @default 4 */
  readonly maxRetries?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  /** Answers that are not errors beside 2xx, e.g. 303. */
  readonly accept?: readonly number[];
}

export class ApiClient {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(readonly options: ApiClientOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Any request to the API, authorized, retried and checked; the raw response when it succeeded. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(`${this.options.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const maxRetries = this.options.maxRetries ?? 4;
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.options.token();
      const response = await this.send(url, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...options.headers },
        body: options.body,
        redirect: 'manual',
      });
      if (RETRIED_STATUSES.has(response.status) && attempt <= maxRetries) {
        await response.body?.cancel();
        await this.sleep(retryDelayMs(response.headers.get('retry-after'), attempt));
        continue;
      }
      if (response.ok || options.accept?.includes(response.status)) return response;
      throw await this.refusal(response);
    }
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<{ body: T; headers: Headers }> {
    const response = await this.request(method, path, options);
    return { body: (await response.json()) as T, headers: response.headers };
  }

  /** `POST /v1/documents`: the PDF in the body. */
  async uploadDirect(pdf: Uint8Array, options: { filename?: string; idempotencyKey?: string } = {}) {
    const { body, headers } = await this.json<z.infer<typeof DirectUploadAccepted>>('POST', '/v1/documents', {
      query: { filename: options.filename },
      headers: { 'Content-Type': 'application/pdf', ...idempotencyHeader(options.idempotencyKey) },
      body: pdf,
    });
    return { ...body, replayed: headers.get('idempotent-replayed') === 'true' };
  }

  /** `POST /v1/uploads`: a presigned POST for a file of `size` bytes. */
  async createUpload(filename: string, size: number, idempotencyKey?: string) {
    const { body, headers } = await this.json<z.infer<typeof UploadCreated>>('POST', '/v1/uploads', {
      headers: { 'Content-Type': 'application/json', ...idempotencyHeader(idempotencyKey) },
      body: JSON.stringify({ filename, size }),
    });
    return { ...body, replayed: headers.get('idempotent-replayed') === 'true' };
  }

  /** Sends the file to a presigned POST as a browser form would: every field, then the file. */
  async postUploadForm(upload: UploadForm, pdf: Uint8Array, filename: string): Promise<void> {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), filename);
    const response = await this.send(new URL(upload.url), { method: 'POST', body: form });
    if (!response.ok) {
      // S3 answers in XML: its <Code> is what a person needs (EntityTooLarge, AccessDenied, …).
      const text = await response.text();
      const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP_${response.status}`;
      // Storage's 403 is a refused upload policy (expired, too large), not the API's token.
      throw new ApiRequestError(response.status, code, `The upload to storage was refused: ${code}`, undefined, EXIT_CODES.apiError);
    }
    await response.body?.cancel();
  }

  async getDocument(documentId: string): Promise<DocumentView> {
    return (await this.json<DocumentView>('GET', `/v1/documents/${encodeURIComponent(documentId)}`)).body;
  }

  async listDocuments(query: { limit?: number; cursor?: string; status?: string } = {}): Promise<DocumentListView> {
    return (await this.json<DocumentListView>('GET', '/v1/documents', { query })).body;
  }

  async getUsage(query: { from?: string; to?: string; ownerId?: string } = {}): Promise<UsageView> {
    return (await this.json<UsageView>('GET', '/v1/usage', { query })).body;
  }

  async listPages(documentId: string, query: { limit?: number; cursor?: string } = {}): Promise<PageListView> {
    return (await this.json<PageListView>('GET', `/v1/documents/${encodeURIComponent(documentId)}/pages`, { query })).body;
  }

  async listTables(documentId: string): Promise<TableListView> {
    return (await this.json<TableListView>('GET', `/v1/documents/${encodeURIComponent(documentId)}/tables`)).body;
  }

  /** One table of the document as CSV (RFC 4180). */
  async tableCsv(documentId: string, table: number): Promise<string> {
    const path = `/v1/documents/${encodeURIComponent(documentId)}/tables`;
    return (await this.request('GET', path, { query: { format: 'csv', table } })).text();
  }

  /** The document's Markdown; one too large to inline is read from the short-lived URL the API redirects to. */
  async getMarkdown(documentId: string): Promise<string> {
    const response = await this.request('GET', `/v1/documents/${encodeURIComponent(documentId)}/markdown`, { accept: [200, 303] });
    const location = response.headers.get('location');
    if (response.status === 303 && location) {
      await response.body?.cancel();
      return (await this.fetchSigned(location)).text();
    }
    return response.text();
  }

  async listChunks(documentId: string, query: { limit?: number; cursor?: string } = {}): Promise<ChunkListView> {
    return (await this.json<ChunkListView>('GET', `/v1/documents/${encodeURIComponent(documentId)}/chunks`, { query })).body;
  }

  /** A page's layout; one too large to inline is read from the short-lived URL the API redirects to. */
  async getPageLayout(documentId: string, pageNumber: number): Promise<PageLayoutView> {
    const path = `/v1/documents/${encodeURIComponent(documentId)}/pages/${pageNumber}/layout`;
    const response = await this.request('GET', path, { accept: [200, 303] });
    const location = response.headers.get('location');
    if (response.status === 303 && location) {
      await response.body?.cancel();
      return (await (await this.fetchSigned(location)).json()) as PageLayoutView;
    }
    return (await response.json()) as PageLayoutView;
  }

  /** The short-lived URL `GET /v1/documents/{id}/file` redirects to. */
  async fileUrl(documentId: string): Promise<string> {
    const response = await this.request('GET', `/v1/documents/${encodeURIComponent(documentId)}/file`, { accept: [303] });
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (response.status !== 303 || !location) {
      throw new ApiRequestError(response.status, 'NO_REDIRECT', `Expected a 303 to the file, got ${response.status}`);
    }
    return location;
  }

  async deleteDocument(documentId: string): Promise<z.infer<typeof DeleteAccepted>> {
    return (await this.json<z.infer<typeof DeleteAccepted>>('DELETE', `/v1/documents/${encodeURIComponent(documentId)}`)).body;
  }

  /** A presigned URL the API handed out (a download, a spilled page): no token, it carries its own. */
  async fetchSigned(url: string): Promise<Response> {
    const response = await this.send(new URL(url), { method: 'GET' });
    if (!response.ok) {
      await response.body?.cancel();
      throw new ApiRequestError(response.status, `HTTP_${response.status}`, `${url} answered ${response.status} (the link may have expired; try again)`);
    }
    return response;
  }

  private async send(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(`Cannot reach ${url.origin}${url.pathname} (${reason}).`, EXIT_CODES.unreachable, this.options.unreachableHint);
    }
  }

  private async refusal(response: Response): Promise<ApiRequestError> {
    const text = await response.text();
    let code = `HTTP_${response.status}`;
    let message = text.slice(0, 300) || response.statusText;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (parsed.error?.code) code = parsed.error.code;
      if (parsed.error?.message) message = parsed.error.message;
    } catch {
      // not the API's JSON (a proxy's page): keep the text
    }
    const hint = response.status === 401 || response.status === 403 ? this.options.authHint : undefined;
    return new ApiRequestError(response.status, code, `${code}: ${message}`, hint);
  }
}

const idempotencyHeader = (key: string | undefined): Record<string, string> => (key ? { 'Idempotency-Key': key } : {});
