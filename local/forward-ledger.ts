/**
 * The forwarder's memory: one JSON line per notification it has sent, appended after the send.
 *
 * It is what makes forwarding survive restarts: an object version in the ledger is never sent
 * again, and one missing from it is sent at the next scan. A crash between a send and its
 * append means that one event is sent twice, which S3's at-least-once delivery allows anyway.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { Lane } from '../lambdas/shared/contract.js';
import { isFileMissing } from './state-dir.js';
import type { ObjectVersion } from './s3-event.js';

type LedgerEntry =
  | { readonly kind: 'test-event'; readonly lane: Lane; readonly messageId: string; readonly at: string }
  | {
      readonly kind: 'object';
      readonly key: string;
      readonly eTag: string;
      readonly lastModified: string;
      readonly versionId?: string;
      readonly size: number;
      readonly sequencer: string;
      readonly messageId: string;
      readonly at: string;
    };

/**
 * What makes an object version distinct. fauxqs has no version ids, so a re-upload is told apart
 * by its modification time (milliseconds in the listing) as well as its ETag.
 */
export function versionIdentity(object: ObjectVersion): string {
  return JSON.stringify([object.key, object.eTag, object.lastModified.toISOString(), object.versionId ?? null]);
}

export class ForwardLedger {
  private readonly forwarded = new Set<string>();
  private readonly testEventLanes = new Set<Lane>();
  private latestSequencer: string | undefined;

  private constructor(private readonly file: string) {}

  static open(file: string): ForwardLedger {
    const ledger = new ForwardLedger(file);
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if (!isFileMissing(error)) throw error;
    }
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (entry) ledger.remember(entry);
    }
    return ledger;
  }

  /** Whether the lane's queue has had its S3 test event (S3 sends one to each destination it is given). */
  testEventSent(lane: Lane): boolean {
    return this.testEventLanes.has(lane);
  }

  /** The sequencer of the last event sent, so the next one sorts after it, restarts included. */
  get lastSequencer(): string | undefined {
    return this.latestSequencer;
  }

  get size(): number {
    return this.forwarded.size;
  }

  has(object: ObjectVersion): boolean {
    return this.forwarded.has(versionIdentity(object));
  }

  recordTestEvent(lane: Lane, messageId: string): void {
    this.append({ kind: 'test-event', lane, messageId, at: new Date().toISOString() });
  }

  recordObject(object: ObjectVersion, sequencer: string, messageId: string): void {
    this.append({
      kind: 'object',
      key: object.key,
      eTag: object.eTag,
      lastModified: object.lastModified.toISOString(),
      ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
      size: object.size,
      sequencer,
      messageId,
      at: new Date().toISOString(),
    });
  }

  private append(entry: LedgerEntry): void {
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
    this.remember(entry);
  }

  private remember(entry: LedgerEntry): void {
    if (entry.kind === 'test-event') {
      this.testEventLanes.add(entry.lane);
      return;
    }
    this.forwarded.add(
      versionIdentity({
        key: entry.key,
        eTag: entry.eTag,
        lastModified: new Date(entry.lastModified),
        size: entry.size,
        versionId: entry.versionId,
      }),
    );
    if (this.latestSequencer === undefined || entry.sequencer > this.latestSequencer) {
      this.latestSequencer = entry.sequencer;
    }
  }
}

/** A line cut short by a crash is skipped: its event was sent, so at worst it is sent again. */
function parseLine(line: string): LedgerEntry | undefined {
  if (line.trim() === '') return undefined;
  try {
    const entry = JSON.parse(line) as LedgerEntry;
    return entry.kind === 'test-event' || entry.kind === 'object' ? entry : undefined;
  } catch {
    return undefined;
  }
}
