import { TERMINAL_STATUSES } from '../shared/contract.js';
import { hasExpired, type DocumentRecord } from '../shared/document-model.js';
import { compareSequencers } from './s3-event.js';

/** What to do with an object event, given the document record as last read. */
export type ClaimDecision =
  /** No record yet: create it, already claimed. */
  | { readonly action: 'create' }
  /** Start the next attempt on this record. */
  | { readonly action: 'claim'; readonly attempt: number }
  /** The object was overwritten (newer sequencer): start a new generation for the new content. */
  | { readonly action: 'restart' }
  /** A fresh delivery (a redrive) for a document that was given up as poison: try again from attempt 1. */
  | { readonly action: 'revive' }
  /** Attempts are used up (earlier ones failed or crashed): record POISON and let the message go to the DLQ. */
  | { readonly action: 'poison'; readonly attempt: number }
  /** Already recorded as poison and redelivered: no work, let the message continue to the DLQ. */
  | { readonly action: 'dead-letter' }
  /** Nothing to do: the event is a duplicate or older than what the record describes. */
  | { readonly action: 'skip'; readonly reason: 'duplicate' | 'stale' | 'deleted' | 'expired' };

export interface Delivery {
  readonly sequencer: string;
  /** SQS ApproximateReceiveCount of the message; 1 on first delivery and again after a redrive. */
  readonly receiveCount: number;
  /** Attempts per document and generation, equal to the queue's maxReceiveCount. */
  readonly maxAttempts: number;
  /** Epoch seconds now: a record whose `expiresAt` has passed is never worked on again. @default never expired */
  readonly nowSeconds?: number;
}

/**
 * The pipeline's no-regression rules in one pure function: an event may start work only on a
 * document that is not yet terminal for that object version; older events never win.
 *
 * The last allowed delivery records POISON instead of extracting, so a document whose
 * attempts all crashed (say, killed for memory) ends FAILED rather than PROCESSING in the DLQ.
 */
export function decideClaim(record: DocumentRecord | undefined, delivery: Delivery): ClaimDecision {
  if (!record) return { action: 'create' };
  if (record.deletedAt !== undefined) return { action: 'skip', reason: 'deleted' };
  if (delivery.nowSeconds !== undefined && hasExpired(record.expiresAt, delivery.nowSeconds)) {
    return { action: 'skip', reason: 'expired' };
  }

  if (record.sequencer !== undefined) {
    const order = compareSequencers(delivery.sequencer, record.sequencer);
    if (order < 0) return { action: 'skip', reason: 'stale' };
    if (order > 0) return { action: 'restart' };
  }

  if (record.status === 'FAILED' && record.error?.code === 'POISON') {
    return delivery.receiveCount === 1 ? { action: 'revive' } : { action: 'dead-letter' };
  }
  if (TERMINAL_STATUSES.includes(record.status)) return { action: 'skip', reason: 'duplicate' };

  const attempt = record.attempts + 1;
  return attempt >= delivery.maxAttempts ? { action: 'poison', attempt } : { action: 'claim', attempt };
}
