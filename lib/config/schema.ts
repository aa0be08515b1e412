/**
 * The settings of one environment as a schema: each section's fields, limits and descriptions in
 * `sections/<section>.ts`, the rules that span sections here. The CDK app refuses to synthesize
 * an environment whose config breaks any of them, listing every broken rule.
 *
 * Adding a section: write `sections/<name>.ts` (a `strictObject` with a description per field),
 * add it to `environmentConfigSchema` below, and give it a value in `environments/` (shared values
 * in `defaults.ts`). The configuration tables in the docs follow (`npm run docs:config`).
 */
import { z } from 'zod';
import { extractionConcurrencyCap, ocrTextractIntervalMs } from '../../lambdas/extract/contract.js';
import { maxPoolWorkers } from '../../lambdas/extract/ocr/ocr-sizing.js';
import { LANES } from '../../lambdas/shared/contract.js';
import { priceTableFor } from '../../lambdas/shared/prices.js';
import { describeProblems, oneOf, rule } from './rules.js';
import { apiSchema } from './sections/api.js';
import { auditSchema } from './sections/audit.js';
import { authSchema } from './sections/auth.js';
import { deploymentSchema } from './sections/deployment.js';
import { eventsSchema } from './sections/events.js';
import { extractionSchema } from './sections/extraction.js';
import { observabilitySchema } from './sections/observability.js';
import { markdownSchema } from './sections/markdown.js';
import { ocrSchema } from './sections/ocr.js';
import { queueSchema } from './sections/queue.js';
import { retentionSchema } from './sections/retention.js';
import { storageSchema } from './sections/storage.js';
import { usageSchema } from './sections/usage.js';
import { webSchema } from './sections/web.js';
import { webhooksSchema } from './sections/webhooks.js';
import { queueVisibilityTimeoutSeconds } from './derived.js';

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** SQS refuses a visibility timeout above 12 hours. */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/** Every section of an environment's settings, in the order the docs list them. */
export const SECTIONS = {
  extraction: extractionSchema,
  ocr: ocrSchema,
  queue: queueSchema,
  storage: storageSchema,
  observability: observabilitySchema,
  events: eventsSchema,
  api: apiSchema,
  auth: authSchema,
  audit: auditSchema,
  retention: retentionSchema,
  usage: usageSchema,
  deployment: deploymentSchema,
  web: webSchema,
  webhooks: webhooksSchema,
  markdown: markdownSchema,
} as const;

export const environmentConfigSchema = z
  .strictObject({
    envName: oneOf(ENVIRONMENT_NAMES),
    account: z
      .string()
      .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' })
      .optional()
      .describe("AWS account; unset means the CLI's current account at deploy time (synth needs none)"),
    region: z.string().min(1).describe('AWS region'),
    ...SECTIONS,
  })
  .superRefine((config, ctx) => {
    // Rules that span sections; each section's own rules are in its file.
    rule(ctx, priceTableFor(config.region) !== undefined, 'region', `${config.region} has no price table in lambdas/shared/prices.ts (cost estimates need one)`);

    const visibilitySeconds = queueVisibilityTimeoutSeconds(config);
    rule(
      ctx,
      visibilitySeconds <= MAX_VISIBILITY_TIMEOUT_SECONDS,
      'extraction.timeoutSeconds',
      `makes the queue visibility timeout (6 × timeout + batching window = ${visibilitySeconds} s) longer than SQS's 12 hours`,
    );
    const { alarms } = config.observability;
    for (const lane of LANES) {
      const ageSeconds = alarms.queueOldestMessageAgeSeconds[lane];
      const path = `observability.alarms.queueOldestMessageAgeSeconds.${lane}`;
      rule(ctx, ageSeconds > visibilitySeconds, path, `must exceed the queue visibility timeout (${visibilitySeconds} s), or one ordinary retry raises it`);
      rule(ctx, ageSeconds < config.queue.retentionDays * 86400, path, 'must be below the queue retention, or messages expire before it fires');
    }
    rule(
      ctx,
      alarms.eventPublishingLagSeconds >= 60 && alarms.eventPublishingLagSeconds < config.events.maxRecordAgeHours * 3600,
      'observability.alarms.eventPublishingLagSeconds',
      'must be 60 s or more and below events.maxRecordAgeHours, so it fires before changes are given up',
    );
    rule(
      ctx,
      config.api.maxPresignedUploadBytes <= config.extraction.maxPdfBytes,
      'api.maxPresignedUploadBytes',
      'must not exceed extraction.maxPdfBytes, or accepted uploads would fail TOO_LARGE',
    );
    rule(
      ctx,
      config.ocr.maxPagesPerDocument <= config.extraction.maxPages,
      'ocr.maxPagesPerDocument',
      'must be a whole number from 0 to extraction.maxPages',
    );
    if (config.ocr.engine === 'textract' && config.ocr.textractTps !== undefined && config.ocr.textractTps > 0) {
      // Paced at its share of the quota, a worker must still get a document's OCR pages read in its budget.
      const intervalMs = ocrTextractIntervalMs(config);
      const pacedMs = intervalMs * config.ocr.maxPagesPerDocument;
      const { documentTimeoutSeconds, memoryMb } = config.extraction;
      rule(
        ctx,
        pacedMs <= documentTimeoutSeconds * 1000,
        'ocr.textractTps',
        `${config.ocr.textractTps} shared by ${extractionConcurrencyCap(config)} environments × ${maxPoolWorkers(memoryMb)} workers leaves each one request every ${intervalMs} ms: ` +
          `${config.ocr.maxPagesPerDocument} pages (ocr.maxPagesPerDocument) would take ${Math.ceil(pacedMs / 1000)} s, more than extraction.documentTimeoutSeconds (${documentTimeoutSeconds}); ` +
          "raise the quota, lower the lanes' concurrency or ocr.maxPagesPerDocument",
      );
    }
    rule(
      ctx,
      !config.web.enabled || config.auth.existingUserPoolId === undefined || config.auth.domainPrefix !== undefined,
      'web.enabled',
      'signs in through a Cognito domain: with auth.existingUserPoolId, set auth.domainPrefix too',
    );
    rule(
      ctx,
      config.retention.documentDays > config.queue.deadLetterRetentionDays,
      'retention.documentDays',
      'must exceed queue.deadLetterRetentionDays, or a redriven message could outlive its document',
    );
  });

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;

/** Every rule the config breaks, one line each (`<path> <message>`); empty when it is valid. */
export function configProblems(config: unknown): string[] {
  const parsed = environmentConfigSchema.safeParse(config);
  return parsed.success ? [] : describeProblems(parsed.error.issues);
}

/** Throws with every broken rule listed; the CDK app calls it before synthesizing anything. */
export function validateConfig(config: EnvironmentConfig): void {
  const problems = configProblems(config);
  if (problems.length > 0) {
    throw new Error(`Invalid ${config.envName} config:\n- ${problems.join('\n- ')}`);
  }
}
