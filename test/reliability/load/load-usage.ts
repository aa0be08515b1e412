/**
 * What a load run consumed, as the pipeline metered it: the usage of the run's owners (what
 * `GET /v1/usage` reports) per page and per document, and the extraction time split into a part
 * per document and a part per page by a least-squares fit over the runs the extractor logged.
 * These are the measured figures `MEASURED_COSTS` (`lambdas/shared/cost.ts`) is set from.
 */
import { readFileSync } from 'node:fs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UsageStore } from '../../../lambdas/shared/usage-store.js';
import { sumUsage, usageDayOf, type UsageTotals } from '../../../lambdas/shared/usage.js';
import { jsonLines } from '../../support/json-lines.js';

/** One completed document read in one run, from the extractor's `Object processed` line. */
export interface MeteredRun {
  readonly pages: number;
  readonly extractionMs: number;
}

/** The completed, extracted (not reused) single-run documents the extractor logged, with their metered figures. */
export function meteredRunsFromLog(text: string): MeteredRun[] {
  const runs: MeteredRun[] = [];
  for (const line of jsonLines(text)) {
    const entry = line as { message?: string; status?: string; consumption?: { documentsCompleted?: number; documentsReused?: number; pages?: number; extractionMs?: number } };
    const consumption = entry.consumption;
    if (entry.message !== 'Object processed' || entry.status !== 'completed' || !consumption) continue;
    if (consumption.documentsCompleted !== 1 || consumption.documentsReused || !consumption.pages) continue;
    runs.push({ pages: consumption.pages, extractionMs: consumption.extractionMs ?? 0 });
  }
  return runs;
}

/** Least squares of `extractionMs = msPerDocument + pages × msPerPage`; `undefined` without two page counts to tell apart. */
export function fitExtractionTime(runs: readonly MeteredRun[]): { readonly msPerDocument: number; readonly msPerPage: number } | undefined {
  const n = runs.length;
  const meanPages = runs.reduce((sum, run) => sum + run.pages, 0) / n;
  const meanMs = runs.reduce((sum, run) => sum + run.extractionMs, 0) / n;
  const spread = runs.reduce((sum, run) => sum + (run.pages - meanPages) ** 2, 0);
  if (n < 2 || spread === 0) return undefined;
  const msPerPage = runs.reduce((sum, run) => sum + (run.pages - meanPages) * (run.extractionMs - meanMs), 0) / spread;
  return { msPerDocument: meanMs - msPerPage * meanPages, msPerPage };
}

/** The usage of the run's owners from the day it started to the day it ended, summed. */
export async function usageOfOwners(client: DynamoDBDocumentClient, tableName: string, owners: readonly string[], startedAt: number, endedAt: number): Promise<UsageTotals> {
  const store = new UsageStore(client, tableName);
  const reports = await Promise.all(owners.map((owner) => store.usageBetween(owner, usageDayOf(startedAt), usageDayOf(endedAt))));
  return sumUsage(reports.map((report) => report.total));
}

/** The metered figures as lines for people. */
export function formatMeteredUsage(total: UsageTotals, fit: ReturnType<typeof fitExtractionTime>, runs: number): string {
  const documents = total.documentsCompleted + total.documentsFailed;
  const perPage = (value: number) => (total.pages ? value / total.pages : 0);
  return [
    `Metered usage of the run's owners: ${documents} documents (${total.documentsFailed} failed), ${total.pages} pages, ${total.gbSeconds.toFixed(1)} GB-s`,
    `  per page: ${perPage(total.extractionMs).toFixed(1)} ms, ${Math.round(perPage(total.resultBytes))} B of results in ${perPage(total.s3Writes).toFixed(2)} PUTs, ` +
      `${perPage(total.dynamoDbWrites).toFixed(2)} write units; ${Math.round(total.sourceBytes / Math.max(total.pages, 1))} B of PDF`,
    fit
      ? `  extraction time over ${runs} completed single-run documents: ${fit.msPerDocument.toFixed(0)} ms per document + ${fit.msPerPage.toFixed(1)} ms per page`
      : '  extraction time: too few documents of different lengths to split per document and per page',
  ].join('\n');
}

/** Reads the extractor's log (absent: no runs). */
export function readExtractLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
