/**
 * The message S3 sends a queue for a created object, for tests that deliver one by hand (twice,
 * late, out of order or straight into a DLQ): the pipeline's own builder, with a test's defaults.
 */
import { objectCreatedMessage as notification } from '../../lambdas/shared/s3-notification.js';

export interface NotificationTarget {
  readonly Region: string;
  readonly BucketName: string;
}

/** `configurationId` of the messages tests send, so a log tells them from the runtime's. */
export const TEST_CONFIGURATION_ID = 'pdf-pipeline-test';

export function objectCreatedMessage(
  outputs: NotificationTarget,
  key: string,
  sequencer: string,
  options: { readonly bucket?: string; readonly size?: number } = {},
): string {
  return notification(
    { bucket: options.bucket ?? outputs.BucketName, key, size: options.size ?? 1000, sequencer },
    { configurationId: TEST_CONFIGURATION_ID, eventTime: new Date(), region: outputs.Region },
  );
}
