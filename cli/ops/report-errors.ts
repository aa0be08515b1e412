/**
 * Runs an operator command's action so that a failure prints one line, with a hint where one
 * helps, and exits 1, instead of a stack trace.
 */
export function reportingErrors<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const unreachable = /ECONNREFUSED|fetch failed|connect/i.test(`${message} ${(error as { cause?: unknown })?.cause ?? ''}`);
      console.error(`Error: ${message}${unreachable ? ' (is the local runtime running? `npm start`)' : ''}`);
      process.exitCode = 1;
    }
  };
}
