import { describe, expect, it } from 'vitest';
import {
  CONFIGS,
  deriveSettings,
  ENVIRONMENT_NAMES,
  extractionEnvironment,
  validateConfig,
  type EnvironmentConfig,
  type ExtractionConfig,
  type QueueConfig,
} from '../../lib/config.js';
import { EXTRACT_ENV } from '../../lambdas/shared/contract.js';

const withExtraction = (config: EnvironmentConfig, extraction: Partial<ExtractionConfig>): EnvironmentConfig => ({
  ...config,
  extraction: { ...config.extraction, ...extraction },
});
const withQueue = (config: EnvironmentConfig, queue: Partial<QueueConfig>): EnvironmentConfig => ({
  ...config,
  queue: { ...config.queue, ...queue },
});

describe.each(ENVIRONMENT_NAMES)('validateConfig (%s)', (envName) => {
  const config = CONFIGS[envName];

  it('accepts the shipped config', () => {
    // Act & Assert
    expect(() => validateConfig(config)).not.toThrow();
  });

  it('rejects a maximum concurrency above the reserved concurrency', () => {
    // Arrange
    const broken = withExtraction(config, { reservedConcurrency: 4, maxConcurrency: 5 });

    // Act & Assert
    expect(() => validateConfig(broken)).toThrow(/maxConcurrency \(5\) must not exceed reservedConcurrency \(4\)/);
  });

  it('rejects a maximum concurrency below 2, the SQS event source minimum', () => {
    // Arrange
    const broken = withExtraction(config, { maxConcurrency: 1 });

    // Act & Assert
    expect(() => validateConfig(broken)).toThrow(/maxConcurrency must be 2–1000/);
  });

  it.each([
    { deadLetterRetentionDays: 4, retentionDays: 4, case: 'equal to' },
    { deadLetterRetentionDays: 3, retentionDays: 4, case: 'below' },
  ])('rejects a dead-letter retention $case the queue retention', ({ deadLetterRetentionDays, retentionDays }) => {
    // Arrange
    const broken = withQueue(config, { deadLetterRetentionDays, retentionDays });

    // Act & Assert
    expect(() => validateConfig(broken)).toThrow(/deadLetterRetentionDays must exceed retentionDays/);
  });

  it('rejects a dead-letter retention above the SQS maximum of 14 days', () => {
    // Arrange
    const broken = withQueue(config, { deadLetterRetentionDays: 15 });

    // Act & Assert
    expect(() => validateConfig(broken)).toThrow(/deadLetterRetentionDays must be at most 14/);
  });

  it('lists every broken rule in one error', () => {
    // Arrange
    const broken = withQueue(withExtraction(config, { maxConcurrency: 1 }), { deadLetterRetentionDays: 1 });

    // Act & Assert
    expect(() => validateConfig(broken)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(new RegExp(`Invalid ${envName} config:[\\s\\S]*maxConcurrency[\\s\\S]*deadLetterRetentionDays`)),
      }),
    );
  });
});

describe.each(ENVIRONMENT_NAMES)('derived settings (%s)', (envName) => {
  const config = CONFIGS[envName];

  it('sets the queue visibility timeout to 6 × function timeout + batching window', () => {
    // Act
    const { queueVisibilityTimeoutSeconds } = deriveSettings(config);

    // Assert
    expect(queueVisibilityTimeoutSeconds).toBe(
      6 * config.extraction.timeoutSeconds + config.extraction.maxBatchingWindowSeconds,
    );
  });

  it('names the stack after the environment', () => {
    expect(deriveSettings(config).stackName).toBe(`PdfPipeline-${envName}`);
  });

  it('hands the extractor its limits under the contract names', () => {
    // Act
    const environment = extractionEnvironment(config);

    // Assert
    expect(environment).toMatchObject({
      [EXTRACT_ENV.maxPdfBytes]: String(config.extraction.maxPdfBytes),
      [EXTRACT_ENV.maxPages]: String(config.extraction.maxPages),
      [EXTRACT_ENV.maxAttempts]: String(config.queue.maxReceiveCount),
      [EXTRACT_ENV.documentTimeoutSeconds]: String(config.extraction.documentTimeoutSeconds),
      [EXTRACT_ENV.workerMemoryMb]: String(config.extraction.workerMemoryMb),
    });
  });
});
