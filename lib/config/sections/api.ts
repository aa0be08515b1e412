/** `api`: the REST API in front of the pipeline, its limits and the sweeper behind it. */
import { z } from 'zod';
import { atLeast, list, logRetentionDays, oneOf, rule, wholeNumber } from '../rules.js';

/**
 * Largest direct upload a Lambda proxy event can carry: the body arrives base64-encoded (4/3
 * larger) in a request payload of at most 6 MB, beside headers and the request context.
 */
export const MAX_DIRECT_UPLOAD_CEILING_BYTES = 4_500_000;
/** S3 refuses a POST upload above 5 GB. */
const MAX_POST_OBJECT_BYTES = 5 * 1024 * 1024 * 1024;
/** SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;
const ORIGIN = /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/;

const rateAndBurst = {
  rateLimit: atLeast(1).describe('steady requests per second'),
  burstLimit: atLeast(1).describe('burst'),
};

export const apiSchema = z
  .strictObject({
    maxDirectUploadBytes: wholeNumber(
      1,
      MAX_DIRECT_UPLOAD_CEILING_BYTES,
      `must be 1–${MAX_DIRECT_UPLOAD_CEILING_BYTES}: larger bodies do not fit a Lambda payload once base64-encoded`,
    ).describe('largest PDF in the body of `POST /v1/documents`'),
    maxPresignedUploadBytes: atLeast(1).describe('largest PDF a presigned POST accepts (at most `extraction.maxPdfBytes`)'),
    presignedUrlTtlSeconds: wholeNumber(60, MAX_PRESIGN_SECONDS).describe('how long a presigned POST stays valid'),
    // An upload started just before its URL expired needs time to finish.
    uploadExpiryGraceSeconds: atLeast(0, 'must be a whole number ≥ 0').describe(
      'how long after its URL expired an upload may still arrive before it fails `UPLOAD_EXPIRED`',
    ),
    downloadUrlTtlSeconds: wholeNumber(1, 3600).describe('how long a download (or spilled page) URL stays valid'),
    allowedOrigins: list(
      z.string().regex(ORIGIN, {
        error: (issue) => `"${String(issue.input)}" must be an https origin (or http://localhost) without a path or trailing slash`,
      }),
    ).describe('browser origins allowed to call the API and to POST uploads to the bucket'),
    throttle: z.strictObject(rateAndBurst).describe('stage throttling, whole API'),
    // Counted atomically in DynamoDB, so concurrent uploads cannot pass it.
    quotas: z.strictObject({
      uploadsPerMinute: atLeast(1).describe('uploads per user per minute (both upload routes)'),
      uploadsPerDay: atLeast(1).describe('uploads per user per day'),
    }),
    idempotencyTtlHours: atLeast(1).describe('how long an `Idempotency-Key` is remembered'),
    deletedRetentionDays: atLeast(1).describe("how long a deleted document's tombstone stays (reads answer 404)"),
    sweepIntervalMinutes: wholeNumber(1, 60).describe('how often the sweeper expires abandoned uploads and retries lost purges'),
    memoryMb: wholeNumber(128, 10240).describe('memory of the API function'),
    accessLogRetentionDays: logRetentionDays().describe('how long API Gateway access logs are kept'),
    // Execution logging needs the account's CloudWatch role, set once per region.
    executionLogLevel: oneOf(['ERROR', 'INFO']).describe('API Gateway execution logging'),
    // Keys identify and meter machine clients; they are not credentials (Cognito still authorizes).
    apiKeys: z
      .strictObject({ ...rateAndBurst, quotaPerDay: atLeast(1).describe('requests per key per day') })
      .optional()
      .describe('API keys with a usage plan: every route but health then also needs an `x-api-key`'),
  })
  .superRefine((api, ctx) => {
    rule(
      ctx,
      api.maxPresignedUploadBytes >= api.maxDirectUploadBytes && api.maxPresignedUploadBytes <= MAX_POST_OBJECT_BYTES,
      'maxPresignedUploadBytes',
      'must be at least maxDirectUploadBytes and at most 5 GB (S3 POST limit)',
    );
    rule(ctx, api.quotas.uploadsPerMinute <= api.quotas.uploadsPerDay, 'quotas.uploadsPerMinute', 'must be at most uploadsPerDay');
  });
export type ApiConfig = z.infer<typeof apiSchema>;
