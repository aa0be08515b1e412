/**
 * S3 event notification messages (event message structure 2.1) as the extraction queue receives
 * them, built in one place: the local runtime's notifications, a reprocess or restore re-sending
 * one for a document's object, and the tests delivering one by hand (twice, late, out of order)
 * all send this shape, so the extractor sees one message whatever sent it.
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';

/**
 * Encodes a key as S3 does in notifications: `application/x-www-form-urlencoded` style (Java's
 * `URLEncoder`), i.e. a space becomes `+`, everything but `A–Z a–z 0–9 . - * _` becomes `%XX`
 * of its UTF-8 bytes, and `/` is left as it is.
 */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+'),
    )
    .join('/');
}

/** One object version, as a notification names it. */
export interface NotifiedObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly versionId?: string;
  /** Without its double quotes. */
  readonly eTag?: string;
  readonly sequencer: string;
}

/** How the message was sent, beside the object: who sent it, when, and where from. */
export interface NotificationContext {
  /** The notification configuration's id: says who sent it (S3's rule, a reprocess, a test). */
  readonly configurationId: string;
  readonly eventTime: Date;
  /** @default 'ObjectCreated:Put' */
  readonly eventName?: string;
  readonly region?: string;
  /** The fields S3 fills in and nothing reads: the account that wrote, the request's ids. */
  readonly origin?: {
    readonly principalId: string;
    readonly bucketOwnerId: string;
    readonly sourceIpAddress: string;
    readonly requestId: string;
    readonly hostId: string;
  };
}

/**
 * The record of an `ObjectCreated` notification for one object. S3's own carries every field; a
 * message sent by the pipeline or a test carries what it knows (the extractor reads the bucket,
 * key, size, version, eTag and sequencer), and leaves out the rest rather than inventing it.
 */
export function objectCreatedRecord(object: NotifiedObject, context: NotificationContext): Partial<S3EventRecord> {
  const { origin } = context;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    ...(context.region === undefined ? {} : { awsRegion: context.region }),
    eventTime: context.eventTime.toISOString(),
    eventName: context.eventName ?? 'ObjectCreated:Put',
    ...(origin === undefined
      ? {}
      : {
          userIdentity: { principalId: origin.principalId },
          requestParameters: { sourceIPAddress: origin.sourceIpAddress },
          responseElements: { 'x-amz-request-id': origin.requestId, 'x-amz-id-2': origin.hostId },
        }),
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: context.configurationId,
      bucket: {
        name: object.bucket,
        ...(origin === undefined ? {} : { ownerIdentity: { principalId: origin.bucketOwnerId } }),
        arn: `arn:aws:s3:::${object.bucket}`,
      } as S3EventRecord['s3']['bucket'],
      object: {
        key: encodeEventKey(object.key),
        size: object.size,
        ...(object.eTag === undefined ? {} : { eTag: object.eTag }),
        ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
        sequencer: object.sequencer,
      } as S3EventRecord['s3']['object'],
    },
  };
}

/** The notification: one record, as S3 sends one per object. */
export function objectCreatedEvent(object: NotifiedObject, context: NotificationContext): { readonly Records: readonly Partial<S3EventRecord>[] } {
  return { Records: [objectCreatedRecord(object, context)] };
}

/** The notification as the queue message's body. */
export function objectCreatedMessage(object: NotifiedObject, context: NotificationContext): string {
  return JSON.stringify(objectCreatedEvent(object, context));
}
