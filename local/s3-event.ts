/**
 * S3 event notification messages, built the way S3 writes them to an SQS queue
 * (event message structure 2.1), so the extractor sees locally what it sees on AWS.
 */
import { randomBytes } from 'node:crypto';
import { encodeEventKey, objectCreatedEvent as notification } from '../lambdas/shared/s3-notification.js';
import { EMULATOR_ACCOUNT_ID } from './settings.js';

/** One object version as the bucket listing reports it. */
export interface ObjectVersion {
  readonly key: string;
  readonly size: number;
  /** As S3 returns it, in double quotes. */
  readonly eTag: string;
  readonly lastModified: Date;
  /** Absent: fauxqs does not version objects. */
  readonly versionId?: string;
}

export interface ObjectCreatedEventInput {
  readonly bucket: string;
  readonly region: string;
  readonly configurationId: string;
  readonly object: ObjectVersion;
  readonly sequencer: string;
}

export { encodeEventKey };

/** Sequencers are compared as right-zero-padded hex strings; a fixed width keeps that ordering numeric. */
const SEQUENCER_WIDTH = 18;

/**
 * The next sequencer: later than `previous` and, across restarts, later than any earlier run's
 * (it starts from the clock). S3 only promises ordering per key; this one orders every event.
 */
export function nextSequencer(previous: string | undefined, now = Date.now()): string {
  const fromClock = BigInt(now) << 16n;
  const afterPrevious = previous === undefined ? 0n : BigInt(`0x${previous}`) + 1n;
  const value = fromClock > afterPrevious ? fromClock : afterPrevious;
  return value.toString(16).toUpperCase().padStart(SEQUENCER_WIDTH, '0');
}

/**
 * The event name cannot be read back from an object: a multipart ETag (`"<md5>-<parts>"`) says
 * CompleteMultipartUpload, anything else is reported as Put (S3 would say Post or Copy for
 * presigned-POST uploads and copies).
 */
function eventNameFor(eTag: string): string {
  return eTag.includes('-') ? 'ObjectCreated:CompleteMultipartUpload' : 'ObjectCreated:Put';
}

/** The message S3 writes to the queue for an object created in the bucket. */
export function objectCreatedEvent(input: ObjectCreatedEventInput): ReturnType<typeof notification> {
  const { object } = input;
  return notification(
    {
      bucket: input.bucket,
      key: object.key,
      size: object.size,
      eTag: object.eTag.replaceAll('"', ''),
      ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
      sequencer: input.sequencer,
    },
    {
      configurationId: input.configurationId,
      eventTime: object.lastModified,
      eventName: eventNameFor(object.eTag),
      region: input.region,
      origin: {
        principalId: `AWS:${EMULATOR_ACCOUNT_ID}`,
        bucketOwnerId: EMULATOR_ACCOUNT_ID,
        sourceIpAddress: '127.0.0.1',
        requestId: requestId(),
        hostId: hostId(),
      },
    },
  );
}

/** The message S3 sends once when a queue is first configured as a notification destination. */
export function testEvent(bucket: string, time = new Date()): Record<string, string> {
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: time.toISOString(),
    Bucket: bucket,
    RequestId: requestId(),
    HostId: hostId(),
  };
}

const requestId = () => randomBytes(8).toString('hex').toUpperCase();
const hostId = () => randomBytes(48).toString('base64');
