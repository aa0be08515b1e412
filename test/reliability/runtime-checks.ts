/** What the reliability suites read from a running local runtime: dead letters, its environments, and the memory they use. */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { TestRuntime } from '../support/local-runtime.js';

/** Messages in the extraction and shard dead-letter queues of every lane, visible or in flight. */
export async function deadLetterDepth(local: TestRuntime): Promise<number> {
  const { DeadLetterQueueUrl, BulkDeadLetterQueueUrl, ShardDeadLetterQueueUrl, BulkShardDeadLetterQueueUrl } = local.outputs;
  const queues = [DeadLetterQueueUrl, BulkDeadLetterQueueUrl, ShardDeadLetterQueueUrl, BulkShardDeadLetterQueueUrl].filter((url): url is string => Boolean(url));
  let depth = 0;
  for (const QueueUrl of queues) {
    const { Attributes } = await local.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    depth += Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return depth;
}

/**
 * This process's children running `handlerModule`: the local runtime's execution environments
 * (Linux /proc). The parent pid is the second field after the command, which is in parentheses
 * and may hold spaces.
 */
export function environmentPids(handlerModule: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(handlerModule);
      } catch {
        return false; // ended between the listing and the read
      }
    });
}

export interface MemorySampler {
  /** Stops sampling; the highest resident memory seen in one environment, in MB (`undefined` when none was seen). */
  stop(): number | undefined;
}

/**
 * Samples the resident memory of this process's children running `handlerModule` (the local
 * runtime's execution environments, their parsing threads included) from Linux's /proc, which
 * the local runtime does not limit: Lambda would end an environment that passed its memory size.
 */
export function sampleEnvironmentMemory(handlerModule: string, intervalMs = 200): MemorySampler {
  if (!existsSync('/proc/self/status')) throw new Error('Sampling environment memory needs Linux /proc.');
  let peakKb = 0;
  const sample = () => {
    for (const pid of environmentPids(handlerModule)) {
      try {
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (rss) peakKb = Math.max(peakKb, Number(rss[1]));
      } catch {
        // The process ended between the listing and the read.
      }
    }
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peakKb > 0 ? Math.round(peakKb / 1024) : undefined;
    },
  };
}
