/**
 * Usage figures: what documents consumed, per owner and UTC day. Plain data and pure functions,
 * shared by the store that aggregates them (`usage-store.ts`), the cost estimate (`cost.ts`), the
 * API and the CLI.
 */

/**
 * What one or more documents consumed. Every field is a count to add; absent is zero. OCR pages are
 * counted per engine (`{ textract: 3 }`): Textract pages are billed per page, other engines run
 * inside the extraction function and cost its GB-seconds only.
 */
export interface Consumption {
  readonly documentsCompleted?: number;
  readonly documentsFailed?: number;
  /** Completed from an identical earlier document without extraction (also counted in `documentsCompleted`). */
  readonly documentsReused?: number;
  /** Pages extracted (not counting reused pages, which cost no extraction). */
  readonly pages?: number;
  readonly ocrPages?: Readonly<Record<string, number>>;
  /** Wall-clock milliseconds the extraction function spent on the documents. */
  readonly extractionMs?: number;
  /** Extraction milliseconds × the function's memory in GB / 1000: what Lambda bills. */
  readonly gbSeconds?: number;
  /** Bytes of the uploaded PDFs kept in the bucket. */
  readonly sourceBytes?: number;
  /** Bytes of results written to S3 (layouts, spilled text, tables, metadata). */
  readonly resultBytes?: number;
  /** S3 objects written for results (PUT requests). */
  readonly s3Writes?: number;
  /** DynamoDB write request units: record transitions and page items. */
  readonly dynamoDbWrites?: number;
}

/** The plain counters of a `Consumption`, in the order they are shown. */
export const USAGE_COUNTERS = [
  'documentsCompleted',
  'documentsFailed',
  'documentsReused',
  'pages',
  'extractionMs',
  'gbSeconds',
  'sourceBytes',
  'resultBytes',
  's3Writes',
  'dynamoDbWrites',
] as const;
export type UsageCounter = (typeof USAGE_COUNTERS)[number];

/** Usage totals with every counter present (zero when nothing was consumed). */
export type UsageTotals = { readonly [K in UsageCounter]: number } & {
  readonly ocrPages: Readonly<Record<string, number>>;
  /** `ocrPages.textract`: the pages Textract billed. */
  readonly textractPages: number;
};

/** One owner's usage on one UTC day. */
export interface DailyUsage extends UsageTotals {
  /** `yyyy-mm-dd`, UTC. */
  readonly day: string;
}

/** The OCR engine Textract is counted under. */
export const TEXTRACT_ENGINE = 'textract';

/** An OCR engine name: lower-case letters and digits, so it can be part of an attribute name. */
export const OCR_ENGINE_PATTERN = /^[a-z][a-z0-9]{0,31}$/;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `text` is a real calendar day written `yyyy-mm-dd`. */
export function isUsageDay(text: string): boolean {
  if (!DAY_PATTERN.test(text)) return false;
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** The UTC day of an instant, `yyyy-mm-dd`. */
export function usageDayOf(instant: Date | number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/** GB-seconds of `milliseconds` on a function of `memoryMb` (Lambda bills GB as 1024 MB). */
export function gbSecondsOf(milliseconds: number, memoryMb: number): number {
  return (milliseconds / 1000) * (memoryMb / 1024);
}

/**
 * Checks a consumption before it is recorded: every count finite and not negative, every OCR
 * engine a valid name. Throws a `RangeError` naming the first bad field.
 */
export function assertValidConsumption(consumption: Consumption): void {
  for (const counter of USAGE_COUNTERS) {
    const value = consumption[counter];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`Usage ${counter} must be a finite number of at least 0, not ${value}`);
    }
  }
  for (const [engine, pages] of Object.entries(consumption.ocrPages ?? {})) {
    if (!OCR_ENGINE_PATTERN.test(engine)) throw new RangeError(`OCR engine "${engine}" must match ${OCR_ENGINE_PATTERN}`);
    if (!(Number.isFinite(pages) && pages >= 0)) throw new RangeError(`OCR pages of ${engine} must be a finite number of at least 0, not ${pages}`);
  }
}

/** Totals with every counter at zero. */
export function emptyUsage(): UsageTotals {
  const counters = Object.fromEntries(USAGE_COUNTERS.map((counter) => [counter, 0])) as { [K in UsageCounter]: number };
  return { ...counters, ocrPages: {}, textractPages: 0 };
}

/** The sum of several usages (days of one owner, or owners of one day). */
export function sumUsage(usages: readonly Consumption[]): UsageTotals {
  const counters = Object.fromEntries(USAGE_COUNTERS.map((counter) => [counter, 0])) as { [K in UsageCounter]: number };
  const ocrPages: Record<string, number> = {};
  for (const usage of usages) {
    for (const counter of USAGE_COUNTERS) counters[counter] += usage[counter] ?? 0;
    for (const [engine, pages] of Object.entries(usage.ocrPages ?? {})) ocrPages[engine] = (ocrPages[engine] ?? 0) + pages;
  }
  return { ...counters, ocrPages, textractPages: ocrPages[TEXTRACT_ENGINE] ?? 0 };
}

/** What the extractor knows of one document once its outcome is recorded. */
export interface DocumentRun {
  /**
   * `partial`: a run that reached no outcome of the document (a shard of a long document, an attempt
   * that will be retried): its resources count, the document does not, yet.
   */
  readonly outcome: 'completed' | 'failed' | 'reused' | 'partial';
  /** Pages extracted (0 for a reused document: nothing was extracted). */
  readonly pages: number;
  readonly ocrPages?: Readonly<Record<string, number>>;
  /** Milliseconds from reading the object to recording the outcome, as the function measured them. */
  readonly durationMs: number;
  /** The extraction function's memory size (`context.memoryLimitInMB`). */
  readonly memoryMb: number;
  /** The PDF's size; counted as stored for every document kept (a reused one keeps its own object too). */
  readonly sourceBytes: number;
  readonly resultBytes?: number;
  readonly s3Writes?: number;
  readonly dynamoDbWrites?: number;
}

/**
 * The consumption of one document's run: what `recordUsage` adds for it. A reused document counts
 * as completed and reused, with the few milliseconds its copy took but none of the pages, which
 * cost no extraction.
 */
export function meterDocument(run: DocumentRun): Consumption {
  return {
    documentsCompleted: run.outcome === 'completed' || run.outcome === 'reused' ? 1 : 0,
    documentsFailed: run.outcome === 'failed' ? 1 : 0,
    documentsReused: run.outcome === 'reused' ? 1 : 0,
    pages: run.outcome === 'reused' ? 0 : run.pages,
    ...(run.ocrPages ? { ocrPages: run.ocrPages } : {}),
    extractionMs: run.durationMs,
    gbSeconds: gbSecondsOf(run.durationMs, run.memoryMb),
    sourceBytes: run.sourceBytes,
    resultBytes: run.resultBytes ?? 0,
    s3Writes: run.s3Writes ?? 0,
    dynamoDbWrites: run.dynamoDbWrites ?? 0,
  };
}
