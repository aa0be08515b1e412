/**
 * Child-process entry that plays one Lambda execution environment: it loads the handler module
 * once (the init phase), then runs one invocation at a time as the runtime asks over IPC.
 *
 * The process is the isolation boundary: a handler that hangs, leaks or crashes takes only this
 * environment down, and the runtime replaces it, as Lambda would.
 */
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/** The static part of a Lambda context; the rest is per invocation. */
export interface ContextFields {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type HostRequest = {
  readonly type: 'invoke';
  readonly requestId: string;
  readonly event: unknown;
  /** Epoch milliseconds at which the runtime kills this process. */
  readonly deadlineMs: number;
  readonly context: ContextFields;
};

export type HostReply =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly requestId: string; readonly response: unknown }
  | { readonly type: 'error'; readonly requestId: string; readonly error: SerializedError };

type Handler = (event: unknown, context: Context, callback?: (error?: unknown, result?: unknown) => void) => unknown;

const reply = (message: HostReply) => process.send?.(message);

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/** Loads the handler; argv: `<module path> <export name>`. */
async function init(): Promise<Handler> {
  const [modulePath, exportName] = process.argv.slice(2);
  if (!modulePath || !exportName) throw new Error('usage: lambda-host <handler module> <export name>');
  const module = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  const handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${modulePath} does not export a function named ${exportName}`);
  return handler as Handler;
}

function createContext(request: HostRequest): Context {
  const notSupported = () => {
    throw new Error('context.done/fail/succeed are not supported; return a promise instead');
  };
  return {
    ...request.context,
    awsRequestId: request.requestId,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, request.deadlineMs - Date.now()),
    done: notSupported,
    fail: notSupported,
    succeed: notSupported,
  };
}

/** Runs the handler, whether it returns a promise or (with three parameters) takes a callback. */
function run(handler: Handler, event: unknown, context: Context): Promise<unknown> {
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      handler(event, context, (error, result) => (error ? reject(error) : resolve(result)));
    });
  }
  return Promise.resolve().then(() => handler(event, context));
}

async function main(): Promise<void> {
  // The runtime went away: an environment never outlives it.
  process.on('disconnect', () => process.exit(0));

  let handler: Handler;
  try {
    handler = await init();
  } catch (error) {
    reply({ type: 'init-error', error: serializeError(error) });
    return;
  }

  process.on('message', (request: HostRequest) => {
    if (request.type !== 'invoke') return;
    run(handler, request.event, createContext(request)).then(
      (response) => reply({ type: 'result', requestId: request.requestId, response }),
      (error: unknown) => reply({ type: 'error', requestId: request.requestId, error: serializeError(error) }),
    );
  });
  reply({ type: 'ready' });
}

void main();
