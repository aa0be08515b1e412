/**
 * Invokes the function locally the way Lambda does: in execution environments (child processes
 * running `lambda-host.ts`) that are created on demand, reused while warm, limited in number,
 * killed when an invocation passes the function timeout and replaced after a crash.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasExited, OWN_PROCESS_GROUP, sleep, TSX_EXEC_ARGV, waitForExit } from './child-processes.js';
import type { ContextFields, HostReply, HostRequest, SerializedError } from './lambda-host.js';
import { EMULATOR_ACCOUNT_ID } from './settings.js';

export type FailureReason = 'init-error' | 'handler-error' | 'timeout' | 'crash' | 'shutdown';

export type InvocationOutcome =
  | { readonly status: 'succeeded'; readonly response: unknown }
  | { readonly status: 'failed'; readonly reason: FailureReason; readonly message: string };

export interface InvokerOptions {
  /** Absolute path of the module that exports the handler. */
  readonly handlerModule: string;
  readonly handlerExport: string;
  readonly functionName: string;
  readonly region: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Most environments alive at once: the event source's maximum concurrency. */
  readonly maxEnvironments: number;
  /** The function's environment variables, Lambda's own included. */
  readonly environment: Readonly<Record<string, string>>;
  /** Where the environments' stdout/stderr and the START/END/REPORT lines go. */
  readonly logFile: string;
}

const HOST_ENTRY = fileURLToPath(new URL('./lambda-host.ts', import.meta.url));
/**
 * Lambda allows 10 s for the init phase; tsx compiles TypeScript on a cold load, which on a
 * small machine can take longer the first time, so the local limit is looser.
 */
const INIT_TIMEOUT_MS = 30_000;
const KILL_WAIT_MS = 5_000;

class ExecutionEnvironment {
  readonly ready: Promise<SerializedError | undefined>;
  readonly logStreamName: string;

  constructor(
    readonly child: ChildProcess,
    logStreamName: string,
  ) {
    this.logStreamName = logStreamName;
    this.ready = new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve({ name: 'InitTimeout', message: `init did not finish within ${INIT_TIMEOUT_MS} ms` }),
        INIT_TIMEOUT_MS,
      );
      const settle = (error: SerializedError | undefined) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(error);
      };
      const onMessage = (message: HostReply) => {
        if (message.type === 'ready') settle(undefined);
        if (message.type === 'init-error') settle(message.error);
      };
      const onExit = (code: number | null, signal: string | null) =>
        settle({ name: 'Runtime.ExitError', message: `exited during init (${signal ?? `exit status ${code}`})` });
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  }
}

export class LambdaInvoker {
  private readonly environments = new Set<ExecutionEnvironment>();
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly running = new Set<Promise<InvocationOutcome>>();
  private readonly logFd: number;
  private readonly contextFields: Omit<ContextFields, 'logStreamName'>;
  private stopping = false;

  constructor(private readonly options: InvokerOptions) {
    this.logFd = openSync(options.logFile, 'a');
    this.contextFields = {
      functionName: options.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${options.region}:${EMULATOR_ACCOUNT_ID}:function:${options.functionName}`,
      memoryLimitInMB: String(options.memoryMb),
      logGroupName: `/aws/lambda/${options.functionName}`,
    };
  }

  /** Number of live environments (warm or busy). */
  get environmentCount(): number {
    return this.environments.size;
  }

  invoke(event: unknown): Promise<InvocationOutcome> {
    if (this.stopping) return Promise.resolve({ status: 'failed', reason: 'shutdown', message: 'runtime stopping' });
    const invocation = this.invokeInEnvironment(event);
    this.running.add(invocation);
    void invocation.finally(() => this.running.delete(invocation));
    return invocation;
  }

  /** Lets running invocations finish for up to `graceMs`, then ends every environment. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    await Promise.race([Promise.allSettled([...this.running]), sleep(graceMs)]);
    const children = [...this.environments].map((environment) => environment.child);
    for (const child of children) if (!hasExited(child)) child.kill('SIGKILL');
    await Promise.all(children.map((child) => waitForExit(child, KILL_WAIT_MS)));
    await Promise.allSettled([...this.running]);
    closeSync(this.logFd);
  }

  private async invokeInEnvironment(event: unknown): Promise<InvocationOutcome> {
    const environment = await this.acquire();
    const initError = await environment.ready;
    if (initError) {
      this.dispose(environment);
      this.writeLog(`INIT_REPORT Status: error Error: ${initError.name}: ${initError.message}`);
      return { status: 'failed', reason: 'init-error', message: `${initError.name}: ${initError.message}` };
    }

    const requestId = randomUUID();
    const startedAt = Date.now();
    const timeoutMs = this.options.timeoutSeconds * 1000;
    const request: HostRequest = {
      type: 'invoke',
      requestId,
      event,
      deadlineMs: startedAt + timeoutMs,
      context: { ...this.contextFields, logStreamName: environment.logStreamName },
    };
    this.writeLog(`START RequestId: ${requestId} Version: $LATEST`);
    const outcome = await this.runRequest(environment, request, timeoutMs);
    const duration = (Date.now() - startedAt).toFixed(2);
    if (outcome.status === 'failed' && outcome.reason !== 'handler-error') {
      this.writeLog(`${requestId} ${outcome.message}`);
    }
    this.writeLog(`END RequestId: ${requestId}`);
    this.writeLog(`REPORT RequestId: ${requestId} Duration: ${duration} ms Memory Size: ${this.options.memoryMb} MB`);

    if (outcome.status === 'succeeded' || outcome.reason === 'handler-error') this.release(environment);
    else this.dispose(environment);
    return outcome;
  }

  /** Sends one request and waits for its reply, the timeout or the process's end, whichever is first. */
  private runRequest(environment: ExecutionEnvironment, request: HostRequest, timeoutMs: number): Promise<InvocationOutcome> {
    const { child } = environment;
    return new Promise((resolve) => {
      const settle = (outcome: InvocationOutcome) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(outcome);
      };
      const onMessage = (message: HostReply) => {
        if (message.type === 'result' && message.requestId === request.requestId) {
          settle({ status: 'succeeded', response: message.response });
        } else if (message.type === 'error' && message.requestId === request.requestId) {
          this.writeLog(`${request.requestId} ERROR Invoke Error ${JSON.stringify(message.error)}`);
          settle({ status: 'failed', reason: 'handler-error', message: `${message.error.name}: ${message.error.message}` });
        }
      };
      const onExit = (code: number | null, signal: string | null) =>
        settle(
          this.stopping
            ? { status: 'failed', reason: 'shutdown', message: 'environment ended by runtime shutdown' }
            : { status: 'failed', reason: 'crash', message: `Runtime exited with error: ${signal ?? `exit status ${code}`}` },
        );
      // As on Lambda, the environment is ended, not asked: the handler may be stuck in a loop.
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        settle({
          status: 'failed',
          reason: 'timeout',
          message: `Task timed out after ${this.options.timeoutSeconds.toFixed(2)} seconds`,
        });
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      if (hasExited(child)) onExit(child.exitCode, child.signalCode);
      else child.send(request);
    });
  }

  private async acquire(): Promise<ExecutionEnvironment> {
    for (;;) {
      const warm = this.idle.pop();
      if (warm) return warm;
      if (this.environments.size < this.options.maxEnvironments) return this.spawn();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(environment: ExecutionEnvironment): void {
    if (hasExited(environment.child)) {
      this.dispose(environment);
      return;
    }
    this.idle.push(environment);
    this.waiting.shift()?.();
  }

  private dispose(environment: ExecutionEnvironment): void {
    if (!hasExited(environment.child)) environment.child.kill('SIGKILL');
    this.environments.delete(environment);
    const index = this.idle.indexOf(environment);
    if (index >= 0) this.idle.splice(index, 1);
    this.waiting.shift()?.();
  }

  private spawn(): ExecutionEnvironment {
    const logStreamName = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
    const child = fork(HOST_ENTRY, [this.options.handlerModule, this.options.handlerExport], {
      // The environment is exactly the function's: nothing leaks in from the runtime's shell.
      env: { ...this.options.environment, AWS_LAMBDA_LOG_STREAM_NAME: logStreamName },
      execArgv: [...TSX_EXEC_ARGV],
      stdio: ['ignore', this.logFd, this.logFd, 'ipc'],
      detached: OWN_PROCESS_GROUP,
    });
    const environment = new ExecutionEnvironment(child, logStreamName);
    this.environments.add(environment);
    // An idle environment that dies (e.g. killed from outside) is simply dropped.
    child.once('exit', () => {
      if (this.idle.includes(environment)) this.dispose(environment);
    });
    return environment;
  }

  private writeLog(line: string): void {
    try {
      writeSync(this.logFd, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // the log is a convenience; never fail an invocation over it
    }
  }
}
