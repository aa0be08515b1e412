/**
 * Integration-test helpers: a local runtime in a fresh state directory on free ports, SDK
 * clients configured from its outputs, and a bounded poller.
 *
 * Ports: fauxqs binds port 0 itself, so parallel test files never race for it; DynamoDB Local
 * gets a port the OS just reported free, checked again right before the JVM binds it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAwsClients, endpointsFromOutputs, type AwsClients, type LocalOutputs } from '../../local/aws-clients.js';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime.js';

/** The fixture handler that records what it receives; see `fixture-handler.ts`. */
export const FIXTURE_HANDLER = fileURLToPath(new URL('./fixture-handler.ts', import.meta.url));

export interface TestRuntime {
  readonly runtime: LocalRuntime;
  readonly outputs: LocalOutputs;
  readonly clients: AwsClients;
  readonly stateDir: string;
  /** Stops the runtime and closes the clients; the state directory is kept (see `removeStateDir`). */
  stop(): Promise<void>;
}

export type TestRuntimeOptions = Omit<LocalRuntimeOptions, 'ports' | 'stateDir'> & {
  /** Reuse a state directory, to test a restart. @default a fresh temporary directory */
  readonly stateDir?: string;
};

export function makeStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'pdf-pipeline-local-'));
}

export function removeStateDir(stateDir: string): void {
  rmSync(stateDir, { recursive: true, force: true });
}

export async function startTestRuntime(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const stateDir = options.stateDir ?? makeStateDir();
  const runtime = await startLocalRuntime({ ...options, stateDir, ports: { fauxqs: 0, dynamoDb: 0, api: 0 } });
  const clients = createAwsClients(endpointsFromOutputs(runtime.outputs));
  return {
    runtime,
    outputs: runtime.outputs,
    clients,
    stateDir,
    stop: async () => {
      clients.destroy();
      await runtime.stop();
    },
  };
}

export interface WaitForOptions {
  readonly timeoutMs: number;
  /** @default 100 */
  readonly intervalMs?: number;
  /** Said in the error when time runs out. */
  readonly description?: string;
}

/**
 * Polls `probe` until it returns a value other than `undefined` or `false`, and returns that
 * value; throws once `timeoutMs` has passed, with the last probe error if there was one.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitForOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.description ?? 'a condition'}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
