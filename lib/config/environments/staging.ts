/** staging: production's shape at a smaller size, where releases roll out gradually first. */
import type { EnvironmentConfig } from '../schema.js';
import { baseApi, baseEvents, baseExtraction, baseMarkdown, baseOcr, baseQueue, baseWebhooks, CLI_LOGIN_CALLBACK_URL } from './defaults.js';

export const staging: EnvironmentConfig = {
  envName: 'staging',
  region: 'eu-west-1',
  // Interactive keeps the larger share; both lanes at the event source minimum of 2 or more.
  extraction: {
    ...baseExtraction,
    // The lanes' 4 + 2 and their shard queues' 2 + 2.
    reservedConcurrency: 10,
    lanes: { interactive: { maxConcurrency: 4 }, bulk: { maxConcurrency: 2 } },
  },
  queue: baseQueue,
  storage: {
    removalPolicy: 'destroy',
    noncurrentVersionExpirationDays: 14,
    abortIncompleteMultipartUploadDays: 1,
    accessLogRetentionDays: 90,
  },
  observability: {
    logRetentionDays: 30,
    logLevel: 'INFO',
    alarms: {
      queueOldestMessageAgeSeconds: { interactive: 3600, bulk: 14400 },
      extractionErrorRatePercent: 10,
      extractionThrottles: 1,
      durationP99TimeoutShare: 0.8,
      concurrencyCapShare: 0.8,
      tableThrottles: 10,
      tableSystemErrors: 5,
      eventPublishingLagSeconds: 900,
      apiServerErrorRatePercent: 5,
      apiLatencyP99Ms: 3000,
    },
  },
  events: baseEvents,
  api: {
    ...baseApi,
    allowedOrigins: ['https://staging.pdf-pipeline.example.com'],
    throttle: { rateLimit: 100, burstLimit: 200 },
    quotas: { uploadsPerMinute: 30, uploadsPerDay: 2000 },
    accessLogRetentionDays: 30,
  },
  auth: {
    callbackUrls: ['https://staging.pdf-pipeline.example.com/auth/callback', CLI_LOGIN_CALLBACK_URL],
    logoutUrls: ['https://staging.pdf-pipeline.example.com/'],
    mfa: 'OPTIONAL',
    accessTokenValidityMinutes: 60,
  },
  audit: { retentionDays: 90 },
  // A quarter: several release cycles of documents to reproduce a problem with.
  retention: { documentDays: 90 },
  usage: { reuseIdenticalDocuments: true, retentionDays: 400 },
  deployment: { lambdaConfig: 'LINEAR_10PERCENT_EVERY_1MINUTE', aliasErrorsPerMinute: 1 },
  // The staging and prod apps are hosted at their own domains (api.allowedOrigins).
  web: { enabled: false },
  ocr: baseOcr,
  webhooks: baseWebhooks,
  markdown: baseMarkdown,
};
