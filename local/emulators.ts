/**
 * The emulators behind the local runtime: fauxqs for S3 and SQS, DynamoDB Local for DynamoDB.
 * Both persist under the state directory, so stopping and starting again loses nothing.
 */
import { startDynamoDbLocal, type DynamoDbLocalProcess } from './dynamodb-local.js';
import { startFauxqs, type FauxqsProcess } from './fauxqs-process.js';
import type { StateLayout } from './state-dir.js';

export interface EmulatorPorts {
  /** 0 picks a free port. */
  readonly fauxqs: number;
  /** 0 picks a free port. */
  readonly dynamoDb: number;
}

export interface Emulators {
  readonly fauxqs: FauxqsProcess;
  readonly dynamoDb: DynamoDbLocalProcess;
  stop(): Promise<void>;
}

export async function startEmulators(layout: StateLayout, ports: EmulatorPorts, region: string): Promise<Emulators> {
  // Started side by side: the JVM takes seconds, fauxqs well under one.
  const [fauxqs, dynamoDb] = await Promise.allSettled([
    startFauxqs({ port: ports.fauxqs, dataDir: layout.fauxqsDir, region, logFile: layout.fauxqsLog }),
    startDynamoDbLocal({
      port: ports.dynamoDb,
      dbDir: layout.dynamoDbDir,
      logFile: layout.dynamoDbLog,
      region,
    }),
  ]);
  if (fauxqs.status === 'rejected' || dynamoDb.status === 'rejected') {
    await Promise.all([fauxqs, dynamoDb].map((started) => (started.status === 'fulfilled' ? started.value.stop() : undefined)));
    const failure = fauxqs.status === 'rejected' ? fauxqs.reason : (dynamoDb as PromiseRejectedResult).reason;
    throw failure instanceof Error ? failure : new Error(String(failure));
  }
  return {
    fauxqs: fauxqs.value,
    dynamoDb: dynamoDb.value,
    stop: async () => {
      await Promise.all([fauxqs.value.stop(), dynamoDb.value.stop()]);
    },
  };
}
