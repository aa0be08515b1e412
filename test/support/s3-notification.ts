/**
 * The message S3 sends a queue for a created object, reduced to the fields the extractor reads:
 * tests send it by hand to deliver an event twice, late, out of order or straight into a DLQ.
 */
import { encodeEventKey } from '../../lambdas/shared/s3-notification.js';

export interface NotificationTarget {
  readonly Region: string;
  readonly BucketName: string;
}

export function objectCreatedMessage(
  outputs: NotificationTarget,
  key: string,
  sequencer: string,
  options: { readonly bucket?: string; readonly size?: number } = {},
): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: outputs.Region,
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: options.bucket ?? outputs.BucketName },
          object: { key: encodeEventKey(key), size: options.size ?? 1000, sequencer },
        },
      },
    ],
  });
}
