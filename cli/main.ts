import { Command } from 'commander';
import { registerEvents } from './commands/events.js';
import { registerExtract } from './commands/extract.js';
import { registerRedrive } from './commands/redrive.js';
import { registerReprocess } from './commands/reprocess.js';
import { registerStats } from './commands/stats.js';

const program = new Command()
  .name('pdf-pipeline')
  .description('Ingest PDFs and extract their content: locally, or against a deployed pdf-pipeline.')
  .showHelpAfterError();

registerExtract(program);
registerRedrive(program);
registerReprocess(program);
registerStats(program);
registerEvents(program);

await program.parseAsync(process.argv);
