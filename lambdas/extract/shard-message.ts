/**
 * The message that asks for one page range of a long document: sent by the invocation that
 * planned the shards to the document's lane's shard queue, one message per invocation there.
 */
import * as z from 'zod/mini';
import { LANES, type Lane } from '../shared/contract.js';
import type { CreatedObject } from './s3-event.js';
import type { PageRange } from './shard-plan.js';

export const SHARD_MESSAGE_KIND = 'pdf-pipeline.shard';

export interface ShardMessage {
  readonly kind: typeof SHARD_MESSAGE_KIND;
  readonly documentId: string;
  /** The generation the shard belongs to: once the document moves on, the shard is dropped. */
  readonly generation: number;
  readonly lane: Lane;
  /** The object version being extracted, as its S3 event named it. */
  readonly object: CreatedObject;
  /** 0-based index among the document's shards, and how many there are. */
  readonly index: number;
  readonly count: number;
  readonly pages: PageRange;
}

const positive = z.number().check(z.int(), z.positive());
const shardSchema = z.object({
  kind: z.literal(SHARD_MESSAGE_KIND),
  documentId: z.string().check(z.minLength(1)),
  generation: positive,
  lane: z.enum(LANES),
  object: z.object({
    bucket: z.string().check(z.minLength(1)),
    key: z.string().check(z.minLength(1)),
    size: z.number().check(z.int(), z.nonnegative()),
    eTag: z.optional(z.string()),
    versionId: z.optional(z.string()),
    sequencer: z.string().check(z.minLength(1)),
    eventTime: z.string(),
  }),
  index: z.number().check(z.int(), z.nonnegative()),
  count: positive,
  pages: z.object({ first: positive, last: positive }),
});

/** The shard a message body asks for, or undefined when the body is no shard message. */
export function parseShardMessage(body: string): ShardMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if ((json as { kind?: unknown } | null)?.kind !== SHARD_MESSAGE_KIND) return undefined;
  const parsed = shardSchema.safeParse(json);
  if (!parsed.success || parsed.data.index >= parsed.data.count || parsed.data.pages.first > parsed.data.pages.last) {
    throw new Error(`Malformed shard message: ${parsed.success ? 'inconsistent index or pages' : parsed.error.message}`);
  }
  return parsed.data as ShardMessage;
}
