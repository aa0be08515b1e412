/** prod: customers' documents, kept a year and retained with the stack; canary deploys. */
import type { EnvironmentConfig } from '../schema.js';
import { baseApi, baseEvents, baseExtraction, baseMarkdown, baseOcr, baseQueue, baseWebhooks, CLI_LOGIN_CALLBACK_URL } from './defaults.js';

export const prod: EnvironmentConfig = {
  envName: 'prod',
  region: 'eu-west-1',
  extraction: {
    ...baseExtraction,
    memoryMb: 3008,
    // The lanes' 12 + 8 and their shard queues' 8 + 4: a scan's shards read nine at a time
    // in the interactive lane (see the README's latency model).
    reservedConcurrency: 32,
    lanes: { interactive: { maxConcurrency: 12 }, bulk: { maxConcurrency: 8 } },
    sharding: { ...baseExtraction.sharding, maxConcurrency: { interactive: 8, bulk: 4 } },
  },
  queue: baseQueue,
  storage: {
    removalPolicy: 'retain',
    noncurrentVersionExpirationDays: 30,
    abortIncompleteMultipartUploadDays: 1,
    accessLogRetentionDays: 365,
  },
  observability: {
    logRetentionDays: 90,
    logLevel: 'INFO',
    alarms: {
      queueOldestMessageAgeSeconds: { interactive: 1800, bulk: 7200 },
      extractionErrorRatePercent: 5,
      extractionThrottles: 1,
      durationP99TimeoutShare: 0.8,
      concurrencyCapShare: 0.8,
      tableThrottles: 5,
      tableSystemErrors: 5,
      eventPublishingLagSeconds: 300,
      apiServerErrorRatePercent: 1,
      apiLatencyP99Ms: 2000,
    },
  },
  events: baseEvents,
  api: {
    ...baseApi,
    allowedOrigins: ['https://app.pdf-pipeline.example.com'],
    throttle: { rateLimit: 500, burstLimit: 1000 },
    quotas: { uploadsPerMinute: 60, uploadsPerDay: 5000 },
    accessLogRetentionDays: 90,
  },
  auth: {
    callbackUrls: ['https://app.pdf-pipeline.example.com/auth/callback', CLI_LOGIN_CALLBACK_URL],
    logoutUrls: ['https://app.pdf-pipeline.example.com/'],
    mfa: 'OPTIONAL',
    accessTokenValidityMinutes: 60,
  },
  audit: { retentionDays: 365 },
  // A year of a customer's documents; anything kept longer belongs in the customer's own archive.
  retention: { documentDays: 365 },
  usage: { reuseIdenticalDocuments: true, retentionDays: 800 },
  deployment: { lambdaConfig: 'CANARY_10PERCENT_5MINUTES', aliasErrorsPerMinute: 1 },
  web: { enabled: false },
  // prod's 3008 MB gives the pool two workers: twice the pages within the document deadline.
  ocr: { ...baseOcr, maxPagesPerDocument: 20 },
  webhooks: baseWebhooks,
  markdown: baseMarkdown,
};
