/**
 * S3 event notification messages (event message structure 2.1) as the extraction queue receives
 * them: the local runtime forwards objects with them, and a reprocess re-sends one for a
 * document's object, so the extractor sees one message shape whatever sent it.
 */

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
  readonly sequencer: string;
}

/**
 * The message body of an `ObjectCreated` notification for one object, with the minimum the
 * extractor reads (`parseS3Message`); `configurationId` says who sent it.
 */
export function objectCreatedMessage(object: NotifiedObject, options: { readonly configurationId: string; readonly eventTime: Date }): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventTime: options.eventTime.toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: options.configurationId,
          bucket: { name: object.bucket, arn: `arn:aws:s3:::${object.bucket}` },
          object: {
            key: encodeEventKey(object.key),
            size: object.size,
            ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
            sequencer: object.sequencer,
          },
        },
      },
    ],
  });
}
