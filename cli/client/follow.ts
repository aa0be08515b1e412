/** Following a document until it is COMPLETED or FAILED: polling with backoff, within a time limit. */
import { TERMINAL_STATUSES } from '../../lambdas/shared/contract.js';
import type { ApiClient, DocumentView } from './api-client.js';

export interface FollowOptions {
  /** Give up after this long; the last record seen is returned. */
  readonly timeoutMs: number;
  /** Told every status change. */
  readonly onStatus?: (status: string) => void;
  /** Told every record read while the document is in progress (a long document's `progress`). */
  readonly onProgress?: (document: DocumentView) => void;
  /** @default 500 */
  readonly initialDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** Delays between polls: from `initialMs`, 1.5 times longer each time, never above `maxMs`. */
export function* backoff(initialMs: number, maxMs: number): Generator<number, never> {
  for (let delay = initialMs; ; delay = Math.min(maxMs, Math.ceil(delay * 1.5))) yield delay;
}

export const isTerminal = (status: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(status);

/** The document once terminal, or as last seen when time ran out (`timedOut`). */
export async function followDocument(
  client: ApiClient,
  documentId: string,
  options: FollowOptions,
): Promise<{ readonly document: DocumentView; readonly timedOut: boolean }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const delays = backoff(options.initialDelayMs ?? 500, options.maxDelayMs ?? 5_000);
  let last: string | undefined;
  for (;;) {
    const document = await client.getDocument(documentId);
    if (document.status !== last) options.onStatus?.(document.status);
    else if (document.progress) options.onProgress?.(document);
    last = document.status;
    if (isTerminal(document.status)) return { document, timedOut: false };
    const remaining = deadline - now();
    if (remaining <= 0) return { document, timedOut: true };
    await sleep(Math.min(remaining, delays.next().value));
  }
}
