/** `storage`: the document bucket, its access logs and the table's fate when the stack goes. */
import { z } from 'zod';
import { atLeast, oneOf } from '../rules.js';

export const storageSchema = z.strictObject({
  removalPolicy: oneOf(['destroy', 'retain']).describe(
    '`retain` keeps bucket, table, DLQs, logs and the alarm key when the stack goes; `destroy` empties and deletes them',
  ),
  noncurrentVersionExpirationDays: atLeast(1).describe('how long overwritten or deleted object versions stay'),
  abortIncompleteMultipartUploadDays: atLeast(1).describe('when incomplete multipart uploads are aborted'),
  accessLogRetentionDays: atLeast(1).describe('how long S3 server access logs are kept'),
});
export type StorageConfig = z.infer<typeof storageSchema>;
