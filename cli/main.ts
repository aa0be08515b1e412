import { Command, CommanderError } from 'commander';
import { CliError, EXIT_CODES, EXIT_CODES_HELP } from './client/exit-codes.js';
import { registerDocumentCommands } from './commands/documents.js';
import { registerEvents } from './commands/events.js';
import { registerExtract } from './commands/extract.js';
import { registerLayout } from './commands/layout.js';
import { registerTables } from './commands/tables.js';
import { registerMarkdown } from './commands/markdown.js';
import { registerLogin } from './commands/login.js';
import { registerRedrive } from './commands/redrive.js';
import { registerReprocess } from './commands/reprocess.js';
import { registerRestore } from './commands/restore.js';
import { registerStats } from './commands/stats.js';
import { registerToken } from './commands/token.js';
import { registerUpload } from './commands/upload.js';
import { registerWebhooks } from './commands/webhooks.js';
import { registerUsage } from './commands/usage.js';

const program = new Command()
  .name('pdf-pipeline')
  .description('Ingest PDFs and extract their content: locally, or against a deployed pdf-pipeline.')
  .showHelpAfterError()
  .addHelpText('after', `\n${EXIT_CODES_HELP}\n\nTargets: the local runtime by default; --env <env> a deployed one; --api-url <url> any API.`)
  // Usage errors exit 2 (below) rather than commander's 1, which means a FAILED document.
  .exitOverride();

registerUpload(program);
registerDocumentCommands(program);
registerLayout(program);
registerTables(program);
registerMarkdown(program);
registerUsage(program);
registerLogin(program);
registerToken(program);
registerWebhooks(program);

registerExtract(program);
registerRedrive(program);
registerReprocess(program);
registerRestore(program);
registerStats(program);
registerEvents(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and --version end here too, with exit code 0; commander has printed the message.
    process.exitCode = error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  } else if (error instanceof CliError) {
    process.stderr.write(`Error: ${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_CODES.apiError;
  }
}
