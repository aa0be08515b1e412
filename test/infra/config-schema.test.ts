import { describe, expect, it } from 'vitest';
import { CONFIGS, configProblems, validateConfig, type EnvironmentConfig } from '../../lib/config.js';

describe('the config schema', () => {
  it('refuses a setting it does not know, naming it, so a misspelt key cannot be silently ignored', () => {
    // Arrange
    const misspelt = { ...CONFIGS.dev, queue: { ...CONFIGS.dev.queue, maxRecieveCount: 3 } } as EnvironmentConfig;

    // Act
    const problems = configProblems(misspelt);

    // Assert
    expect(problems).toEqual([expect.stringMatching(/^queue: Unrecognized key: "maxRecieveCount"$/)]);
  });

  it('refuses a value of the wrong type with the rule it breaks', () => {
    // Arrange
    const broken = { ...CONFIGS.dev, extraction: { ...CONFIGS.dev.extraction, memoryMb: '2048' } } as unknown as EnvironmentConfig;

    // Act
    const problems = configProblems(broken);

    // Assert
    expect(problems).toEqual(['extraction.memoryMb must be 128–10240']);
  });

  it('reports a value past two bounds once', () => {
    // Arrange: fractional and above the maximum.
    const broken: EnvironmentConfig = { ...CONFIGS.dev, audit: { retentionDays: 100_000.5 } };

    // Act
    const problems = configProblems(broken);

    // Assert
    expect(problems).toEqual(['audit.retentionDays must be 1–3650']);
  });

  it('fails synthesis with every broken rule of the environment, one a line', () => {
    // Arrange
    const broken: EnvironmentConfig = {
      ...CONFIGS.staging,
      webhooks: { ...CONFIGS.staging.webhooks, maxAttempts: 0 },
      observability: { ...CONFIGS.staging.observability, logRetentionDays: 10 },
    };

    // Act & Assert
    expect(() => validateConfig(broken)).toThrow(
      /^Invalid staging config:\n- observability\.logRetentionDays must be a CloudWatch Logs retention period \(1, 3, 5, 7, 14[^\n]*\n- webhooks\.maxAttempts must be 1–20$/,
    );
  });
});
