/**
 * What the client commands exit with, so scripts can tell a failed document from a typo, a
 * missing file, a stale token or a stopped runtime.
 */
export const EXIT_CODES = {
  ok: 0,
  /** Some document ended FAILED (or was refused at upload); a summary by error code is on stderr. */
  documentFailed: 1,
  /** Wrong arguments or options. */
  usage: 2,
  /** No such document (or not yours). */
  notFound: 3,
  /** No token, or the API refused it: sign in again (`login`) or get a new one (`token`). */
  auth: 4,
  /** The API did not answer at all. */
  unreachable: 5,
  /** A file or folder named on the command line does not exist or cannot be read. */
  missingFile: 6,
  /** Any other refusal or failure of the API. */
  apiError: 7,
  /** `--wait` gave up before every document reached COMPLETED or FAILED. */
  timeout: 8,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The same list for `--help` and the README. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  a document ended FAILED or was refused (summary by error code on stderr)
  2  usage error
  3  no such document
  4  not signed in, or the token was refused (run \`login\`, or \`token\` locally)
  5  the API is unreachable (is \`npm start\` running?)
  6  a file or folder given does not exist or cannot be read
  7  any other API error
  8  --wait timed out`;

/** An error the command reports in one line (plus a hint) and exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
  }
}
