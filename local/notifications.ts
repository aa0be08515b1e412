/**
 * S3 → SQS notifications for the local bucket.
 *
 * fauxqs accepts but ignores bucket notification configuration, so the runtime does S3's part:
 * every object version created under a notified prefix (never `results/`) is sent to the source
 * queue once, as the message S3 would send.
 *
 * Two paths find new objects, both ending in the same serialized `forward`:
 * - hints from fauxqs's message spy, for low latency;
 * - a scan of the bucket listing at start-up and about every second, because the spy keeps only
 *   its latest 100 events and a crash can fall between an upload and its forwarding.
 * The ledger decides what was already sent, so neither path sends a version twice.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { NOTIFIED_PREFIXES } from '../lambdas/shared/contract.js';
import { ForwardLedger } from './forward-ledger.js';
import { errorMessage, type Log } from './log.js';
import { nextSequencer, objectCreatedEvent, testEvent, type ObjectVersion } from './s3-event.js';

export interface ForwarderOptions {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly bucket: string;
  readonly queueUrl: string;
  readonly region: string;
  readonly configurationId: string;
  readonly ledgerFile: string;
  /** @default 1000 */
  readonly scanIntervalMs?: number;
  readonly log: Log;
}

export const DEFAULT_SCAN_INTERVAL_MS = 1_000;

export function isNotifiedKey(key: string): boolean {
  return NOTIFIED_PREFIXES.some((prefix) => key.startsWith(prefix));
}

export class NotificationForwarder {
  private readonly ledger: ForwardLedger;
  private readonly pendingHints = new Set<string>();
  /** Every listing and send runs on this chain, one at a time, so a version is judged new once. */
  private chain: Promise<void> = Promise.resolve();
  private scanTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(private readonly options: ForwarderOptions) {
    this.ledger = ForwardLedger.open(options.ledgerFile);
  }

  /** Sends the S3 test event if this queue never had it, forwards what the last run missed, then keeps watching. */
  static async start(options: ForwarderOptions): Promise<NotificationForwarder> {
    const forwarder = new NotificationForwarder(options);
    await forwarder.exclusive(() => forwarder.sendTestEventOnce());
    await forwarder.exclusive(() => forwarder.scan());
    forwarder.scheduleScan();
    return forwarder;
  }

  /** An upload fauxqs reported; checked at once rather than at the next scan. */
  hint(bucket: string, key: string): void {
    if (this.stopped || bucket !== this.options.bucket || !isNotifiedKey(key)) return;
    if (this.pendingHints.has(key)) return;
    this.pendingHints.add(key);
    void this.exclusive(async () => {
      this.pendingHints.delete(key);
      const object = await this.findObject(key);
      if (object) await this.forward([object]);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.scanTimer);
    await this.chain;
  }

  /** Runs `task` after every task queued before it; a failure is logged and retried by the next scan. */
  private exclusive(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await task();
      } catch (error) {
        this.options.log(`notifications: ${errorMessage(error)} (retrying at the next scan)`);
      }
    });
    this.chain = run;
    return run;
  }

  private scheduleScan(): void {
    if (this.stopped) return;
    this.scanTimer = setTimeout(() => {
      void this.exclusive(() => this.scan()).then(() => this.scheduleScan());
    }, this.options.scanIntervalMs ?? DEFAULT_SCAN_INTERVAL_MS);
  }

  private async sendTestEventOnce(): Promise<void> {
    if (this.ledger.testEventSent) return;
    const messageId = await this.send(testEvent(this.options.bucket));
    this.ledger.recordTestEvent(messageId);
  }

  /** Lists both notified prefixes and forwards every version the ledger has not seen, oldest first. */
  private async scan(): Promise<void> {
    const fresh: ObjectVersion[] = [];
    for (const prefix of NOTIFIED_PREFIXES) {
      for await (const object of this.list(prefix)) {
        if (!this.ledger.has(object)) fresh.push(object);
      }
    }
    fresh.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime() || (a.key < b.key ? -1 : 1));
    await this.forward(fresh);
  }

  private async forward(objects: readonly ObjectVersion[]): Promise<void> {
    for (const object of objects) {
      if (this.stopped) return;
      if (this.ledger.has(object)) continue;
      const sequencer = nextSequencer(this.ledger.lastSequencer);
      const messageId = await this.send(
        objectCreatedEvent({
          bucket: this.options.bucket,
          region: this.options.region,
          configurationId: this.options.configurationId,
          object,
          sequencer,
        }),
      );
      this.ledger.recordObject(object, sequencer, messageId);
    }
  }

  private async send(body: unknown): Promise<string> {
    const { MessageId } = await this.options.sqs.send(
      new SendMessageCommand({ QueueUrl: this.options.queueUrl, MessageBody: JSON.stringify(body) }),
    );
    if (!MessageId) throw new Error('SendMessage returned no MessageId');
    return MessageId;
  }

  /** The object stored under exactly `key`: with the key as prefix, it is the first listed. */
  private async findObject(key: string): Promise<ObjectVersion | undefined> {
    for await (const object of this.list(key, 1)) return object.key === key ? object : undefined;
    return undefined;
  }

  private async *list(prefix: string, maxKeys?: number): AsyncGenerator<ObjectVersion> {
    let continuationToken: string | undefined;
    do {
      const page = await this.options.s3.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: prefix,
          ContinuationToken: continuationToken,
          MaxKeys: maxKeys,
        }),
      );
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined || item.ETag === undefined || item.LastModified === undefined) continue;
        yield { key: item.Key, eTag: item.ETag, lastModified: item.LastModified, size: item.Size ?? 0 };
      }
      continuationToken = maxKeys === undefined && page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }
}
