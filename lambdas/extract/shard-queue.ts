/** Sends a long document's shard messages to its lane's shard queue. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Lane } from '../shared/contract.js';
import type { ShardMessage } from './shard-message.js';

export interface ShardQueue {
  send(lane: Lane, messages: readonly ShardMessage[]): Promise<void>;
}

/** SQS takes ten messages a batch. */
const BATCH_SIZE = 10;
const MAX_TRIES = 5;

export class SqsShardQueue implements ShardQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrls: Readonly<Record<Lane, string>>,
  ) {}

  async send(lane: Lane, messages: readonly ShardMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH_SIZE) {
      let entries = messages.slice(start, start + BATCH_SIZE).map((message) => ({
        Id: String(message.index),
        MessageBody: JSON.stringify(message),
      }));
      // Entries SQS refuses in a batch that succeeded are sent again; a shard is never lost quietly.
      for (let tries = 1; entries.length > 0; tries += 1) {
        const { Failed = [] } = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrls[lane], Entries: entries }));
        if (Failed.length > 0 && tries >= MAX_TRIES) {
          throw new Error(`SQS refused ${Failed.length} shard message(s): ${Failed.map((failure) => failure.Code).join(', ')}`);
        }
        const failed = new Set(Failed.map((failure) => failure.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
  }
}
