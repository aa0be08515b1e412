/**
 * `observability`: function logs and the alarms (`docs/runbook.md` says what each means and what
 * to do). The dead-letter queues alarm on their first message in every environment (any message
 * there needs a person), so they have no threshold here.
 */
import { z } from 'zod';
import { LANES, type Lane } from '../../../lambdas/shared/contract.js';
import { atLeast, logRetentionDays, oneOf, percentage, share } from '../rules.js';

// The bulk lane may take longer: a large drop queues for a while by design.
const queueAgeSchema = z.strictObject(
  Object.fromEntries(
    LANES.map((lane) => [
      lane,
      // Named as the Monitoring construct names the lane's alarm (LANE_ALARMS).
      atLeast(1).describe(`${lane === 'bulk' ? 'Bulk' : ''}QueueBacklogAging: the ${lane} lane's oldest message is older than this, in seconds, for 3 × 5 min`),
    ]),
  ) as Record<Lane, z.ZodNumber>,
);

export const alarmThresholdsSchema = z.strictObject({
  queueOldestMessageAgeSeconds: queueAgeSchema,
  extractionErrorRatePercent: percentage().describe(
    'ExtractionErrorRate: invocations that failed as a whole, % of invocations, 2 of 3 × 5 min',
  ),
  extractionThrottles: atLeast(1).describe('ExtractionThrottled: throttled invocations in 5 min'),
  durationP99TimeoutShare: share().describe('ExtractionDurationNearTimeout: p99 duration above this share of the timeout, 2 of 3 × 5 min'),
  concurrencyCapShare: share().describe(
    'ExtractionConcurrencyNearCap: concurrent executions at this share of the cap (reserved, else the lanes together), 3 × 5 min',
  ),
  tableThrottles: atLeast(1).describe('TableThrottled: throttled reads and writes in 5 min, 2 of 3 periods'),
  tableSystemErrors: atLeast(1).describe('TableSystemErrors: DynamoDB 500s in 5 min, 2 of 3 periods'),
  eventPublishingLagSeconds: z.number().describe('EventPublishingLag: the oldest unpublished table change is older than this, in seconds'),
  apiServerErrorRatePercent: percentage().describe('ApiServerErrorRate: requests answered 5XX, % of requests, 2 of 3 × 5 min'),
  apiLatencyP99Ms: atLeast(1).describe('ApiLatencyHigh: p99 latency in ms, 2 of 3 × 5 min'),
});
export type AlarmThresholds = z.infer<typeof alarmThresholdsSchema>;

export const observabilitySchema = z.strictObject({
  logRetentionDays: logRetentionDays().describe('how long function logs are kept'),
  logLevel: oneOf(['DEBUG', 'INFO', 'WARN', 'ERROR']).describe('Powertools log level'),
  alarmEmail: z
    .string()
    .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: 'must be an email address' })
    .optional()
    .describe('subscribed to the alarm topic (the address must confirm it)'),
  alarms: alarmThresholdsSchema,
});
export type ObservabilityConfig = z.infer<typeof observabilitySchema>;
