/**
 * The API for the client commands: the shared typed client (`api-client/`), with its refusals
 * and a dead endpoint turned into errors that carry an exit code and a hint for people.
 */
import {
  ApiClient,
  ApiRequestError as RequestRefused,
  type ApiClientOptions,
  type ApiUnreachableError,
} from '../../api-client/api-client.js';
import { CliError, EXIT_CODES, type ExitCode } from './exit-codes.js';

export { ApiClient };
export { retryDelayMs } from '../../api-client/api-client.js';
export type {
  DocumentView,
  DocumentList as DocumentListView,
  PageList as PageListView,
  PageView,
  PageLayout as PageLayoutView,
  TableList as TableListView,
  UsageView,
  ChunkList as ChunkListView,
  ChunkView,
  PresignedPost as UploadForm,
} from '../../api-client/api-types.js';

/** A refusal by the API, in its error shape, with the exit code it maps to. */
export class ApiRequestError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    hint?: string,
    exitCode: ExitCode = exitCodeForStatus(status),
  ) {
    super(message, exitCode, hint);
  }
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT_CODES.auth;
  if (status === 404) return EXIT_CODES.notFound;
  return EXIT_CODES.apiError;
}

export interface CliApiClientOptions extends ApiClientOptions {
  /** Said after a 401/403: how to get a token the API accepts. */
  readonly authHint: string;
  /** Said when the API does not answer. */
  readonly unreachableHint: string;
}

export class CliApiClient extends ApiClient {
  constructor(readonly cli: CliApiClientOptions) {
    super(cli);
  }

  protected override failed(error: RequestRefused | ApiUnreachableError): Error {
    if (!(error instanceof RequestRefused)) return new CliError(error.message, EXIT_CODES.unreachable, this.cli.unreachableHint);
    // Storage's 403 is a refused upload policy (expired, too large), not the API's token.
    if (error.source === 'storage') return new ApiRequestError(error.status, error.code, error.detail, undefined, EXIT_CODES.apiError);
    return new ApiRequestError(error.status, error.code, error.message, error.unauthorized ? this.cli.authHint : undefined);
  }
}
