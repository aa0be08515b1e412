// zod/mini: the same validation, a fraction of the bundle (the extractor's cold start counts).
import * as z from 'zod/mini';

/** One created object, as the pipeline needs it from an S3 event record. */
export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly eTag?: string;
  readonly versionId?: string;
  /** Orders events for the same key; compare with `compareSequencers`. */
  readonly sequencer: string;
  readonly eventTime: string;
}

/** What one SQS message body from an S3 notification holds. */
export type S3Message =
  | { readonly kind: 'test-event' }
  | { readonly kind: 'objects-created'; readonly objects: readonly CreatedObject[] };

const testEventSchema = z.looseObject({ Event: z.literal('s3:TestEvent') });

const recordSchema = z
  .object({
    eventSource: z.literal('aws:s3'),
    eventName: z.string(),
    eventTime: z.string(),
    s3: z
      .object({
        bucket: z.looseObject({ name: z.string().check(z.minLength(1)) }),
        object: z
          .object({
            key: z.string().check(z.minLength(1)),
            size: z.optional(z.number().check(z.int(), z.nonnegative())),
            eTag: z.optional(z.string()),
            versionId: z.optional(z.string()),
            sequencer: z.string().check(z.minLength(1)),
          })
          ,
      })
      ,
  })
  ;

const notificationSchema = z.looseObject({ Records: z.array(recordSchema).check(z.minLength(1)) });

/** A message that is not an S3 notification at all: retrying cannot make it one. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/**
 * S3 URL-encodes keys in notifications the way HTML forms do: `+` stands for a space and
 * everything else is `%xx`-escaped UTF-8.
 */
export function decodeS3Key(encodedKey: string): string {
  return decodeURIComponent(encodedKey.replace(/\+/g, ' '));
}

/** Parses an SQS message body sent by an S3 event notification. */
export function parseS3Message(body: string): S3Message {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedMessageError('message body is not JSON');
  }
  if (testEventSchema.safeParse(json).success) return { kind: 'test-event' };

  const parsed = notificationSchema.safeParse(json);
  if (!parsed.success) {
    throw new MalformedMessageError(`not an S3 event notification: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const objects = parsed.data.Records.filter((record) => record.eventName.startsWith('ObjectCreated:')).map(
    (record): CreatedObject => ({
      bucket: record.s3.bucket.name,
      key: decodeS3Key(record.s3.object.key),
      size: record.s3.object.size ?? 0,
      eTag: record.s3.object.eTag,
      versionId: record.s3.object.versionId,
      sequencer: record.s3.object.sequencer,
      eventTime: record.eventTime,
    }),
  );
  return { kind: 'objects-created', objects };
}

/**
 * S3 sequencers are hexadecimal strings of varying length: AWS's documented rule is to
 * right-pad the shorter with zeros, then compare as strings. Negative when `a` is older.
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padEnd(width, '0');
  const right = b.toUpperCase().padEnd(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}
