/**
 * The page's decisions, kept apart from the DOM so they can be tested on their own: which route
 * a file takes, how often a document is polled, and how an API error reads to a person.
 */
import { ApiRequestError, ApiUnreachableError } from '../../api-client/api-client.js';
import { chooseUploadRoute, type UploadRoute } from '../../api-client/upload-route.js';

export type { UploadRoute };

export type UploadPlan =
  | { readonly route: UploadRoute }
  | { readonly refused: string };

/** The limits as `config.json` gives them. */
export interface UploadLimits {
  readonly maxDirectUploadBytes: number;
  readonly maxUploadBytes: number;
}

/**
 * Chooses the route by the API's limits, with the rule every client shares
 * (`api-client/upload-route.ts`). Files the API would refuse are refused here, before a byte is
 * sent.
 */
export function planUpload(file: { readonly name: string; readonly size: number; readonly type: string }, limits: UploadLimits): UploadPlan {
  if (!looksLikePdf(file)) return { refused: 'Not a PDF: choose files ending in .pdf.' };
  if (file.size === 0) return { refused: 'The file is empty.' };
  const route = chooseUploadRoute(file.size, { maxDirectUploadBytes: limits.maxDirectUploadBytes, maxPresignedUploadBytes: limits.maxUploadBytes });
  if (route === undefined) {
    return { refused: `Too large: ${formatBytes(file.size)}, the limit is ${formatBytes(limits.maxUploadBytes)}.` };
  }
  return { route };
}

/** The browser's type when it knows one, else the name: some systems report PDFs as `""`. */
export function looksLikePdf(file: { readonly name: string; readonly type: string }): boolean {
  if (file.type === 'application/pdf') return true;
  return file.type === '' || file.type === 'application/octet-stream' ? /\.pdf$/i.test(file.name) : false;
}

/** Statuses a document never leaves. */
export const TERMINAL_STATUSES: readonly string[] = ['COMPLETED', 'FAILED'];

export const isTerminal = (status: string): boolean => TERMINAL_STATUSES.includes(status);

/** Polling: quick at first (a small PDF is done in about a second), then every 5 s at most. */
export const POLL_BACKOFF = { initialMs: 500, factor: 1.5, maxMs: 5_000 } as const;

/** How long to wait before status check number `attempt` (0-based). */
export function pollDelayMs(attempt: number, backoff: typeof POLL_BACKOFF = POLL_BACKOFF): number {
  return Math.min(backoff.maxMs, Math.round(backoff.initialMs * backoff.factor ** Math.max(0, attempt)));
}

/**
 * What to tell a person about a failed call: the API's own message and code when the body has
 * the API's error shape (`{"error":{"code","message"}}`), else the HTTP status.
 */
export function describeFailure(status: number, body: unknown, retryAfterSeconds?: number): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  let message =
    error && typeof error.message === 'string' && typeof error.code === 'string'
      ? `${error.message} (${error.code})`
      : status === 0
        ? 'The request did not reach the server: check the connection.'
        : `The server answered ${status}.`;
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds)) {
    message += ` Try again in ${retryAfterSeconds} s.`;
  }
  return message;
}

/** What to tell a person about any failure of a call: the API's refusal, a dead network, or else its message. */
export function describeError(error: unknown): string {
  if (error instanceof ApiRequestError) {
    const body = error.code.startsWith('HTTP_') ? undefined : { error: { code: error.code, message: error.detail } };
    return describeFailure(error.status, body, error.retryAfterSeconds);
  }
  if (error instanceof ApiUnreachableError) return describeFailure(0, undefined);
  return error instanceof Error ? error.message : String(error);
}

/** `1.5 MB`, `820 KB`, `12 bytes`: sizes as people read them (powers of 1024, as the API's limits are set). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Whole-number percentage of an upload, never 100 before the server has answered. */
export function progressPercent(loaded: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(99, Math.floor((loaded / total) * 100));
}
