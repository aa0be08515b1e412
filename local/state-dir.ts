/**
 * The local runtime's state directory: every file it keeps between runs lives under one root,
 * so a restart picks up where the last run stopped and `rm -rf .local` starts afresh.
 */
import { mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LANES, type Lane } from '../lambdas/shared/contract.js';
import { isAlive } from './child-processes.js';

export interface StateLayout {
  readonly root: string;
  /** fauxqs's SQLite database (queues, messages, buckets, objects). */
  readonly fauxqsDir: string;
  /** DynamoDB Local's `-sharedDb` database file lives here. */
  readonly dynamoDbDir: string;
  /** Append-only record of the S3 events already forwarded to the queue. */
  readonly forwardLedger: string;
  /** Receipt handles of messages each lane's event source holds but has not settled. */
  readonly inFlightFiles: Readonly<Record<Lane, string>>;
  /** The same for each lane's shard queue event source. */
  readonly shardInFlightFiles: Readonly<Record<Lane, string>>;
  /** The function's stdout/stderr, like its CloudWatch log group. */
  readonly extractLog: string;
  /** The document-event publisher's stdout/stderr. */
  readonly documentEventsLog: string;
  /** Append-only NDJSON of the document events put on the local bus; `npm run events` follows it. */
  readonly eventLog: string;
  /** The table-stream event source's position in each shard. */
  readonly streamCheckpointFile: string;
  /** Table-change batches given up without their events (the on-failure destination), NDJSON. */
  readonly failedEventBatches: string;
  readonly fauxqsLog: string;
  readonly dynamoDbLog: string;
  /** Resource names and endpoints, for scripts and tests. */
  readonly outputsFile: string;
  /** Held while a runtime uses the directory: two runtimes on one database would corrupt it. */
  readonly lockFile: string;
}

export function stateLayout(stateDir: string): StateLayout {
  const root = resolve(stateDir);
  const logs = join(root, 'logs');
  return {
    root,
    fauxqsDir: join(root, 'fauxqs'),
    dynamoDbDir: join(root, 'dynamodb'),
    forwardLedger: join(root, 'notifications', 'forwarded.ndjson'),
    // The interactive lane keeps the single event source's file, so a restart after an upgrade
    // still releases what the last run held.
    inFlightFiles: { interactive: join(root, 'event-source', 'in-flight.json'), bulk: join(root, 'event-source', 'bulk-in-flight.json') },
    shardInFlightFiles: {
      interactive: join(root, 'event-source', 'shards-in-flight.json'),
      bulk: join(root, 'event-source', 'bulk-shards-in-flight.json'),
    },
    extractLog: join(logs, 'extract.log'),
    documentEventsLog: join(logs, 'document-events.log'),
    eventLog: join(root, 'events', 'document-events.ndjson'),
    streamCheckpointFile: join(root, 'event-stream', 'checkpoint.json'),
    failedEventBatches: join(root, 'event-stream', 'failed-batches.ndjson'),
    fauxqsLog: join(logs, 'fauxqs.log'),
    dynamoDbLog: join(logs, 'dynamodb.log'),
    outputsFile: join(root, 'outputs.json'),
    lockFile: join(root, 'runtime.lock'),
  };
}

export function ensureDirs(layout: StateLayout): void {
  for (const file of [
    layout.forwardLedger,
    ...LANES.flatMap((lane) => [layout.inFlightFiles[lane], layout.shardInFlightFiles[lane]]),
    layout.extractLog,
    layout.outputsFile,
    layout.eventLog,
    layout.streamCheckpointFile,
  ]) {
    mkdirSync(dirname(file), { recursive: true });
  }
  mkdirSync(layout.fauxqsDir, { recursive: true });
  mkdirSync(layout.dynamoDbDir, { recursive: true });
}

/** Writes JSON through a temporary file and a rename, so a crash never leaves half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    if (isFileMissing(error)) return undefined;
    throw error;
  }
}

export function isFileMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * Takes the state directory's lock, or fails naming the runtime that holds it. A lock left by
 * a process that no longer exists is taken over.
 */
export function acquireLock(layout: StateLayout): () => void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(layout.lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(layout.lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(layout.lockFile, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(`Another local runtime (pid ${holder}) is using ${layout.root}; stop it first.`);
      }
      rmSync(layout.lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${layout.root}`);
}
