import { describe, expect, it } from 'vitest';
import {
  CONFIGS,
  deriveSettings,
  ENVIRONMENT_NAMES,
  extractionEnvironment,
  validateConfig,
  lanesMaxConcurrency,
  type EnvironmentConfig,
  type ExtractionConfig,
  type QueueConfig,
} from '../../lib/config.js';
import { EXTRACT_ENV } from '../../lambdas/shared/contract.js';

const withExtraction = (config: EnvironmentConfig, extraction: Partial<ExtractionConfig>): EnvironmentConfig => ({
  ...config,
  extraction: { ...config.extraction, ...extraction },
});
/** Lanes of these maximum concurrencies, with shard queues of 2 each (the event source minimum). */
const withLanes = (config: EnvironmentConfig, interactive: number, bulk: number, reservedConcurrency?: number): EnvironmentConfig =>
  withExtraction(config, {
    lanes: { interactive: { maxConcurrency: interactive }, bulk: { maxConcurrency: bulk } },
    sharding: { ...config.extraction.sharding, maxConcurrency: { interactive: 2, bulk: 2 } },
    ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
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

  it('rejects lanes whose maximum concurrencies together pass the reserved concurrency', () => {
    // Arrange: each lane alone fits, together (with their shard queues' 2 + 2) they do not.
    const broken = withLanes(config, 3, 3, 9);

    // Act & Assert
    expect(() => validateConfig(broken)).toThrow(/maxConcurrency together \(10\) must not exceed reservedConcurrency \(9\)/);
  });

  it('accepts lanes and shard queues that fill the reserved concurrency exactly', () => {
    // Act & Assert
    expect(() => validateConfig(withLanes(config, 3, 2, 9))).not.toThrow();
  });

  it.each(['interactive', 'bulk'] as const)('rejects a %s shard queue maximum concurrency below 2, the SQS event source minimum', (lane) => {
    // Arrange
    const { reservedConcurrency: _reserved, ...unreserved } = config.extraction;
    const broken = withExtraction({ ...config, extraction: unreserved }, {
      sharding: { ...config.extraction.sharding, maxConcurrency: { ...config.extraction.sharding.maxConcurrency, [lane]: 1 } },
    });

    // Act & Assert
    expect(() => validateConfig(broken)).toThrow(new RegExp(`extraction.sharding.maxConcurrency.${lane} must be 2–1000`));
  });

  it('limits the lanes only by their own maximums when nothing is reserved', () => {
    // Arrange
    const { reservedConcurrency: _reserved, ...extraction } = config.extraction;
    const unreserved: EnvironmentConfig = { ...config, extraction: { ...extraction, lanes: { interactive: { maxConcurrency: 30 }, bulk: { maxConcurrency: 30 } } } };

    // Act & Assert
    expect(() => validateConfig(unreserved)).not.toThrow();
  });

  it.each(['interactive', 'bulk'] as const)('rejects a %s lane maximum concurrency below 2, the SQS event source minimum', (lane) => {
    // Arrange
    const broken = lane === 'interactive' ? withLanes(config, 1, 2) : withLanes(config, 2, 1);

    // Act & Assert
    expect(() => validateConfig(broken)).toThrow(new RegExp(`extraction.lanes.${lane}.maxConcurrency must be 2–1000`));
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
    const broken = withQueue(withLanes(config, 1, 2), { deadLetterRetentionDays: 1 });

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

  it('caps the extractor at its reserved concurrency, else at its lanes\' maximums together', () => {
    // Arrange
    const { reservedConcurrency: _reserved, ...unreserved } = config.extraction;

    // Act
    const reservedCap = deriveSettings(withLanes(config, 2, 3, 12)).extractionConcurrencyCap;
    const lanesCap = deriveSettings(withLanes({ ...config, extraction: unreserved }, 2, 3)).extractionConcurrencyCap;

    // Assert: the lanes' 2 + 3 and their shard queues' 2 + 2
    expect(reservedCap).toBe(12);
    expect(lanesCap).toBe(9);
    expect(lanesMaxConcurrency(withLanes(config, 2, 3))).toBe(9);
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

  it("hands the extractor the environment's reuse of identical documents and its usage retention", () => {
    const off = extractionEnvironment({ ...config, usage: { reuseIdenticalDocuments: false, retentionDays: 30 } });
    const on = extractionEnvironment({ ...config, usage: { reuseIdenticalDocuments: true, retentionDays: 30 } });

    expect(off).toMatchObject({ [EXTRACT_ENV.reuseIdenticalDocuments]: 'false', [EXTRACT_ENV.usageRetentionSeconds]: String(30 * 86_400) });
    expect(on[EXTRACT_ENV.reuseIdenticalDocuments]).toBe('true');
  });
});
