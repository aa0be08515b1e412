/**
 * `pdf-pipeline token [userId]`: prints an access token for the local runtime's API, signed with
 * the state directory's key, as `npm run token` does. Deployed environments use `login`.
 */
import { Option, type Command } from 'commander';
import { API_SCOPES, fullScope, type ApiScope } from '../../lambdas/api/routes.js';
import { DEFAULT_TOKEN_TTL_SECONDS } from '../../local/gateway/local-auth.js';
import { DEFAULT_STATE_DIR, RUNTIME_ENV_VARS } from '../../local/settings.js';
import { CLIENT_ENV_VARS, DEFAULT_LOCAL_USER, signLocalToken } from '../client/api-target.js';
import { positiveInteger } from '../client/command-options.js';
import { CliError, EXIT_CODES, EXIT_CODES_HELP } from '../client/exit-codes.js';

interface TokenOptions {
  readonly stateDir?: string;
  readonly scope?: string[];
  readonly expiresIn: number;
  readonly admin?: boolean;
}

export function registerToken(program: Command): void {
  program
    .command('token')
    .description("Print an access token for the local runtime's API whose user (`sub`) is <userId> (local runtime only).")
    .argument('[userId]', 'the user (default: $PDF_PIPELINE_USER or local-user)')
    .addOption(new Option('--scope <scope...>', 'scopes to grant (default: all)').choices(Object.values(API_SCOPES)))
    .option('--expires-in <seconds>', 'lifetime', positiveInteger, DEFAULT_TOKEN_TTL_SECONDS)
    .option('--admin', 'put the user in the admin group')
    .option('--state-dir <dir>', 'local state directory (default: $PDF_PIPELINE_STATE_DIR or .local)')
    .addHelpText('after', `\nExample: curl -H "Authorization: Bearer $(npx pdf-pipeline token alice)" "$API/v1/documents"\n\n${EXIT_CODES_HELP}`)
    .action(async (userId: string | undefined, options: TokenOptions) => {
      const user = userId ?? (process.env[CLIENT_ENV_VARS.user] || DEFAULT_LOCAL_USER);
      const stateDir = options.stateDir ?? (process.env[RUNTIME_ENV_VARS.stateDir] || DEFAULT_STATE_DIR);
      let token: string;
      try {
        token = await signLocalToken(stateDir, user, {
          scopes: options.scope?.map((scope) => fullScope(scope as ApiScope)),
          ttlSeconds: options.expiresIn,
          admin: options.admin,
        });
      } catch (error) {
        throw new CliError((error as Error).message, EXIT_CODES.usage);
      }
      process.stdout.write(`${token}\n`);
    });
}
