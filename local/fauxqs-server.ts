/**
 * Child-process entry that runs fauxqs (S3 + SQS emulator) for the local runtime.
 *
 * Running it in a process of its own keeps its event loop, memory and SQLite handle apart from
 * the runtime's. It reports over the IPC channel: `ready` with the port it bound, then an
 * `object-created` hint for every upload its message spy sees, which lets the notification
 * forwarder react at once instead of at its next bucket scan.
 */
import { startFauxqs, type SpyMessage } from 'fauxqs';

export interface FauxqsServerOptions {
  /** 0 lets the OS choose a free port. */
  readonly port: number;
  readonly dataDir: string;
  readonly region: string;
}

export type FauxqsServerMessage =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'object-created'; readonly bucket: string; readonly key: string };

const send = (message: FauxqsServerMessage) => process.send?.(message);

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as FauxqsServerOptions;
  const server = await startFauxqs({
    port: options.port,
    dataDir: options.dataDir,
    defaultRegion: options.region,
    logger: false,
    messageSpies: true,
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.spy.clear(); // rejects the pending waiter below
    await server.stop(); // closes SQLite cleanly
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // The runtime went away without stopping us (crashed or was killed): do not linger.
  process.on('disconnect', () => void stop());

  send({ type: 'ready', port: server.port });

  // The spy buffer is a ring of the latest events: each upload is relayed once, and what falls
  // out of the ring unseen is picked up by the forwarder's periodic bucket scan.
  const relayed = new WeakSet<SpyMessage>();
  const isNewUpload = (message: SpyMessage) =>
    message.service === 's3' && message.status === 'uploaded' && !relayed.has(message);
  while (!stopping) {
    let event: SpyMessage;
    try {
      event = await server.spy.waitForMessage(isNewUpload);
    } catch {
      break; // spy cleared on stop
    }
    relayed.add(event);
    if (event.service === 's3') send({ type: 'object-created', bucket: event.bucket, key: event.key });
  }
}

main().catch((error: unknown) => {
  console.error('fauxqs failed to start:', error);
  process.exit(1);
});
