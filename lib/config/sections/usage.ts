/**
 * `usage`: usage metering, cost estimates and the reuse of identical documents. Prices come from
 * `lambdas/shared/prices.ts`, by the environment's region.
 */
import { z } from 'zod';
import { atLeast } from '../rules.js';

export const usageSchema = z.strictObject({
  // Same owner, same extractor version and settings: the earlier results are the same results.
  reuseIdenticalDocuments: z
    .boolean()
    .describe("complete an upload whose bytes match a COMPLETED document of the same owner from that document's results"),
  retentionDays: atLeast(1).describe("how long a day's usage figures are kept after the day"),
});
export type UsageConfig = z.infer<typeof usageSchema>;
