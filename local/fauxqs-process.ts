/** Starts and stops fauxqs (S3 + SQS) in a child process; see `fauxqs-server.ts`. */
import { fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasExited, OWN_PROCESS_GROUP, pollUntil, stopChild, tail, TSX_EXEC_ARGV } from './child-processes.js';
import type { FauxqsServerMessage, FauxqsServerOptions } from './fauxqs-server.js';
import { LOOPBACK } from './settings.js';

export interface FauxqsOptions {
  /** 0 lets the OS choose a free port. */
  readonly port: number;
  readonly dataDir: string;
  readonly region: string;
  readonly logFile: string;
}

export interface ObjectCreatedHint {
  readonly bucket: string;
  readonly key: string;
}

export interface FauxqsProcess {
  readonly port: number;
  /** `http://127.0.0.1:<port>`, for S3 and SQS clients alike. */
  readonly endpoint: string;
  /** Called for every upload fauxqs reports; a hint only, since the spy may drop events. */
  onObjectCreated(listener: (hint: ObjectCreatedHint) => void): void;
  stop(): Promise<void>;
}

const SERVER_ENTRY = fileURLToPath(new URL('./fauxqs-server.ts', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export async function startFauxqs(options: FauxqsOptions): Promise<FauxqsProcess> {
  const logFd = openSync(options.logFile, 'a');
  const serverOptions: FauxqsServerOptions = { port: options.port, dataDir: options.dataDir, region: options.region };
  const child = fork(SERVER_ENTRY, [JSON.stringify(serverOptions)], {
    // fauxqs uses `node:sqlite`, which Node 22 flags as experimental on every start.
    execArgv: [...TSX_EXEC_ARGV, '--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', logFd, logFd, 'ipc'],
    detached: OWN_PROCESS_GROUP,
  });
  closeSync(logFd); // the child holds its own copy

  const listeners: Array<(hint: ObjectCreatedHint) => void> = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`fauxqs did not start within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    const onExit = (code: number | null) =>
      fail(new Error(`fauxqs exited with code ${code} while starting (is port ${options.port} in use?)`));
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (!hasExited(child)) child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${tail(options.logFile)}`));
    };
    child.once('exit', onExit);
    child.on('message', (message: FauxqsServerMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(message.port);
      } else {
        for (const listener of listeners) listener(message);
      }
    });
  });

  const endpoint = `http://${LOOPBACK}:${port}`;
  await pollUntil(async () => (await fetch(`${endpoint}/health`)).ok, {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 50,
    describe: () => `fauxqs at ${endpoint} did not become healthy`,
  });

  return {
    port,
    endpoint,
    onObjectCreated: (listener) => listeners.push(listener),
    stop: () => stopChild(child, STOP_GRACE_MS),
  };
}
