/**
 * Runs our extractor as the deployed function does: the same pool, the same pre-parse checks
 * and the production limits from `lib/config.ts`.
 */
import { CONFIGS } from '../lib/config.js';
import { checkPdfBytes } from '../lambdas/extract/pdf-checks.js';
import { ExtractionPool, poolSizeForMemory, type ExtractionBounds } from '../lambdas/extract/pdf-extractor.js';
import { PermanentFailure } from '../lambdas/shared/errors.js';
import { extractionEnvironment } from '../lambdas/extract/contract.js';

const production = CONFIGS.prod.extraction;
/** As in lambdas/extract/handler.ts: the process may use this share of the function's memory. */
const RSS_BUDGET_SHARE = 0.9;

export const PRODUCTION_LIMITS = {
  maxPages: production.maxPages,
  maxPdfBytes: production.maxPdfBytes,
  documentTimeoutMs: production.documentTimeoutSeconds * 1000,
  heapLimitMb: production.workerMemoryMb,
  rssLimitMb: Math.floor(production.memoryMb * RSS_BUDGET_SHARE),
  functionMemoryMb: production.memoryMb,
  /** Workers one deployed function instance runs (one per vCPU Lambda grants its memory). */
  deployedPoolSize: poolSizeForMemory(production.memoryMb),
} as const;

/** NODE_OPTIONS the stack gives the function (source maps on, which costs start-up time). */
export const PRODUCTION_NODE_OPTIONS = extractionEnvironment(CONFIGS.prod).NODE_OPTIONS ?? '';

export function productionPool(size: number): ExtractionPool {
  return new ExtractionPool({ size, heapLimitMb: PRODUCTION_LIMITS.heapLimitMb, engineHeapBudgetMb: production.engineHeapBudgetMb });
}

/** Bounds of a document that has its full own budget, as when an invocation has time to spare. */
function productionBounds(): ExtractionBounds {
  return {
    maxPages: PRODUCTION_LIMITS.maxPages,
    deadline: Date.now() + PRODUCTION_LIMITS.documentTimeoutMs,
    fullBudget: true,
    rssLimitMb: PRODUCTION_LIMITS.rssLimitMb,
  };
}

export interface ExtractionResult {
  readonly ms: number;
  /** Pages delivered; counted as extracted only when the document succeeded. */
  readonly pages: number;
  /** The page texts in page order, joined by newlines; empty unless kept. */
  readonly text: string;
  /** Failure code when the document failed: a PermanentFailure code, or TRANSIENT. */
  readonly failure?: string;
  readonly failureMessage?: string;
}

/**
 * Extracts one PDF, timed from the pre-parse checks to the last page (or the failure). Texts are
 * kept only when asked, so a memory measurement need not include them.
 */
export async function extractWithPool(
  pool: ExtractionPool,
  bytes: Uint8Array,
  options: { keepText: boolean },
): Promise<ExtractionResult> {
  const pageTexts: string[] = [];
  let pages = 0;
  const startedAt = performance.now();
  try {
    checkPdfBytes(bytes, PRODUCTION_LIMITS.maxPdfBytes);
    await pool.extract(bytes, productionBounds(), {
      document: () => undefined,
      page: (page) => {
        pages += 1;
        if (options.keepText) pageTexts[page.pageNumber - 1] = page.text;
      },
    });
    const ms = performance.now() - startedAt;
    return { ms, pages, text: pageTexts.join('\n') };
  } catch (error) {
    const ms = performance.now() - startedAt;
    // A TransientFailure (e.g. the memory budget passed while several parses ran) would be retried.
    const failure = error instanceof PermanentFailure ? error.code : 'TRANSIENT';
    const failureMessage = error instanceof Error ? error.message : String(error);
    return { ms, pages, text: '', failure, failureMessage };
  }
}
