/**
 * `pdf-pipeline login --env <env>` / `logout --env <env>`: sign in to a deployed environment in
 * the browser (Cognito's hosted UI, authorization code with PKCE, loopback redirect) and keep the
 * tokens for the other commands; forget them again.
 */
import { Option, type Command } from 'commander';
import { ENVIRONMENT_NAMES } from '../../lib/config.js';
import { resolveClientTarget } from '../client/api-target.js';
import { CliError, EXIT_CODES, EXIT_CODES_HELP } from '../client/exit-codes.js';
import { signIn, TokenStore } from '../client/login.js';

interface LoginOptions {
  readonly env: string;
  readonly outputsDir?: string;
  readonly authUrl?: string;
  readonly browser: boolean;
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description(
      'Sign in to a deployed environment in the browser (Cognito hosted UI, authorization code + PKCE) and keep the tokens, ' +
        'readable by you only, under your config folder; they are renewed with the refresh token when they expire. ' +
        'The local runtime needs no sign-in: the CLI signs its own tokens (see `token`).',
    )
    .addOption(new Option('--env <env>', 'the deployed environment').choices(ENVIRONMENT_NAMES).makeOptionMandatory())
    .option('--outputs-dir <dir>', 'where cdk deploy wrote <env>.json', 'cdk-outputs')
    .option('--auth-url <url>', 'the Cognito domain, when the outputs have no AuthUrl (an existing user pool)')
    .option('--no-browser', 'print the sign-in URL instead of opening a browser')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (options: LoginOptions) => {
      const target = resolveClientTarget({ env: options.env, outputsDir: options.outputsDir, authUrl: options.authUrl });
      if (target.kind !== 'aws' || !target.hostedUi) {
        throw new CliError(`cdk-outputs for ${options.env} name no AuthUrl or UserPoolClientId.`, EXIT_CODES.usage, 'Pass the Cognito domain with --auth-url.');
      }
      const tokens = await signIn(target.hostedUi, {
        onUrl: (url) => process.stderr.write(`Sign in at:\n  ${url}\nWaiting for the browser to come back to ${target.hostedUi?.redirectUri}…\n`),
        ...(options.browser ? {} : { openBrowser: () => undefined }),
      });
      const store = new TokenStore();
      store.write(target.envName, tokens);
      process.stderr.write(`Signed in to ${target.envName}; tokens kept in ${store.file(target.envName)}.\n`);
    });

  program
    .command('logout')
    .description('Forget the tokens kept for a deployed environment.')
    .addOption(new Option('--env <env>', 'the deployed environment').choices(ENVIRONMENT_NAMES).makeOptionMandatory())
    .action((options: { env: string }) => {
      const removed = new TokenStore().remove(options.env);
      process.stderr.write(removed ? `Signed out of ${options.env}.\n` : `Not signed in to ${options.env}.\n`);
    });
}
