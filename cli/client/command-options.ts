/** Options every API command shares, registered the same way on each. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ENVIRONMENT_NAMES } from '../../lib/config.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import type { ClientTargetOptions } from './api-target.js';

export interface JsonOption {
  readonly json?: boolean;
}

export type ClientCommandOptions = ClientTargetOptions & JsonOption;

/** `--env`, `--api-url`, `--user`, `--state-dir`, `--outputs-dir`, and the exit codes in `--help`. */
export function withTargetOptions(command: Command): Command {
  return command
    .addOption(new Option('--env <env>', 'a deployed environment (reads cdk-outputs/<env>.json); without it, the local runtime').choices(ENVIRONMENT_NAMES))
    .option('--api-url <url>', "the API's base URL, instead of the one in the outputs")
    .option('--user <id>', 'local runtime: the user to act as (default: $PDF_PIPELINE_USER or local-user)')
    .option('--state-dir <dir>', 'local state directory (default: $PDF_PIPELINE_STATE_DIR or .local)')
    .option('--outputs-dir <dir>', 'where cdk deploy wrote <env>.json', 'cdk-outputs')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
}

export const positiveInteger = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a positive whole number');
  return parsed;
};

/** `1.2 MB`, `830 KB`, `12 B`: sizes for people. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Writes one JSON value per line (NDJSON). */
export const printJsonLine = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};
