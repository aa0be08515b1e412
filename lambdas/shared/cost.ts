/**
 * Cost estimates from usage figures and a price table: pure functions, so the same arithmetic
 * serves `GET /v1/usage`, `pdf-pipeline usage` and `pdf-pipeline cost`, and is tested with a fixed
 * price table.
 *
 * What is metered per document (`usage.ts`) is priced directly: GB-seconds, Textract pages, S3
 * PUTs and bytes, DynamoDB writes. What is not metered (requests around a document: the API calls
 * that upload it and read it back, the queue's send/receive/delete, the event put on the bus) is
 * priced per document from `REQUEST_MODEL`, whose figures say what they assume.
 */
import type { Price, PriceTable } from './prices.js';
import { sumUsage, type Consumption } from './usage.js';

/** Requests a document causes besides what is metered, per document that reached an outcome. */
export interface RequestModel {
  /** API Gateway REST requests, each also one Lambda invocation of the API function. */
  readonly apiRequests: number;
  /** Extraction invocations (1: a batch of several documents is counted as one each, an upper bound). */
  readonly extractionInvocations: number;
  /** Stream batches the document-event publisher is invoked for. */
  readonly eventInvocations: number;
  readonly sqsRequests: number;
  readonly eventBridgeEvents: number;
  /** S3 GETs: the extractor reads the source once; a download or layout read adds more. */
  readonly s3Gets: number;
  /** DynamoDB read request units: the claim's read, the API's reads of record and pages. */
  readonly dynamoDbReads: number;
  /** Bytes a page's item keeps in the table (text inline up to 350 KB; typical pages are a few KB). */
  readonly dynamoDbBytesPerPage: number;
}

/**
 * The request model of a typical API upload: POST /v1/documents, two status polls and one page
 * listing (4 API requests); the S3 notification's SendMessage, one ReceiveMessage and one
 * DeleteMessage (3 SQS requests); a `Document Completed` or `Failed` event; one GET of the source;
 * 4 reads (claim, status polls, page listing).
 */
export const REQUEST_MODEL: RequestModel = {
  apiRequests: 4,
  extractionInvocations: 1,
  eventInvocations: 1,
  sqsRequests: 3,
  eventBridgeEvents: 1,
  s3Gets: 1,
  dynamoDbReads: 4,
  dynamoDbBytesPerPage: 3 * 1024,
};

export interface CostLine {
  readonly service: 'Lambda' | 'SQS' | 'S3' | 'DynamoDB' | 'Textract' | 'API Gateway' | 'EventBridge';
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface CostEstimate {
  readonly region: string;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
}

const GB = 1024 ** 3;

/**
 * The estimated cost of some usage. Storage is priced for one month of what the usage added (the
 * bytes a range of days stored, kept one month), since the usage says what was stored, not for how
 * long.
 */
export function estimateCost(usage: Consumption, prices: PriceTable, model: RequestModel = REQUEST_MODEL): CostEstimate {
  const total = sumUsage([usage]);
  const documents = total.documentsCompleted + total.documentsFailed;
  const line = (service: CostLine['service'], item: string, quantity: number, price: Price, perUnits = 1): CostLine => ({
    service,
    item,
    quantity,
    unit: price.unit,
    usd: (quantity / perUnits) * price.usd,
  });
  const invocations = documents * (model.apiRequests + model.extractionInvocations + model.eventInvocations);
  const lines: CostLine[] = [
    line('Lambda', 'extraction duration (GB-s)', total.gbSeconds, prices.lambdaArmGbSecond),
    line('Lambda', 'invocations', invocations, prices.lambdaRequestsPerMillion, 1e6),
    line('SQS', 'requests', documents * model.sqsRequests, prices.sqsRequestsPerMillion, 1e6),
    line('S3', 'storage of sources and results, one month (GB)', (total.sourceBytes + total.resultBytes) / GB, prices.s3StorageGbMonth),
    line('S3', 'PUT requests (sources and results)', total.s3Writes + documents, prices.s3PutPerThousand, 1e3),
    line('S3', 'GET requests', documents * model.s3Gets, prices.s3GetPerThousand, 1e3),
    line('DynamoDB', 'write request units', total.dynamoDbWrites, prices.dynamoDbWritesPerMillion, 1e6),
    line('DynamoDB', 'read request units', documents * model.dynamoDbReads, prices.dynamoDbReadsPerMillion, 1e6),
    line('DynamoDB', 'storage of page items, one month (GB)', (total.pages * model.dynamoDbBytesPerPage) / GB, prices.dynamoDbStorageGbMonth),
    line('Textract', 'DetectDocumentText pages', total.textractPages, prices.textractPage),
    line('API Gateway', 'REST requests', documents * model.apiRequests, prices.apiGatewayRestPerMillion, 1e6),
    line('EventBridge', 'custom events', documents * model.eventBridgeEvents, prices.eventBridgeEventsPerMillion, 1e6),
  ];
  return { region: prices.region, lines, totalUsd: lines.reduce((sum, entry) => sum + entry.usd, 0) };
}

/**
 * What one document and one page consume, measured (the bench and the load test) rather than
 * priced: the input of the scale-tier model.
 */
export interface MeasuredCosts {
  /** Extraction function memory the figures are for, MB. */
  readonly memoryMb: number;
  /** Function wall time per page, and per document besides its pages (read, claim, record). */
  readonly msPerPage: number;
  readonly msPerDocument: number;
  readonly sourceBytesPerPage: number;
  /** Results written to S3 per page (the gzip layout), and the PUTs writing them. */
  readonly resultBytesPerPage: number;
  readonly s3WritesPerPage: number;
  /** DynamoDB WRUs: a page item of a few KB, and the document's own writes (create, claim, complete, usage). */
  readonly dynamoDbWritesPerPage: number;
  readonly dynamoDbWritesPerDocument: number;
  /** Share of pages that go to Textract (0 when OCR is off). */
  readonly textractShare: number;
}

/**
 * Figures for the prod extraction function (3,008 MB, one PDFium worker on its 1.7 vCPUs), from
 * the load test on a 2-core machine (README, "Load"): 166 pages/s and 17.5 documents/s with both
 * cores busy, i.e. 2 / 166 s ≈ 12 ms of one core per page, and 2 / 17.5 s ≈ 114 ms per document of
 * 9.5 pages on average, which leaves almost nothing per document besides its pages; 40 ms is kept for
 * the S3 read and the record's writes, which the emulators make cheaper than AWS does. Bytes: 50 KB
 * of PDF and a 6 KB gzip layout per page (typical of the corpus's text pages). Writes: a page item
 * of 2–3 KB is 3 WRUs; create or claim, complete and the usage item are 4 more per document.
 *
 * Checked against what the pipeline meters (`npm run loadtest` prints its owners' usage), 80
 * documents of generated pages, 8.8 pages each, on 2026-12-05: 3.47 write units per page (the model
 * says 3 + 4 / 8.8 = 3.45) and 1.00 PUT per page, with 2.6 KB of results per page (generated pages
 * are sparser than the corpus's). Its milliseconds (69 per page + 987 per document, fitted over the
 * runs) were taken with a load average of 15 on the 2 cores, which stretches wall time several
 * fold, so the idle machine's 12 ms per page stands.
 */
export const MEASURED_COSTS: MeasuredCosts = {
  memoryMb: 3008,
  msPerPage: 12,
  msPerDocument: 40,
  sourceBytesPerPage: 50 * 1024,
  resultBytesPerPage: 6 * 1024,
  s3WritesPerPage: 1,
  dynamoDbWritesPerPage: 3,
  dynamoDbWritesPerDocument: 4,
  textractShare: 0,
};

export interface TierCost {
  readonly uploadsPerMinute: number;
  readonly documentsPerMonth: number;
  readonly pagesPerMonth: number;
  /** Extractions running at once on average: arrivals per second × seconds per document. */
  readonly averageConcurrency: number;
  readonly monthlyUsd: number;
  readonly usdPerDocument: number;
  readonly usdPerThousandPages: number;
  readonly estimate: CostEstimate;
}

/** Minutes in the 30-day month the tiers are priced over. */
export const MINUTES_PER_MONTH = 30 * 24 * 60;

/**
 * Monthly cost per scale tier. Method: a tier of U uploads a minute, sustained over a 30-day month,
 * is D = U × 43,200 documents of P pages; their consumption is the measured figures scaled (GB-s =
 * D × (msPerDocument + P × msPerPage) / 1000 × memoryMb / 1024, bytes, PUTs and WRUs likewise),
 * priced by `estimateCost` with its request model. Costs here scale linearly with volume (no free
 * tier, no volume discounts, which start far above 500 uploads a minute for every service but
 * Lambda's 7.5 billion GB-s); what changes with the tier is the concurrency it needs.
 */
export function costPerTier(
  uploadsPerMinute: readonly number[],
  pagesPerDocument: number,
  measured: MeasuredCosts,
  prices: PriceTable,
  model: RequestModel = REQUEST_MODEL,
): TierCost[] {
  if (!(Number.isFinite(pagesPerDocument) && pagesPerDocument >= 1)) throw new RangeError(`Pages per document must be at least 1, not ${pagesPerDocument}`);
  return uploadsPerMinute.map((uploads) => {
    if (!(Number.isFinite(uploads) && uploads > 0)) throw new RangeError(`Uploads per minute must be above 0, not ${uploads}`);
    const documents = uploads * MINUTES_PER_MONTH;
    const pages = documents * pagesPerDocument;
    const msPerDocument = measured.msPerDocument + pagesPerDocument * measured.msPerPage;
    const extractionMs = documents * msPerDocument;
    const estimate = estimateCost(
      {
        documentsCompleted: documents,
        pages,
        ocrPages: measured.textractShare > 0 ? { textract: pages * measured.textractShare } : {},
        extractionMs,
        gbSeconds: (extractionMs / 1000) * (measured.memoryMb / 1024),
        sourceBytes: pages * measured.sourceBytesPerPage,
        resultBytes: pages * measured.resultBytesPerPage,
        s3Writes: pages * measured.s3WritesPerPage,
        dynamoDbWrites: pages * measured.dynamoDbWritesPerPage + documents * measured.dynamoDbWritesPerDocument,
      },
      prices,
      model,
    );
    return {
      uploadsPerMinute: uploads,
      documentsPerMonth: documents,
      pagesPerMonth: pages,
      averageConcurrency: (uploads / 60) * (msPerDocument / 1000),
      monthlyUsd: estimate.totalUsd,
      usdPerDocument: estimate.totalUsd / documents,
      usdPerThousandPages: (estimate.totalUsd / pages) * 1000,
      estimate,
    };
  });
}
