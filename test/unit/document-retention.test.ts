/**
 * Document retention: an extractor that never revives an expired document, and the retention
 * each environment sets. The expiry the stores write and judge reads by is specified against
 * DynamoDB Local (`test/integration/document-store.test.ts`, `page-store.test.ts`,
 * `document-listing-store.test.ts`), the local stand-in for TTL in `ttl-emulation.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { decideClaim } from '../../lambdas/extract/claim.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { CONFIGS, ENVIRONMENT_NAMES, validateConfig, type EnvironmentConfig } from '../../lib/config.js';
import { API_ENV, apiEnvironment } from '../../lambdas/api/contract.js';
import { EXTRACT_ENV, extractionEnvironment } from '../../lambdas/extract/contract.js';
import { sweepEnvironment } from '../../lambdas/sweep/contract.js';

const DOC_ID = '7b0a4a57-4d0e-4a57-9d39-3f1a2c3d4e5f';
const CREATED_AT = '2026-11-23T12:00:00.000Z';
const CREATED_S = Date.parse(CREATED_AT) / 1000;
const RETENTION_S = 30 * 24 * 3600;
const EXPIRES_AT = CREATED_S + RETENTION_S;

const record: DocumentRecord = {
  documentId: DOC_ID,
  ownerId: 'user-1',
  status: 'QUEUED',
  source: 'api',
  lane: 'interactive',
  bucket: 'docs',
  objectKey: `uploads/user-1/${DOC_ID}.pdf`,
  generation: 1,
  attempts: 0,
  createdAt: CREATED_AT,
  updatedAt: CREATED_AT,
};
describe('decideClaim for an expired document', () => {
  const delivery = { sequencer: '0A', receiveCount: 1, maxAttempts: 5 };

  it('skips a document whose expiry has passed, whatever its status', () => {
    // Arrange
    const expired = { ...record, sequencer: '0A', expiresAt: EXPIRES_AT };

    // Act
    const decision = decideClaim(expired, { ...delivery, nowSeconds: EXPIRES_AT });

    // Assert
    expect(decision).toEqual({ action: 'skip', reason: 'expired' });
  });

  it('claims the same document a second before it expires', () => {
    // Arrange
    const live = { ...record, sequencer: '0A', expiresAt: EXPIRES_AT };

    // Act
    const decision = decideClaim(live, { ...delivery, nowSeconds: EXPIRES_AT - 1 });

    // Assert
    expect(decision).toEqual({ action: 'claim', attempt: 1 });
  });
});

describe('retention settings', () => {
  it.each(ENVIRONMENT_NAMES)('tells the extractor, the API and the sweeper the %s retention in seconds', (envName) => {
    // Arrange
    const config = CONFIGS[envName];
    const seconds = String(config.retention.documentDays * 24 * 3600);

    // Act
    const environments = [extractionEnvironment(config), apiEnvironment(config), sweepEnvironment(config, { tableName: 'documents', bucketName: 'bucket' })];

    // Assert
    expect(environments.map((env) => env[EXTRACT_ENV.documentRetentionSeconds] ?? env[API_ENV.documentRetentionSeconds])).toEqual([
      seconds,
      seconds,
      seconds,
    ]);
  });

  it('keeps prod documents longer than staging, and staging longer than dev', () => {
    // Act
    const days = ENVIRONMENT_NAMES.map((envName) => CONFIGS[envName].retention.documentDays);

    // Assert
    expect(days).toEqual([30, 90, 365]);
  });

  it('refuses a retention no longer than the dead-letter queues keep messages', () => {
    // Arrange
    const config: EnvironmentConfig = { ...CONFIGS.dev, retention: { documentDays: CONFIGS.dev.queue.deadLetterRetentionDays } };

    // Act
    const validate = () => validateConfig(config);

    // Assert
    expect(validate).toThrow(/retention.documentDays must exceed queue.deadLetterRetentionDays/);
  });
});
