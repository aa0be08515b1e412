/**
 * Cost estimates from a fixed price table (round prices, so every figure can be checked by hand),
 * the scale-tier model, and the price tables kept for the environments' regions.
 */
import { describe, expect, it } from 'vitest';
import { CONFIGS } from '../../lib/config.js';
import { MINUTES_PER_MONTH, costPerTier, estimateCost, type MeasuredCosts, type RequestModel } from '../../lambdas/shared/cost.js';
import { PRICE_TABLES, priceTableFor, type Price, type PriceTable } from '../../lambdas/shared/prices.js';

const price = (usd: number, unit = 'unit'): Price => ({ usd, unit, source: 'test', read: '2026-12-04' });
const PRICES: PriceTable = {
  region: 'test-1',
  lambdaArmGbSecond: price(0.00001),
  lambdaRequestsPerMillion: price(0.2),
  sqsRequestsPerMillion: price(0.4),
  s3StorageGbMonth: price(0.02),
  s3PutPerThousand: price(0.005),
  s3GetPerThousand: price(0.0004),
  dynamoDbWritesPerMillion: price(1),
  dynamoDbReadsPerMillion: price(0.2),
  dynamoDbStorageGbMonth: price(0.25),
  textractPage: price(0.0015),
  apiGatewayRestPerMillion: price(3.5),
  eventBridgeEventsPerMillion: price(1),
};
const MODEL: RequestModel = {
  apiRequests: 4,
  extractionInvocations: 1,
  eventInvocations: 1,
  sqsRequests: 3,
  eventBridgeEvents: 1,
  s3Gets: 1,
  dynamoDbReads: 4,
  dynamoDbBytesPerPage: 0,
};
const GB = 1024 ** 3;

const usd = (estimate: ReturnType<typeof estimateCost>, item: string) => estimate.lines.find((line) => line.item === item)?.usd;

describe('estimateCost', () => {
  it('prices metered figures directly and the requests around each document from the model', () => {
    // Arrange: a million documents, 100,000 GB-s, 2,000 Textract pages, 1 GB stored.
    const usage = {
      documentsCompleted: 900_000,
      documentsFailed: 100_000,
      gbSeconds: 100_000,
      ocrPages: { textract: 2000 },
      sourceBytes: GB / 2,
      resultBytes: GB / 2,
      s3Writes: 1_000_000,
      dynamoDbWrites: 5_000_000,
    };

    // Act
    const estimate = estimateCost(usage, PRICES, MODEL);

    // Assert
    expect(usd(estimate, 'extraction duration (GB-s)')).toBeCloseTo(1, 10);
    expect(usd(estimate, 'invocations')).toBeCloseTo(6 * 0.2, 10);
    expect(usd(estimate, 'requests')).toBeCloseTo(3 * 0.4, 10);
    expect(usd(estimate, 'storage of sources and results, one month (GB)')).toBeCloseTo(0.02, 10);
    expect(usd(estimate, 'PUT requests (sources and results)')).toBeCloseTo(2000 * 0.005, 10);
    expect(usd(estimate, 'GET requests')).toBeCloseTo(1000 * 0.0004, 10);
    expect(usd(estimate, 'write request units')).toBeCloseTo(5, 10);
    expect(usd(estimate, 'read request units')).toBeCloseTo(4 * 0.2, 10);
    expect(usd(estimate, 'DetectDocumentText pages')).toBeCloseTo(3, 10);
    expect(usd(estimate, 'REST requests')).toBeCloseTo(4 * 3.5, 10);
    expect(usd(estimate, 'custom events')).toBeCloseTo(1, 10);
    expect(estimate.totalUsd).toBeCloseTo(1 + 1.2 + 1.2 + 0.02 + 10 + 0.4 + 5 + 0.8 + 0 + 3 + 14 + 1, 10);
  });

  it('costs nothing for no usage', () => {
    expect(estimateCost({}, PRICES, MODEL).totalUsd).toBe(0);
  });
});

describe('costPerTier', () => {
  const measured: MeasuredCosts = {
    memoryMb: 1024,
    msPerPage: 100,
    msPerDocument: 0,
    sourceBytesPerPage: 0,
    resultBytesPerPage: 0,
    s3WritesPerPage: 0,
    dynamoDbWritesPerPage: 0,
    dynamoDbWritesPerDocument: 0,
    textractShare: 0,
  };

  it('scales a month of uploads at each tier and reports the concurrency each needs', () => {
    // Act: 10 and 500 uploads a minute of 10 pages, 1 s and 1 GB-s per document.
    const [small, large] = costPerTier([10, 500], 10, measured, PRICES, MODEL);

    // Assert
    expect(small!.documentsPerMonth).toBe(10 * MINUTES_PER_MONTH);
    expect(small!.pagesPerMonth).toBe(100 * MINUTES_PER_MONTH);
    expect(small!.averageConcurrency).toBeCloseTo(10 / 60, 10);
    expect(large!.averageConcurrency).toBeCloseTo(500 / 60, 10);
    const perDocument = 1 * 0.00001 + (6 * 0.2 + 3 * 0.4 + 4 * 3.5 + 1 + 4 * 0.2) / 1e6 + (1 * 0.005) / 1e3 + (1 * 0.0004) / 1e3;
    expect(small!.usdPerDocument).toBeCloseTo(perDocument, 12);
    expect(large!.usdPerDocument).toBeCloseTo(perDocument, 12);
    expect(large!.monthlyUsd).toBeCloseTo(50 * small!.monthlyUsd, 6);
    expect(small!.usdPerThousandPages).toBeCloseTo(perDocument * 100, 10);
  });

  it('prices Textract pages by the share of pages that need it', () => {
    const [tier] = costPerTier([10], 10, { ...measured, textractShare: 0.5 }, PRICES, MODEL);
    expect(tier!.estimate.lines.find((line) => line.service === 'Textract')!.quantity).toBe(50 * MINUTES_PER_MONTH);
  });

  it('refuses tiers and page counts that are no volume', () => {
    expect(() => costPerTier([0], 10, measured, PRICES)).toThrow(/above 0/);
    expect(() => costPerTier([10], 0, measured, PRICES)).toThrow(/at least 1/);
  });
});

describe('price tables', () => {
  it('has one for every environment region, each price with a source and the day it was read', () => {
    for (const config of Object.values(CONFIGS)) expect(priceTableFor(config.region)).toBeDefined();
    for (const table of Object.values(PRICE_TABLES)) {
      for (const [name, entry] of Object.entries(table)) {
        if (name === 'region') continue;
        expect(entry.usd, name).toBeGreaterThan(0);
        expect(entry.source, name).toMatch(/^https:\/\/aws\.amazon\.com\//);
        expect(entry.read, name).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });
});

describe('usage configuration', () => {
  it('refuses an environment in a region without a price table, and a usage retention under a day', async () => {
    const { validateConfig } = await import('../../lib/config.js');
    expect(() => validateConfig({ ...CONFIGS.dev, region: 'xx-nowhere-1' })).toThrow(/region xx-nowhere-1 has no price table/);
    expect(() => validateConfig({ ...CONFIGS.dev, usage: { reuseIdenticalDocuments: true, retentionDays: 0 } })).toThrow(/usage.retentionDays/);
  });
});
