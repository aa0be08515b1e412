/**
 * Retention and backups in every environment: documents expire after `retention.documentDays`
 * (DynamoDB TTL on the table, lifecycle rules on each prefix of the bucket), the functions that
 * write or sweep documents know the retention, and every table keeps point-in-time recovery and
 * the document bucket its versions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIXES, NOTIFIED_PREFIXES, TABLE_LAYOUT } from '../../lambdas/shared/contract.js';
import { ENVIRONMENT_NAMES } from '../../lib/config.js';
import { environment, logicalId, propertiesOf, synthesizeEnvironments } from './app-fixture.js';
import { API_ENV } from '../../lambdas/api/contract.js';
import { EXTRACT_ENV } from '../../lambdas/extract/contract.js';
import { SWEEP_ENV } from '../../lambdas/sweep/contract.js';

beforeAll(synthesizeEnvironments);

interface LifecycleRule {
  readonly Id?: string;
  readonly Status: string;
  readonly Prefix?: string;
  readonly ExpirationInDays?: number;
  readonly NoncurrentVersionExpiration?: { readonly NoncurrentDays: number };
}

describe.each(ENVIRONMENT_NAMES)('retention (%s)', (envName) => {
  it('expires current objects under each original and results prefix after the retention', () => {
    // Arrange
    const { config, stack, template } = environment(envName);
    const expiring = [...NOTIFIED_PREFIXES, KEY_PREFIXES.results];

    // Act
    const { LifecycleConfiguration } = propertiesOf(template, logicalId(stack.storage.bucket)) as {
      LifecycleConfiguration: { Rules: LifecycleRule[] };
    };
    const byPrefix = LifecycleConfiguration.Rules.filter((rule) => rule.ExpirationInDays !== undefined);

    // Assert: one enabled rule per prefix, all with the configured days, and nothing else expiring current objects
    expect(byPrefix.map((rule) => rule.Prefix).sort()).toEqual([...expiring].sort());
    for (const rule of byPrefix) {
      expect(rule).toMatchObject({ Status: 'Enabled', ExpirationInDays: config.retention.documentDays });
    }
  });

  it('keeps expiring noncurrent versions as before, for the whole bucket', () => {
    // Arrange
    const { config, stack, template } = environment(envName);

    // Act
    const { LifecycleConfiguration } = propertiesOf(template, logicalId(stack.storage.bucket)) as {
      LifecycleConfiguration: { Rules: LifecycleRule[] };
    };

    // Assert
    expect(LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: config.storage.noncurrentVersionExpirationDays },
      }),
    );
    expect(LifecycleConfiguration.Rules.find((rule) => rule.NoncurrentVersionExpiration)?.Prefix).toBeUndefined();
  });

  it('has DynamoDB remove document items by their expiresAt', () => {
    // Arrange
    const { stack, template } = environment(envName);

    // Act
    const table = propertiesOf(template, logicalId(stack.storage.table));

    // Assert
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_LAYOUT.ttlAttribute, Enabled: true });
  });

  it('tells the extractor, the API function and the sweeper the retention in seconds', () => {
    // Arrange
    const { config, stack, template } = environment(envName);
    const seconds = String(config.retention.documentDays * 86_400);
    const variablesOf = (fn: Parameters<typeof logicalId>[0]) =>
      (propertiesOf(template, logicalId(fn)).Environment as { Variables: Record<string, unknown> }).Variables;

    // Act
    const extractor = variablesOf(stack.extraction.extractor.function);
    const api = variablesOf(stack.api.handler.function);
    const sweeper = variablesOf(stack.cleanup.sweeper.function);

    // Assert
    expect(extractor[EXTRACT_ENV.documentRetentionSeconds]).toBe(seconds);
    expect(api[API_ENV.documentRetentionSeconds]).toBe(seconds);
    expect(sweeper[SWEEP_ENV.documentRetentionSeconds]).toBe(seconds);
    // On AWS TTL and lifecycle rules remove expired documents; the sweeper is never told to scan for them.
    expect(Object.keys(sweeper).filter((name) => /EXPIRED/.test(name))).toEqual([]);
  });
});

describe.each(ENVIRONMENT_NAMES)('backups (%s)', (envName) => {
  it('keeps point-in-time recovery on for every table', () => {
    // Arrange
    const { template } = environment(envName);

    // Act
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));

    // Assert
    expect(tables.length).toBeGreaterThanOrEqual(1);
    for (const table of tables) {
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('keeps every version of the documents, so a deleted or overwritten original can be restored', () => {
    // Arrange
    const { stack, template } = environment(envName);

    // Act
    const bucket = propertiesOf(template, logicalId(stack.storage.bucket));

    // Assert
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });
});
