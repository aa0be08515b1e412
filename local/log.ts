/** Where the runtime reports what it does: the console for `npm start`, nowhere for tests. */
export type Log = (message: string) => void;

export const silentLog: Log = () => {};

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
