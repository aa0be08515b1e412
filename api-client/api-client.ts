/**
 * The API's typed client, one for every caller: the CLI, the web page and the tests. Requests
 * are built from the route table (`lambdas/api/routes.ts`: methods, paths and their
 * parameters), answers are typed by the API's own schemas (`api-types.ts`), and every caller
 * gets the same bearer token handling, retries of throttled or unavailable answers (429, 503,
 * honouring `Retry-After`) and errors in the API's one shape.
 *
 * It runs in Node.js and in browsers alike: it needs only `fetch`, or a transport of the
 * caller's that answers like it (the web page sends uploads through one that reports progress).
 */
import { ROUTES, type OperationId } from '../lambdas/api/routes.js';
import type {
  DeleteAccepted,
  DeliveryQueued,
  DirectUploadAccepted,
  DocumentList,
  DocumentView,
  ChunkList,
  PageLayout,
  PageList,
  PageView,
  PresignedPost,
  ReprocessAccepted,
  SecretRotated,
  TableList,
  UploadCreated,
  UsageView,
  WebhookCreated,
  WebhookDeliveryList,
  WebhookList,
  WebhookSummary,
  CreateWebhookRequest,
} from './api-types.js';

/** Upload progress: bytes sent so far of the whole request. */
export type ProgressListener = (loaded: number, total: number) => void;

export interface TransportInit extends RequestInit {
  /** Told how much of the body has been sent; a transport that cannot tell ignores it. */
  readonly onUploadProgress?: ProgressListener;
}

/** Sends one request; `fetch` is one. */
export type Transport = (url: string, init: TransportInit) => Promise<Response>;

/** A refusal in the API's error shape (or, from storage or a proxy, its status and text). */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';

  constructor(
    readonly status: number,
    /** The API's error code; `HTTP_<status>` for an answer not in its shape, S3's `<Code>` for storage. */
    readonly code: string,
    /** What went wrong, for people (the API's `message`). */
    readonly detail: string,
    /** `Retry-After` in seconds, when the answer gave one. */
    readonly retryAfterSeconds?: number,
    /** Who refused: the API, or storage refusing a presigned form (its policy: expired, too large). */
    readonly source: 'api' | 'storage' = 'api',
  ) {
    super(source === 'storage' ? detail : `${code}: ${detail}`);
  }

  /** The token is missing, expired, revoked, or lacks the scope. */
  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** Nothing answered: the network, DNS, or a stopped server. */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';

  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Cannot reach ${url} (${reason}).`);
  }
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
  /** The bearer token for each request (it may renew one that expired); none sends no header. */
  readonly token?: () => Promise<string | undefined> | string | undefined;
  /** @default fetch */
  readonly transport?: Transport;
  /** Retries of 429/503 before the refusal is thrown. @default 4 */
  readonly maxRetries?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type QueryValues = Readonly<Record<string, string | number | boolean | undefined>>;

/** One call of an operation, beyond its route. */
export interface OperationInput {
  /** Path parameters by name, e.g. `{ id }` or `{ id, n: 2 }`. */
  readonly path?: Readonly<Record<string, string | number>>;
  readonly query?: QueryValues;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestInit['body'];
  /** Replaces the client's token for this call; `null` sends none. */
  readonly token?: string | null;
  readonly onUploadProgress?: ProgressListener;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

export class ApiClient {
  protected readonly transport: Transport;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(readonly options: ApiClientOptions) {
    this.transport = options.transport ?? ((url, init) => fetch(url, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The URL of an operation, its path parameters filled in and encoded. */
  operationUrl(operationId: OperationId, input: Pick<OperationInput, 'path' | 'query'> = {}): { method: string; url: string } {
    const route = ROUTES.find((candidate) => candidate.operationId === operationId);
    if (!route) throw new Error(`No route for ${operationId}`);
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(input.path?.[name] ?? '')));
    return { method: route.method, url: withQuery(`${this.options.baseUrl}${path}`, input.query) };
  }

  /**
   * One exchange with an operation, whatever it answers: no retries, no checks. For callers that
   * judge the answer themselves (the contract tests).
   */
  async exchange(operationId: OperationId, input: OperationInput = {}): Promise<Response> {
    const { method, url } = this.operationUrl(operationId, input);
    const token = input.token === undefined ? await this.options.token?.() : (input.token ?? undefined);
    return this.send(url, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...input.headers },
      body: input.body,
      redirect: 'manual',
      ...(input.onUploadProgress ? { onUploadProgress: input.onUploadProgress } : {}),
    });
  }

  /**
   * Calls an operation, retrying throttled and unavailable answers; the response when it
   * succeeded (or answered one of `accept`), else the refusal thrown.
   */
  async request(operationId: OperationId, input: OperationInput = {}, accept: readonly number[] = []): Promise<Response> {
    const maxRetries = this.options.maxRetries ?? 4;
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.exchange(operationId, input);
      if (RETRIED_STATUSES.has(response.status) && attempt <= maxRetries) {
        await response.body?.cancel();
        await this.sleep(retryDelayMs(response.headers.get('retry-after'), attempt));
        continue;
      }
      if (response.ok || accept.includes(response.status)) return response;
      throw this.failed(await refusal(response));
    }
  }

  /** Calls an operation and reads its JSON answer, with the response's headers. */
  async call<T>(operationId: OperationId, input: OperationInput = {}): Promise<{ body: T; headers: Headers }> {
    const response = await this.request(operationId, input);
    const text = await response.text();
    return { body: (text === '' ? undefined : JSON.parse(text)) as T, headers: response.headers };
  }

  // --- Documents ------------------------------------------------------------------------------

  /** `POST /v1/documents`: the PDF in the body. `replayed` when an Idempotency-Key matched an earlier upload. */
  async uploadDirect(
    pdf: Blob | Uint8Array,
    options: { filename?: string; idempotencyKey?: string; lane?: string; onProgress?: ProgressListener } = {},
  ): Promise<DirectUploadAccepted & { replayed: boolean }> {
    const { body, headers } = await this.call<DirectUploadAccepted>('uploadDocument', {
      query: { filename: options.filename, lane: options.lane },
      headers: { 'Content-Type': 'application/pdf', ...idempotencyHeader(options.idempotencyKey) },
      body: pdf as RequestInit['body'],
      onUploadProgress: options.onProgress,
    });
    return { ...body, replayed: headers.get('idempotent-replayed') === 'true' };
  }

  /** `POST /v1/uploads`: a presigned POST for a file of `size` bytes. */
  async createUpload(
    request: { filename: string; size: number; lane?: string },
    idempotencyKey?: string,
  ): Promise<UploadCreated & { replayed: boolean }> {
    const { body, headers } = await this.call<UploadCreated>('createUpload', {
      headers: { ...JSON_HEADERS, ...idempotencyHeader(idempotencyKey) },
      body: JSON.stringify(request),
    });
    return { ...body, replayed: headers.get('idempotent-replayed') === 'true' };
  }

  /** Sends the file to a presigned POST as a browser form does; storage's refusal is thrown with S3's code. */
  async postUploadForm(upload: PresignedPost, file: Blob | Uint8Array, filename: string, onProgress?: ProgressListener): Promise<void> {
    const response = await this.send(upload.url, { method: 'POST', body: uploadForm(upload, file, filename), ...(onProgress ? { onUploadProgress: onProgress } : {}) });
    if (!response.ok) {
      // S3 answers in XML: its <Code> is what a person needs (EntityTooLarge, AccessDenied, …).
      const text = await response.text();
      const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP_${response.status}`;
      throw this.failed(new ApiRequestError(response.status, code, `The upload to storage was refused: ${code}`, undefined, 'storage'));
    }
    await response.body?.cancel();
  }

  async listDocuments(query: { limit?: number; cursor?: string; status?: string; ownerId?: string } = {}): Promise<DocumentList> {
    return (await this.call<DocumentList>('listDocuments', { query })).body;
  }

  async getDocument(documentId: string): Promise<DocumentView> {
    return (await this.call<DocumentView>('getDocument', { path: { id: documentId } })).body;
  }

  async deleteDocument(documentId: string): Promise<DeleteAccepted> {
    return (await this.call<DeleteAccepted>('deleteDocument', { path: { id: documentId } })).body;
  }

  async reprocessDocument(documentId: string): Promise<ReprocessAccepted> {
    return (await this.call<ReprocessAccepted>('reprocessDocument', { path: { id: documentId } })).body;
  }

  async listPages(documentId: string, query: { limit?: number; cursor?: string } = {}): Promise<PageList> {
    return (await this.call<PageList>('listDocumentPages', { path: { id: documentId }, query })).body;
  }

  /** Every page in order, across cursors, with text and tables too large to inline read from their URLs. */
  async *allPages(documentId: string, pagesPerRequest = 50): AsyncGenerator<PageView & { text: string }> {
    let cursor: string | undefined;
    do {
      const answer = await this.listPages(documentId, { limit: pagesPerRequest, cursor });
      for (const page of answer.pages) {
        const text = page.text ?? (page.textUrl ? await (await this.fetchSigned(page.textUrl)).text() : '');
        const tables = page.tables ?? (page.tablesUrl ? ((await (await this.fetchSigned(page.tablesUrl)).json()) as PageView['tables']) : undefined);
        yield { ...page, text, ...(tables ? { tables } : {}) };
      }
      cursor = answer.nextCursor;
    } while (cursor);
  }

  /** Every table of the document, in page order, joined across page breaks. */
  async listTables(documentId: string): Promise<TableList> {
    return (await this.call<TableList>('listDocumentTables', { path: { id: documentId } })).body;
  }

  /** One table of the document as CSV (RFC 4180); `table` counts from 1. */
  async tableCsv(documentId: string, table: number): Promise<string> {
    return (await this.request('listDocumentTables', { path: { id: documentId }, query: { format: 'csv', table } })).text();
  }

  /** A page's layout; one too large to inline is read from the short-lived URL the API redirects to. */
  async getPageLayout(documentId: string, pageNumber: number): Promise<PageLayout> {
    const response = await this.request('getPageLayout', { path: { id: documentId, n: pageNumber } }, [303]);
    const location = response.headers.get('location');
    if (response.status === 303 && location) {
      await response.body?.cancel();
      return (await (await this.fetchSigned(location)).json()) as PageLayout;
    }
    return (await response.json()) as PageLayout;
  }

  /** The document's Markdown; one too large to inline is read from the short-lived URL the API redirects to. */
  async getMarkdown(documentId: string): Promise<string> {
    const response = await this.request('getDocumentMarkdown', { path: { id: documentId } }, [303]);
    const location = response.headers.get('location');
    if (response.status === 303 && location) {
      await response.body?.cancel();
      return (await this.fetchSigned(location)).text();
    }
    return response.text();
  }

  /** One page of the document's retrieval chunks, in order. */
  async listChunks(documentId: string, query: { limit?: number; cursor?: string } = {}): Promise<ChunkList> {
    return (await this.call<ChunkList>('listDocumentChunks', { path: { id: documentId }, query })).body;
  }

  /** The short-lived URL `GET /v1/documents/{id}/file` redirects to. */
  async fileUrl(documentId: string): Promise<string> {
    const response = await this.request('downloadDocumentFile', { path: { id: documentId } }, [303]);
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (response.status !== 303 || !location) {
      throw this.failed(new ApiRequestError(response.status, 'NO_REDIRECT', `Expected a 303 to the file, got ${response.status}`));
    }
    return location;
  }

  async getUsage(query: { from?: string; to?: string; ownerId?: string } = {}): Promise<UsageView> {
    return (await this.call<UsageView>('getUsage', { query })).body;
  }

  // --- Webhooks -------------------------------------------------------------------------------

  async createWebhook(request: CreateWebhookRequest): Promise<WebhookCreated> {
    return (await this.call<WebhookCreated>('createWebhook', { headers: JSON_HEADERS, body: JSON.stringify(request) })).body;
  }

  /** The caller's webhooks; `all` (admins) every owner's, across cursors. */
  async listWebhooks(options: { all?: boolean } = {}): Promise<WebhookSummary[]> {
    const webhooks: WebhookSummary[] = [];
    let cursor: string | undefined;
    do {
      const query = options.all ? { all: 'true', limit: 100, cursor } : {};
      const { body } = await this.call<WebhookList>('listWebhooks', { query });
      webhooks.push(...body.webhooks);
      cursor = body.nextCursor;
    } while (cursor);
    return webhooks;
  }

  async deleteWebhook(webhookId: string): Promise<void> {
    await (await this.request('deleteWebhook', { path: { id: webhookId } })).body?.cancel();
  }

  async testWebhook(webhookId: string): Promise<DeliveryQueued> {
    return (await this.call<DeliveryQueued>('testWebhook', { path: { id: webhookId } })).body;
  }

  async listWebhookDeliveries(webhookId: string, limit?: number): Promise<WebhookDeliveryList> {
    return (await this.call<WebhookDeliveryList>('listWebhookDeliveries', { path: { id: webhookId }, query: { limit } })).body;
  }

  async redeliverWebhookMessage(webhookId: string, messageId: string): Promise<DeliveryQueued> {
    return (await this.call<DeliveryQueued>('redeliverWebhookMessage', { path: { id: webhookId, messageId } })).body;
  }

  async rotateWebhookSecret(webhookId: string): Promise<SecretRotated> {
    return (await this.call<SecretRotated>('rotateWebhookSecret', { path: { id: webhookId } })).body;
  }

  async enableWebhook(webhookId: string): Promise<WebhookSummary> {
    return (await this.call<WebhookSummary>('enableWebhook', { path: { id: webhookId } })).body;
  }

  // --- Plumbing -------------------------------------------------------------------------------

  /** A presigned URL the API handed out (a download, a spilled page): no token, it carries its own. */
  async fetchSigned(url: string): Promise<Response> {
    const response = await this.send(url, { method: 'GET' });
    if (!response.ok) {
      await response.body?.cancel();
      throw this.failed(new ApiRequestError(response.status, `HTTP_${response.status}`, `${url} answered ${response.status} (the link may have expired; try again)`));
    }
    return response;
  }

  /**
   * Turns a refusal or an unreachable server into what the caller throws; the CLI makes errors
   * that carry an exit code and a hint.
   */
  protected failed(error: ApiRequestError | ApiUnreachableError): Error {
    return error;
  }

  private async send(url: string, init: TransportInit): Promise<Response> {
    try {
      return await this.transport(url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      const { origin, pathname } = new URL(url);
      throw this.failed(new ApiUnreachableError(`${origin}${pathname}`, reason));
    }
  }
}

/** The form exactly as presigned: every field, then the file last (S3 ignores fields after it). */
export function uploadForm(upload: PresignedPost, file: Blob | Uint8Array, filename: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', file instanceof Blob ? file : new Blob([file as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), filename);
  return form;
}

/** An answer that is not a success, as the error it stands for. */
export async function refusal(response: Response): Promise<ApiRequestError> {
  const text = await response.text();
  let code = `HTTP_${response.status}`;
  let detail = text.slice(0, 300) || response.statusText || `The server answered ${response.status}.`;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') detail = parsed.error.message;
  } catch {
    // not the API's JSON (a proxy's page): keep the text
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  return new ApiRequestError(response.status, code, detail, Number.isFinite(retryAfter) ? retryAfter : undefined);
}

function withQuery(base: string, query: QueryValues = {}): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

const idempotencyHeader = (key: string | undefined): Record<string, string> => (key ? { 'Idempotency-Key': key } : {});
