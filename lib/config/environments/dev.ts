/** dev: new accounts, test data, every deploy at once; the local runtime runs this config too. */
import type { EnvironmentConfig } from '../schema.js';
import { baseApi, baseEvents, baseExtraction, baseMarkdown, baseOcr, baseQueue, baseWebhooks, CLI_LOGIN_CALLBACK_URL } from './defaults.js';

export const dev: EnvironmentConfig = {
  envName: 'dev',
  region: 'eu-west-1',
  // Nothing reserved: dev runs in new accounts, whose concurrency quota of 10 leaves nothing to
  // reserve; the two lanes' 2 + 2 fit within that quota as it is.
  extraction: { ...baseExtraction, lanes: { interactive: { maxConcurrency: 2 }, bulk: { maxConcurrency: 2 } } },
  queue: baseQueue,
  storage: {
    removalPolicy: 'destroy',
    noncurrentVersionExpirationDays: 7,
    abortIncompleteMultipartUploadDays: 1,
    accessLogRetentionDays: 30,
  },
  observability: {
    logRetentionDays: 14,
    logLevel: 'DEBUG',
    alarms: {
      queueOldestMessageAgeSeconds: { interactive: 7200, bulk: 14400 },
      extractionErrorRatePercent: 25,
      extractionThrottles: 10,
      durationP99TimeoutShare: 0.9,
      concurrencyCapShare: 1,
      tableThrottles: 25,
      tableSystemErrors: 10,
      eventPublishingLagSeconds: 1800,
      apiServerErrorRatePercent: 10,
      apiLatencyP99Ms: 5000,
    },
  },
  events: baseEvents,
  api: {
    ...baseApi,
    allowedOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
    throttle: { rateLimit: 50, burstLimit: 100 },
    quotas: { uploadsPerMinute: 30, uploadsPerDay: 1000 },
    accessLogRetentionDays: 14,
  },
  auth: {
    callbackUrls: ['http://localhost:5173/auth/callback', CLI_LOGIN_CALLBACK_URL],
    logoutUrls: ['http://localhost:5173/'],
    mfa: 'OPTIONAL',
    accessTokenValidityMinutes: 60,
  },
  audit: { retentionDays: 30 },
  // Test data: a month is enough to look back at a run; each deploy goes out at once.
  retention: { documentDays: 30 },
  usage: { reuseIdenticalDocuments: true, retentionDays: 90 },
  deployment: { lambdaConfig: 'ALL_AT_ONCE', aliasErrorsPerMinute: 5 },
  web: { enabled: true },
  ocr: { ...baseOcr, maxPagesPerDocument: 5 },
  webhooks: baseWebhooks,
  markdown: baseMarkdown,
};
