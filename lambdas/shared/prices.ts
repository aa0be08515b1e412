/**
 * Public on-demand AWS prices the cost estimates use, per region, in US dollars: plain data, each
 * price with where it was read and when. Referenced by `lib/config.ts` (every environment's region
 * must have a table) and read by the API and the CLI for `GET /v1/usage` and `pdf-pipeline cost`.
 * It sits in `lambdas/shared/` rather than `lib/` because the API function reads it at run time, and
 * runtime code never imports infrastructure code.
 *
 * These are list prices of the first (smallest) tier, without free tiers, savings plans or data
 * transfer: an estimate for comparing choices, never a bill. Prices change; when they do, update the
 * value, its `source` and its `read` date together. `note` says how a figure was established when
 * the source was not the official page itself.
 */

export interface Price {
  /** US dollars per `unit`. */
  readonly usd: number;
  readonly unit: string;
  /** Where the figure was read. */
  readonly source: string;
  /** When it was read (yyyy-mm-dd). */
  readonly read: string;
  readonly note?: string;
}

export interface PriceTable {
  readonly region: string;
  /** Lambda duration on arm64 (Graviton), first tier. */
  readonly lambdaArmGbSecond: Price;
  readonly lambdaRequestsPerMillion: Price;
  /** Standard queues; every 64 KB chunk of a request counts as one (our messages are < 2 KB). */
  readonly sqsRequestsPerMillion: Price;
  /** S3 Standard, first 50 TB. */
  readonly s3StorageGbMonth: Price;
  readonly s3PutPerThousand: Price;
  readonly s3GetPerThousand: Price;
  /** On-demand, Standard table class. */
  readonly dynamoDbWritesPerMillion: Price;
  readonly dynamoDbReadsPerMillion: Price;
  readonly dynamoDbStorageGbMonth: Price;
  /** DetectDocumentText (plain OCR), first million pages a month. */
  readonly textractPage: Price;
  /** REST APIs, first 333 million requests a month. */
  readonly apiGatewayRestPerMillion: Price;
  /** Custom events put on a bus. */
  readonly eventBridgeEventsPerMillion: Price;
}

const READ = '2026-12-04';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const TEXTRACT = 'https://aws.amazon.com/textract/pricing/';
const API_GATEWAY = 'https://aws.amazon.com/api-gateway/pricing/';
const EVENTBRIDGE = 'https://aws.amazon.com/eventbridge/pricing/';

/** Prices that are the same in US East (N. Virginia) and Europe (Ireland). */
const SAME_IN_BOTH = {
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second',
    source: LAMBDA,
    read: READ,
    note: 'Arm price, first 7.5 billion GB-s a month; also quoted by cloudchipr.com/blog/aws-lambda-pricing.',
  },
  lambdaRequestsPerMillion: { usd: 0.2, unit: 'million requests', source: LAMBDA, read: READ },
  sqsRequestsPerMillion: {
    usd: 0.4,
    unit: 'million requests',
    source: SQS,
    read: READ,
    note: 'Standard queues, first 100 billion requests a month; also cloudburn.io/blog/amazon-sqs-pricing (March 2026).',
  },
  s3StorageGbMonth: { usd: 0.023, unit: 'GB-month', source: S3, read: READ, note: 'S3 Standard, first 50 TB a month.' },
  s3PutPerThousand: { usd: 0.005, unit: 'thousand PUT/COPY/POST/LIST requests', source: S3, read: READ },
  s3GetPerThousand: { usd: 0.0004, unit: 'thousand GET requests', source: S3, read: READ },
  textractPage: {
    usd: 0.0015,
    unit: 'page',
    source: TEXTRACT,
    read: READ,
    note: 'Detect Document Text API, first million pages a month ($1.50 per 1,000 pages).',
  },
  apiGatewayRestPerMillion: {
    usd: 3.5,
    unit: 'million requests',
    source: API_GATEWAY,
    read: READ,
    note: 'REST APIs, first 333 million a month; also docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html.',
  },
  eventBridgeEventsPerMillion: { usd: 1, unit: 'million custom events', source: EVENTBRIDGE, read: READ },
} as const satisfies Partial<Record<keyof PriceTable, Price>>;

export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  'us-east-1': {
    region: 'us-east-1',
    ...SAME_IN_BOTH,
    dynamoDbWritesPerMillion: {
      usd: 0.625,
      unit: 'million write request units',
      source: DYNAMODB,
      read: READ,
      note: 'After the November 2024 on-demand price cut; also airbyte.com/data-engineering-resources/dynamodb-pricing.',
    },
    dynamoDbReadsPerMillion: { usd: 0.125, unit: 'million read request units', source: DYNAMODB, read: READ },
    dynamoDbStorageGbMonth: { usd: 0.25, unit: 'GB-month', source: DYNAMODB, read: READ, note: 'First 25 GB a month are free.' },
  },
  'eu-west-1': {
    region: 'eu-west-1',
    ...SAME_IN_BOTH,
    dynamoDbWritesPerMillion: {
      usd: 0.7068,
      unit: 'million write request units',
      source: DYNAMODB,
      read: READ,
      note: 'Ireland before the cut was $1.4135 (engineering-ed7.pages.dev/docs/architecture/aws/services/dynamodb), halved by the November 2024 on-demand price cut.',
    },
    dynamoDbReadsPerMillion: {
      usd: 0.1415,
      unit: 'million read request units',
      source: DYNAMODB,
      read: READ,
      note: 'Ireland before the cut was $0.283, halved by the November 2024 on-demand price cut.',
    },
    dynamoDbStorageGbMonth: {
      usd: 0.283,
      unit: 'GB-month',
      source: DYNAMODB,
      read: READ,
      note: 'Standard table class in Ireland (engineering-ed7.pages.dev); first 25 GB a month are free.',
    },
  },
};

/** The price table of a region, or `undefined` when none is kept for it. */
export function priceTableFor(region: string): PriceTable | undefined {
  return PRICE_TABLES[region];
}
