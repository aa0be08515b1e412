/**
 * `retention`: how long documents are kept. A document's record, pages, spilled results and
 * original expire this long after its creation: DynamoDB TTL removes the items, the bucket's
 * lifecycle rules the objects, and reads treat an expired document as gone at once.
 */
import { z } from 'zod';
import { wholeNumber } from '../rules.js';

/** Ten years: longer is more likely a unit mix-up than a retention policy. */
const MAX_DOCUMENT_RETENTION_DAYS = 3650;

export const retentionSchema = z.strictObject({
  // Longer than the dead-letter queues keep a message (a rule of the whole config).
  documentDays: wholeNumber(1, MAX_DOCUMENT_RETENTION_DAYS).describe(
    'how long a document (record, pages, original, spilled results) is kept after its creation',
  ),
});
export type RetentionConfig = z.infer<typeof retentionSchema>;
