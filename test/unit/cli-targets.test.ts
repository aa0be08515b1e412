/**
 * Where the client commands find the API and their token: the local runtime's outputs (or the
 * state directory `$PDF_PIPELINE_STATE_DIR` names), a deployed environment's cdk outputs,
 * `--api-url`; and the loopback callback `login` needs, allowed in every environment.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseUploadRoute } from '../../api-client/upload-route.js';
import { signLocalToken, resolveClientTarget, tokenSource, UNKNOWN_LIMITS } from '../../cli/client/api-target.js';
import { EXIT_CODES } from '../../cli/client/exit-codes.js';
import { ALL_FULL_SCOPES } from '../../lambdas/api/routes.js';
import { ADMIN_GROUP } from '../../lambdas/shared/contract.js';
import { CLI_LOGIN_CALLBACK_URL, CONFIGS, deriveSettings, ENVIRONMENT_NAMES, validateConfig } from '../../lib/config.js';
import { LocalAuthority } from '../../local/gateway/local-auth.js';

let scratch: string;
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** Limits no environment's config has, so a test can tell they came from the outputs. */
const DEPLOYED_LIMITS = { MaxDirectUploadBytes: '1234567', MaxPresignedUploadBytes: '7654321' };

function stateDirWithOutputs(apiUrl: string, limits: Record<string, string> = DEPLOYED_LIMITS): string {
  scratch = mkdtempSync(join(tmpdir(), 'pdf-pipeline-target-'));
  const stateDir = join(scratch, 'state');
  mkdirSync(stateDir);
  writeFileSync(join(stateDir, 'outputs.json'), JSON.stringify({ ApiUrl: apiUrl, ...limits }));
  return stateDir;
}

describe('resolveClientTarget: the local runtime', () => {
  it('reads ApiUrl from the state directory $PDF_PIPELINE_STATE_DIR names, acting as $PDF_PIPELINE_USER', () => {
    const stateDir = stateDirWithOutputs('http://127.0.0.1:3999');

    const target = resolveClientTarget({}, { PDF_PIPELINE_STATE_DIR: stateDir, PDF_PIPELINE_USER: 'alice' });

    expect(target).toMatchObject({ kind: 'local', apiUrl: 'http://127.0.0.1:3999', stateDir, user: 'alice' });
    expect(target.limits).toEqual({ maxDirectUploadBytes: 1_234_567, maxPresignedUploadBytes: 7_654_321 });
  });

  it('sends every file by presigned POST when the outputs give no limits, leaving the size to the API', () => {
    const stateDir = stateDirWithOutputs('http://127.0.0.1:3999', {});

    const target = resolveClientTarget({ stateDir }, {});

    expect(target.limits).toEqual(UNKNOWN_LIMITS);
    expect(chooseUploadRoute(1, target.limits)).toBe('presigned');
    expect(chooseUploadRoute(CONFIGS.prod.api.maxPresignedUploadBytes * 10, target.limits)).toBe('presigned');
  });

  it('prefers --state-dir, --user and --api-url to the environment, and acts as local-user by default', () => {
    const stateDir = stateDirWithOutputs('http://127.0.0.1:3999');

    const given = resolveClientTarget({ stateDir, user: 'bob', apiUrl: 'http://127.0.0.1:4000/' }, { PDF_PIPELINE_STATE_DIR: '/elsewhere' });
    const defaults = resolveClientTarget({ stateDir }, {});

    expect(given).toMatchObject({ apiUrl: 'http://127.0.0.1:4000', user: 'bob' });
    expect(defaults).toMatchObject({ user: 'local-user' });
  });

  it('says to start the runtime when there are no outputs (exit 5)', () => {
    scratch = mkdtempSync(join(tmpdir(), 'pdf-pipeline-target-'));

    expect(() => resolveClientTarget({ stateDir: scratch }, {})).toThrowError(
      expect.objectContaining({ exitCode: EXIT_CODES.unreachable, hint: expect.stringContaining('npm start') }),
    );
  });

  it('signs a token for the user with the state directory’s key, which the local gateway verifies', async () => {
    const stateDir = stateDirWithOutputs('http://127.0.0.1:3999');
    const target = resolveClientTarget({ stateDir, user: 'carol' }, {});

    const token = await tokenSource(target, { environment: {} })();
    const claims = await (await LocalAuthority.open(stateDir)).verify(token, ALL_FULL_SCOPES);

    expect(claims.sub).toBe('carol');
  });

  it('uses $PDF_PIPELINE_TOKEN as it is when set', async () => {
    const target = resolveClientTarget({ stateDir: stateDirWithOutputs('http://127.0.0.1:3999') }, {});

    expect(await tokenSource(target, { environment: { PDF_PIPELINE_TOKEN: 'given' } })()).toBe('given');
  });

  it('puts an admin token’s user in the admin group', async () => {
    const stateDir = stateDirWithOutputs('http://127.0.0.1:3999');

    const token = await signLocalToken(stateDir, 'root', { admin: true });
    const claims = await (await LocalAuthority.open(stateDir)).verify(token, ALL_FULL_SCOPES);

    expect(claims['cognito:groups']).toEqual([ADMIN_GROUP]);
  });
});

describe('resolveClientTarget: a deployed environment', () => {
  function outputsDir(outputs: Record<string, string>): string {
    scratch = mkdtempSync(join(tmpdir(), 'pdf-pipeline-target-'));
    const { stackName } = deriveSettings(CONFIGS.prod);
    writeFileSync(join(scratch, 'prod.json'), JSON.stringify({ [stackName]: outputs }));
    return scratch;
  }

  it('reads ApiUrl, AuthUrl, the app client and the upload limits from cdk-outputs/<env>.json', () => {
    const dir = outputsDir({
      ApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/api',
      AuthUrl: 'https://p.auth.eu-west-1.amazoncognito.com',
      UserPoolClientId: 'client-1',
      ...DEPLOYED_LIMITS,
    });

    const target = resolveClientTarget({ env: 'prod', outputsDir: dir }, {});

    expect(target).toMatchObject({
      kind: 'aws',
      envName: 'prod',
      apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/api',
      limits: { maxDirectUploadBytes: 1_234_567, maxPresignedUploadBytes: 7_654_321 },
      hostedUi: { authUrl: 'https://p.auth.eu-west-1.amazoncognito.com', clientId: 'client-1', redirectUri: CLI_LOGIN_CALLBACK_URL },
    });
  });

  it('takes the Cognito domain from --auth-url when the outputs have none (an existing user pool)', () => {
    const dir = outputsDir({ ApiUrl: 'https://abc.example/api', UserPoolClientId: 'client-1' });

    const without = resolveClientTarget({ env: 'prod', outputsDir: dir }, {});
    const given = resolveClientTarget({ env: 'prod', outputsDir: dir, authUrl: 'https://login.example/' }, {});

    expect(without.kind === 'aws' && without.hostedUi).toBeUndefined();
    expect(given.kind === 'aws' && given.hostedUi?.authUrl).toBe('https://login.example');
  });

  it('says how to deploy when the outputs file is missing, and refuses an unknown environment (exit 2)', () => {
    scratch = mkdtempSync(join(tmpdir(), 'pdf-pipeline-target-'));

    expect(() => resolveClientTarget({ env: 'prod', outputsDir: scratch }, {})).toThrow(/--outputs-file/);
    expect(() => resolveClientTarget({ env: 'qa', outputsDir: scratch }, {})).toThrowError(expect.objectContaining({ exitCode: EXIT_CODES.usage }));
  });
});

describe('the login callback in the config', () => {
  it.each(ENVIRONMENT_NAMES)('is an allowed callback URL of %s, and the config stays valid', (envName) => {
    expect(CONFIGS[envName].auth.callbackUrls).toContain(CLI_LOGIN_CALLBACK_URL);
    expect(() => validateConfig(CONFIGS[envName])).not.toThrow();
  });

  it('is a loopback http URL with a fixed port, as Cognito matches callbacks exactly', () => {
    const url = new URL(CLI_LOGIN_CALLBACK_URL);

    expect(url.protocol).toBe('http:');
    expect(url.hostname).toBe('localhost');
    expect(Number(url.port)).toBeGreaterThan(1024);
  });
});
