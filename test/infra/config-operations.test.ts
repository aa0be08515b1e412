import { describe, expect, it } from 'vitest';
import { CONFIGS, deriveSettings, ENVIRONMENT_NAMES, validateConfig, type AlarmThresholds, type EnvironmentConfig } from '../../lib/config.js';

const withAlarms = (config: EnvironmentConfig, alarms: Partial<AlarmThresholds>): EnvironmentConfig => ({
  ...config,
  observability: { ...config.observability, alarms: { ...config.observability.alarms, ...alarms } },
});

describe.each(ENVIRONMENT_NAMES)('operations settings (%s)', (envName) => {
  const config = CONFIGS[envName];

  it('keeps metrics and events of each environment apart', () => {
    expect(deriveSettings(config)).toMatchObject({
      metricsNamespace: `PdfPipeline/${envName}`,
      documentEventSource: `pdf-pipeline.${envName}`,
    });
  });

  const withQueueAge = (seconds: number) =>
    withAlarms(config, { queueOldestMessageAgeSeconds: { ...config.observability.alarms.queueOldestMessageAgeSeconds, bulk: seconds } });

  it('rejects a lane\'s queue-age alarm that one ordinary retry would raise', () => {
    const broken = withQueueAge(deriveSettings(config).queueVisibilityTimeoutSeconds);

    expect(() => validateConfig(broken)).toThrow(/queueOldestMessageAgeSeconds.bulk must exceed the queue visibility timeout/);
  });

  it('rejects a lane\'s queue-age alarm that messages expire before', () => {
    const broken = withQueueAge(config.queue.retentionDays * 86400);

    expect(() => validateConfig(broken)).toThrow(/queueOldestMessageAgeSeconds.bulk must be below the queue retention/);
  });

  it.each([
    [{ extractionErrorRatePercent: 0 }, /extractionErrorRatePercent must be a percentage/],
    [{ apiServerErrorRatePercent: 101 }, /apiServerErrorRatePercent must be a percentage/],
    [{ durationP99TimeoutShare: 1.2 }, /durationP99TimeoutShare must be a share/],
    [{ concurrencyCapShare: 0 }, /concurrencyCapShare must be a share/],
    [{ tableThrottles: 0.5 }, /tableThrottles must be a whole number/],
  ])('rejects %j', (alarms, message) => {
    expect(() => validateConfig(withAlarms(config, alarms))).toThrow(message);
  });

  it('rejects an event-lag alarm that would fire only after changes are given up', () => {
    const broken = withAlarms(config, { eventPublishingLagSeconds: config.events.maxRecordAgeHours * 3600 });

    expect(() => validateConfig(broken)).toThrow(/eventPublishingLagSeconds must be 60 s or more and below events.maxRecordAgeHours/);
  });

  it('rejects an alarm email that is not an address, and a bus name EventBridge would refuse', () => {
    const broken: EnvironmentConfig = {
      ...config,
      observability: { ...config.observability, alarmEmail: 'on-call' },
      events: { ...config.events, busName: 'no spaces allowed' },
    };

    expect(() => validateConfig(broken)).toThrow(/alarmEmail must be an email address[\s\S]*events.busName/);
  });
});
