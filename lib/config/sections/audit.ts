/** `audit`: the audit trail of API actions (`GET /v1/audit`). */
import { z } from 'zod';
import { wholeNumber } from '../rules.js';

/** Ten years: longer is more likely a unit mix-up (seconds for days) than a retention policy. */
const MAX_AUDIT_RETENTION_DAYS = 3650;

export const auditSchema = z.strictObject({
  retentionDays: wholeNumber(1, MAX_AUDIT_RETENTION_DAYS).describe('how long audit entries are kept (DynamoDB TTL)'),
});
export type AuditConfig = z.infer<typeof auditSchema>;
