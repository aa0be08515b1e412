import { Command } from 'commander';
import { registerExtract } from './commands/extract.js';

const program = new Command()
  .name('pdf-pipeline')
  .description('Ingest PDFs and extract their content: locally, or against a deployed pdf-pipeline.')
  .showHelpAfterError();

registerExtract(program);

await program.parseAsync(process.argv);
