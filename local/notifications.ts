/**
 * S3 → SQS notifications for the local bucket.
 *
 * fauxqs accepts but ignores bucket notification configuration, so the runtime does S3's part:
 * every object version created under a notified prefix (never `results/`) is sent once, as the
 * message S3 would send, to the queue of the lane that prefix feeds (`LANE_PREFIXES`).
 *
 * Two paths find new objects, both ending in the same serialized `forward`:
 * - hints from fauxqs's message spy, for low latency;
 * - a scan of the bucket listing at start-up and about every second, because the spy keeps only
 *   its latest 100 events and a crash can fall between an upload and its forwarding.
 * The ledger decides what was already sent, so neither path sends a version twice.
 *
 * Each lane has its own chain of listings and sends, as S3 delivers to each destination on its
 * own: a thousand files dropped into the bulk lane never hold back an interactive upload's
 * notification. A key belongs to one lane, so the chains never judge the same version.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LANE_PREFIXES, LANES, type Lane } from '../lambdas/shared/contract.js';
import { laneOfKey } from '../lambdas/shared/s3-keys.js';
import { ForwardLedger } from './forward-ledger.js';
import { errorMessage, type Log } from './log.js';
import { nextSequencer, objectCreatedEvent, testEvent, type ObjectVersion } from './s3-event.js';

export interface ForwarderOptions {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly bucket: string;
  /** Each lane's queue. */
  readonly queueUrls: Readonly<Record<Lane, string>>;
  readonly region: string;
  readonly configurationId: string;
  readonly ledgerFile: string;
  /** @default 1000 */
  readonly scanIntervalMs?: number;
  readonly log: Log;
}

export const DEFAULT_SCAN_INTERVAL_MS = 1_000;

export class NotificationForwarder {
  private readonly ledger: ForwardLedger;
  private readonly pendingHints = new Set<string>();
  /** Each lane's listings and sends run on its chain, one at a time, so a version is judged new once. */
  private readonly chains = Object.fromEntries(LANES.map((lane) => [lane, Promise.resolve()])) as Record<Lane, Promise<void>>;
  /** The last sequencer handed out: taken before a send, so two lanes' sends never share one. */
  private lastSequencer: string | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(private readonly options: ForwarderOptions) {
    this.ledger = ForwardLedger.open(options.ledgerFile);
    this.lastSequencer = this.ledger.lastSequencer;
  }

  /** Sends the S3 test event to each queue that never had it, forwards what the last run missed, then keeps watching. */
  static async start(options: ForwarderOptions): Promise<NotificationForwarder> {
    const forwarder = new NotificationForwarder(options);
    await Promise.all(
      LANES.map(async (lane) => {
        await forwarder.exclusive(lane, () => forwarder.sendTestEventOnce(lane));
        await forwarder.exclusive(lane, () => forwarder.scan(lane));
      }),
    );
    forwarder.scheduleScan();
    return forwarder;
  }

  /** An upload fauxqs reported; checked at once rather than at the next scan. */
  hint(bucket: string, key: string): void {
    const lane = laneOfKey(key);
    if (this.stopped || bucket !== this.options.bucket || lane === undefined) return;
    if (this.pendingHints.has(key)) return;
    this.pendingHints.add(key);
    void this.exclusive(lane, async () => {
      this.pendingHints.delete(key);
      const object = await this.findObject(key);
      if (object) await this.forward(lane, [object]);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.scanTimer);
    await Promise.all(LANES.map((lane) => this.chains[lane]));
  }

  /** Runs `task` after every task queued before it in the lane; a failure is logged and retried by the next scan. */
  private exclusive(lane: Lane, task: () => Promise<void>): Promise<void> {
    const run = this.chains[lane].then(async () => {
      if (this.stopped) return;
      try {
        await task();
      } catch (error) {
        this.options.log(`notifications (${lane}): ${errorMessage(error)} (retrying at the next scan)`);
      }
    });
    this.chains[lane] = run;
    return run;
  }

  /** The next scan starts once every lane has finished its last one, so a slow lane never piles up scans. */
  private scheduleScan(): void {
    if (this.stopped) return;
    this.scanTimer = setTimeout(() => {
      void Promise.all(LANES.map((lane) => this.exclusive(lane, () => this.scan(lane)))).then(() => this.scheduleScan());
    }, this.options.scanIntervalMs ?? DEFAULT_SCAN_INTERVAL_MS);
  }

  private async sendTestEventOnce(lane: Lane): Promise<void> {
    if (this.ledger.testEventSent(lane)) return;
    const messageId = await this.send(lane, testEvent(this.options.bucket));
    this.ledger.recordTestEvent(lane, messageId);
  }

  /** Lists the lane's prefixes and forwards every version the ledger has not seen, oldest first. */
  private async scan(lane: Lane): Promise<void> {
    const fresh: ObjectVersion[] = [];
    for (const prefix of LANE_PREFIXES[lane]) {
      for await (const object of this.list(prefix)) {
        if (!this.ledger.has(object)) fresh.push(object);
      }
    }
    fresh.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime() || (a.key < b.key ? -1 : 1));
    await this.forward(lane, fresh);
  }

  private async forward(lane: Lane, objects: readonly ObjectVersion[]): Promise<void> {
    for (const object of objects) {
      if (this.stopped) return;
      if (this.ledger.has(object)) continue;
      this.lastSequencer = nextSequencer(this.lastSequencer);
      const sequencer = this.lastSequencer;
      const messageId = await this.send(
        lane,
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

  private async send(lane: Lane, body: unknown): Promise<string> {
    const { MessageId } = await this.options.sqs.send(
      new SendMessageCommand({ QueueUrl: this.options.queueUrls[lane], MessageBody: JSON.stringify(body) }),
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
