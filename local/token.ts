/**
 * `npm run --silent token -- <userId> [--scope <scope>]… [--expires-in <seconds>] [--admin]`: prints
 * a bearer token for the local API whose `sub` is `<userId>`, so files under `incoming/<userId>/`
 * and the API's documents of that user are the same owner's; `--admin` puts the user in the admin
 * group (`cognito:groups`). Signed with the state directory's key (created on first use), which
 * the running gateway verifies against.
 *
 * Environment: PDF_PIPELINE_STATE_DIR (default `.local`).
 */
import { parseArgs } from 'node:util';
import { ALL_FULL_SCOPES, API_SCOPES, fullScope, type ApiScope } from '../lambdas/api/routes.js';
import { ADMIN_GROUP } from '../lambdas/shared/contract.js';
import { DEFAULT_TOKEN_TTL_SECONDS, LocalAuthority } from './gateway/local-auth.js';
import { DEFAULT_STATE_DIR, RUNTIME_ENV_VARS } from './settings.js';

const USAGE = `usage: npm run --silent token -- <userId> [--scope ${Object.values(API_SCOPES).join('|')}]… [--expires-in <seconds>] [--admin]`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      scope: { type: 'string', multiple: true },
      'expires-in': { type: 'string' },
      admin: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const known = Object.values(API_SCOPES) as string[];
  const scopes = values.scope?.map((scope) => {
    if (!known.includes(scope)) throw new Error(`Unknown scope "${scope}"; the API's scopes are ${known.join(', ')}`);
    return fullScope(scope as ApiScope);
  });
  const ttlSeconds = values['expires-in'] === undefined ? DEFAULT_TOKEN_TTL_SECONDS : Number(values['expires-in']);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('--expires-in must be a positive number of seconds');

  const stateDir = process.env[RUNTIME_ENV_VARS.stateDir] || DEFAULT_STATE_DIR;
  const authority = await LocalAuthority.open(stateDir);
  const groups = values.admin ? [ADMIN_GROUP] : [];
  process.stdout.write(`${await authority.issue(positionals[0]!, { scopes: scopes ?? ALL_FULL_SCOPES, ttlSeconds, groups })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
