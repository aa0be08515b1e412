/**
 * Where the client commands find the API and how they get a token for it, in one place:
 *
 * - the local runtime (default): `ApiUrl` from `<state dir>/outputs.json`, and a token signed
 *   here with the state directory's key for `--user` (as `npm run token` does);
 * - a deployed environment (`--env <env>`): `ApiUrl`, `AuthUrl` and `UserPoolClientId` from
 *   `cdk-outputs/<env>.json`, and the tokens `login` stored, renewed when they expire;
 * - `--api-url` replaces the URL either way; `$PDF_PIPELINE_TOKEN` replaces the token.
 */
import { ALL_FULL_SCOPES } from '../../lambdas/api/routes.js';
import { ADMIN_GROUP } from '../../lambdas/shared/contract.js';
import { CLI_LOGIN_CALLBACK_URL, ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/config.js';
import type { LocalOutputs } from '../../local/aws-clients.js';
import { LocalAuthority } from '../../local/gateway/local-auth.js';
import { DEFAULT_STATE_DIR, RUNTIME_ENV_VARS } from '../../local/settings.js';
import { readJson, stateLayout } from '../../local/state-dir.js';
import { readStackOutputs } from '../ops/target.js';
import { CliApiClient } from './api-client.js';
import { CliError, EXIT_CODES } from './exit-codes.js';
import { isFresh, refreshTokens, TokenStore, type HostedUiSettings } from './login.js';
import { uploadLimitsFromOutputs, type UploadLimits } from '../../api-client/upload-route.js';

/** Environment variables the client commands read. */
export const CLIENT_ENV_VARS = {
  /** The local user the CLI signs tokens for. */
  user: 'PDF_PIPELINE_USER',
  /** A bearer token to use as is, for any target. */
  token: 'PDF_PIPELINE_TOKEN',
} as const;

export const DEFAULT_LOCAL_USER = 'local-user';
const LOCAL_TOKEN_REUSE_MS = 30 * 60_000;

export interface ClientTargetOptions {
  /** A deployed environment; absent means the local runtime. */
  readonly env?: string;
  /** Replaces the API's URL from the outputs. */
  readonly apiUrl?: string;
  /** Local state directory. @default $PDF_PIPELINE_STATE_DIR or `.local` */
  readonly stateDir?: string;
  /** @default `cdk-outputs` */
  readonly outputsDir?: string;
  /** Local user id. @default $PDF_PIPELINE_USER or `local-user` */
  readonly user?: string;
  /** Deployed environments: the Cognito domain, when the outputs lack `AuthUrl` (an existing user pool). */
  readonly authUrl?: string;
}

interface TargetBase {
  /** For people: `local runtime (.local) as local-user`, `PdfPipeline-prod (https://…)`. */
  readonly label: string;
  readonly apiUrl: string;
  /**
   * Upload size limits of the target's API, from its outputs (the deployed stack's, or the local
   * runtime's `outputs.json`): never from the config of the checkout the CLI runs from.
   */
  readonly limits: UploadLimits;
  /** How to get a token the API accepts, said after a 401/403. */
  readonly authHint: string;
  /** Said when the API does not answer. */
  readonly unreachableHint: string;
}

export interface LocalClientTarget extends TargetBase {
  readonly kind: 'local';
  readonly stateDir: string;
  readonly user: string;
}

export interface AwsClientTarget extends TargetBase {
  readonly kind: 'aws';
  readonly envName: EnvironmentName;
  /** Absent when the outputs name no Cognito domain and none was given. */
  readonly hostedUi?: HostedUiSettings;
}

export type ClientTarget = LocalClientTarget | AwsClientTarget;

export function resolveClientTarget(options: ClientTargetOptions = {}, environment: NodeJS.ProcessEnv = process.env): ClientTarget {
  const apiUrl = options.apiUrl === undefined ? undefined : normalizeApiUrl(options.apiUrl);
  if (options.env === undefined) {
    const stateDir = options.stateDir ?? (environment[RUNTIME_ENV_VARS.stateDir] || DEFAULT_STATE_DIR);
    const { outputsFile } = stateLayout(stateDir);
    const outputs = readJson<LocalOutputs>(outputsFile);
    const url = apiUrl ?? outputs?.ApiUrl;
    if (!url) {
      throw new CliError(`No local runtime outputs at ${outputsFile}.`, EXIT_CODES.unreachable, 'Start the pipeline with `npm start` (or pass --env / --api-url).');
    }
    const user = options.user ?? (environment[CLIENT_ENV_VARS.user] || DEFAULT_LOCAL_USER);
    return {
      kind: 'local',
      label: `local runtime (${stateDir}) as ${user}`,
      apiUrl: url,
      limits: limitsOf(outputs ?? {}),
      stateDir,
      user,
      authHint: `Local tokens are signed with ${LocalAuthority.keyFile(stateDir)}: is --state-dir the running runtime's? (\`npx pdf-pipeline token ${user}\` prints one)`,
      unreachableHint: 'Is the local runtime running? Start it with `npm start`.',
    };
  }

  const envName = parseEnvironmentName(options.env);
  const { file, outputs } = readStackOutputs(envName, options.outputsDir);
  const url = apiUrl ?? outputs.ApiUrl;
  if (!url) throw new CliError(`${file} has no ApiUrl.`, EXIT_CODES.usage, 'Deploy with a stack that has the API, or pass --api-url.');
  const authUrl = options.authUrl ?? outputs.AuthUrl;
  const clientId = outputs.UserPoolClientId;
  return {
    kind: 'aws',
    label: `${envName} (${url})`,
    apiUrl: normalizeApiUrl(url),
    limits: limitsOf(outputs),
    envName,
    hostedUi:
      authUrl && clientId
        ? { authUrl: authUrl.replace(/\/+$/, ''), clientId, redirectUri: CLI_LOGIN_CALLBACK_URL, scopes: ALL_FULL_SCOPES }
        : undefined,
    authHint: `Sign in again: \`npx pdf-pipeline login --env ${envName}\`.`,
    unreachableHint: `Check the network and that ${envName} is deployed.`,
  };
}

export function parseEnvironmentName(name: string): EnvironmentName {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
    throw new CliError(`Unknown environment "${name}"; one of ${ENVIRONMENT_NAMES.join(', ')}.`, EXIT_CODES.usage);
  }
  return name as EnvironmentName;
}

function normalizeApiUrl(url: string): string {
  try {
    return new URL(url).href.replace(/\/+$/, '');
  } catch {
    throw new CliError(`"${url}" is not a URL.`, EXIT_CODES.usage);
  }
}

/**
 * Outputs without limits (a stack deployed before it had them, or `--api-url` alone) send every
 * file by presigned POST, which takes any size the API allows, and let the API judge the size.
 */
export const UNKNOWN_LIMITS: UploadLimits = { maxDirectUploadBytes: 0, maxPresignedUploadBytes: Number.MAX_SAFE_INTEGER };

const limitsOf = (outputs: object): UploadLimits => uploadLimitsFromOutputs(outputs) ?? UNKNOWN_LIMITS;

export interface TokenSourceOptions {
  readonly store?: TokenStore;
  readonly environment?: NodeJS.ProcessEnv;
}

/**
 * A function that returns a bearer token for the target, reusing it while it is fresh: a local
 * token signed for the user, or the stored one of a deployed environment (renewed with its
 * refresh token when it expires).
 */
export function tokenSource(target: ClientTarget, options: TokenSourceOptions = {}): () => Promise<string> {
  const given = (options.environment ?? process.env)[CLIENT_ENV_VARS.token];
  if (given) return async () => given;
  if (target.kind === 'local') {
    // Signed again well before the hour a local token lives, for a long `upload --wait`.
    let token: { readonly value: Promise<string>; readonly signedAt: number } | undefined;
    return () => {
      if (!token || Date.now() - token.signedAt > LOCAL_TOKEN_REUSE_MS) {
        token = { value: signLocalToken(target.stateDir, target.user), signedAt: Date.now() };
      }
      return token.value;
    };
  }
  const store = options.store ?? new TokenStore();
  return async () => {
    const stored = store.read(target.envName);
    const notSignedIn = new CliError(`Not signed in to ${target.envName}.`, EXIT_CODES.auth, target.authHint);
    const hostedUi = target.hostedUi;
    if (!stored || !hostedUi || stored.authUrl !== hostedUi.authUrl || stored.clientId !== hostedUi.clientId) throw notSignedIn;
    if (isFresh(stored)) return stored.accessToken;
    if (!stored.refreshToken) throw new CliError(`The sign-in to ${target.envName} expired.`, EXIT_CODES.auth, target.authHint);
    try {
      const renewed = await refreshTokens(hostedUi, stored);
      store.write(target.envName, renewed);
      return renewed.accessToken;
    } catch (error) {
      if (error instanceof CliError && error.exitCode === EXIT_CODES.unreachable) throw error;
      throw new CliError(`The sign-in to ${target.envName} expired and could not be renewed (${(error as Error).message}).`, EXIT_CODES.auth, target.authHint);
    }
  };
}

/** The API client for a target. */
export function connect(target: ClientTarget, options: TokenSourceOptions = {}): CliApiClient {
  return new CliApiClient({
    baseUrl: target.apiUrl,
    token: tokenSource(target, options),
    authHint: target.authHint,
    unreachableHint: target.unreachableHint,
  });
}

/** A local token for `user`, as `npm run token` signs it; `admin` puts the user in the admin group. */
export async function signLocalToken(
  stateDir: string,
  user: string,
  options: { readonly scopes?: readonly string[]; readonly ttlSeconds?: number; readonly admin?: boolean } = {},
): Promise<string> {
  const authority = await LocalAuthority.open(stateDir);
  return authority.issue(user, {
    scopes: options.scopes,
    ttlSeconds: options.ttlSeconds,
    ...(options.admin ? { groups: [ADMIN_GROUP] } : {}),
  });
}
