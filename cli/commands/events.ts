/**
 * `pdf-pipeline events` (`npm run events`): prints the local runtime's document events, the
 * last few first, then each new one as it arrives, like `tail -f` on the event log.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { DocumentEventDetail } from '../../lambdas/shared/document-events.js';
import type { BusEvent } from '../../local/event-bus.js';
import { DEFAULT_STATE_DIR, RUNTIME_ENV_VARS } from '../../local/settings.js';
import { readJson, stateLayout } from '../../local/state-dir.js';
import type { LocalOutputs } from '../../local/aws-clients.js';

export interface FollowOptions {
  /** How many of the existing events to print first. */
  readonly last: number;
  /** Keep printing new events until `signal` aborts. */
  readonly follow: boolean;
  readonly signal?: AbortSignal;
  /** @default 250 */
  readonly pollMs?: number;
}

/**
 * Calls `onLine` for the last `last` complete lines of `file`, then (when following) for every
 * line appended later. A file that does not exist yet or is replaced (the state directory was
 * reset) is read from its start once it appears.
 */
export async function followLines(file: string, options: FollowOptions, onLine: (line: string) => void): Promise<void> {
  let offset = 0;
  let pending = '';
  let first = true;
  const readNew = () => {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      first = false; // not there yet: whatever appears later is new
      return;
    }
    if (size < offset) {
      offset = 0; // replaced or truncated
      pending = '';
    }
    if (size === offset) {
      first = false;
      return;
    }
    const buffer = Buffer.alloc(size - offset);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(fd);
    }
    offset = size;
    const lines = (pending + buffer.toString('utf8')).split('\n');
    pending = lines.pop() ?? ''; // an incomplete last line waits for the rest
    const complete = lines.filter((line) => line.trim() !== '');
    const past = first && options.last > 0 ? complete.slice(-options.last) : complete;
    for (const line of past) onLine(line);
    first = false;
  };
  readNew();
  while (options.follow && !options.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    readNew();
  }
}

/** One event on one line: time, type, document, and what happened to it. */
export function formatEvent(line: string): string {
  let event: BusEvent;
  try {
    event = JSON.parse(line) as BusEvent;
  } catch {
    return line;
  }
  const detail = event.detail as Partial<DocumentEventDetail>;
  const outcome = detail.status === 'COMPLETED' ? `${detail.pageCount ?? '?'} page(s)` : (detail.errorCode ?? detail.status ?? '');
  return [
    event.time,
    event['detail-type'].padEnd(18),
    detail.documentId ?? '?',
    `owner ${detail.ownerId ?? '—'}`,
    `generation ${detail.generation ?? '?'}`,
    outcome,
  ].join('  ');
}

const nonNegativeInteger = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('must be a whole number');
  return parsed;
};

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description("Follow the local runtime's document events (Document Completed / Document Failed), like tail -f.")
    .option('--state-dir <dir>', 'local state directory (default: $PDF_PIPELINE_STATE_DIR or .local)')
    .option('-n, --lines <n>', 'how many past events to print first (0: all)', nonNegativeInteger, 10)
    .option('--no-follow', 'print and exit instead of waiting for new events')
    .option('--json', 'print the events as they are stored (NDJSON)')
    .action(async (options: { stateDir?: string; lines: number; follow: boolean; json?: boolean }) => {
      const layout = stateLayout(options.stateDir ?? (process.env[RUNTIME_ENV_VARS.stateDir] || DEFAULT_STATE_DIR));
      const file = readJson<LocalOutputs>(layout.outputsFile)?.EventLog ?? layout.eventLog;
      if (options.follow) console.error(`Following ${file} (Ctrl-C to stop)…`);
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      await followLines(file, { last: options.lines, follow: options.follow, signal: controller.signal }, (line) =>
        console.log(options.json ? line : formatEvent(line)),
      );
    });
}
