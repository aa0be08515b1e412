/** `pdf-pipeline layout <documentId> <page>`: a page's lines and words with their boxes. */
import type { Command } from 'commander';
import type { PageLayoutView } from '../client/api-client.js';
import { connect, resolveClientTarget } from '../client/api-target.js';
import { positiveInteger, printJsonLine, withTargetOptions, type ClientCommandOptions } from '../client/command-options.js';

const box = ([left, top, right, bottom]: readonly number[]) => `[${left}, ${top}, ${right}, ${bottom}]`;

/** One line per text line: its box, then its words; bold and italic words are marked. */
export function formatLayout(layout: PageLayoutView): string {
  const header = `page ${layout.pageNumber}: ${layout.width} × ${layout.height} pt, ${layout.lines.length} line(s), from the ${layout.source}`;
  const lines = layout.lines.map((line) => {
    const words = line.words.map((word) => `${word.text}${word.bold ? '*' : ''}${word.italic ? '/' : ''}`).join(' ');
    return `${box(line.box).padEnd(30)} ${words}`;
  });
  return [header, ...lines].join('\n');
}

export function registerLayout(program: Command): void {
  withTargetOptions(
    program
      .command('layout')
      .description("A page's layout: lines and words with boxes in PDF points (top-left origin). Bold words end in *, italic in /.")
      .argument('<documentId>')
      .argument('<page>', 'page number, from 1', positiveInteger)
      .option('--json', 'the layout as the API returns it'),
  ).action(async (documentId: string, page: number, options: ClientCommandOptions) => {
    const layout = await connect(resolveClientTarget(options)).getPageLayout(documentId, page);
    if (options.json) printJsonLine(layout);
    else process.stdout.write(`${formatLayout(layout)}\n`);
  });
}
