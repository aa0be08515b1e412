/**
 * How `upload` shows its progress: in a terminal, a bar per file in flight (its stage: read,
 * uploaded, QUEUED, PROCESSING, done) and one for the whole run, drawn by cli-progress; anywhere
 * else, one plain line per step on stderr, which logs keep readably.
 */
import { basename } from 'node:path';
import cliProgress from 'cli-progress';

/** How far along a file is at each step, out of 100. */
export const STAGE_PERCENT: Readonly<Record<string, number>> = {
  reading: 5,
  uploading: 15,
  uploaded: 50,
  UPLOADING: 40,
  QUEUED: 60,
  PROCESSING: 75,
  COMPLETED: 100,
  FAILED: 100,
};

/** A bar of `width` cells for a share done (0–1), as `status` prints a long document's progress. */
export function progressBar(done: number, width = 24): string {
  const share = Math.min(1, Math.max(0, Number.isFinite(done) ? done : 0));
  const filled = Math.floor(share * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.floor(share * 100)}%`;
}

export interface ProgressReporter {
  /** A file reached a step (`uploading`, `QUEUED`, …), with detail for plain lines. */
  /** `done` (0–1): how far within the stage, for a document extracted in shards. */
  step(file: string, stage: string, detail?: string, done?: number): void;
  /** A file is done; `line` is said above the bars (or on stderr). */
  finish(file: string, line: string): void;
  stop(): void;
}

export function createProgress(total: number, options: { readonly tty: boolean; readonly stream?: NodeJS.WriteStream }): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (!options.tty) {
    return {
      step: (file, stage, detail) => stream.write(`${file}: ${stage}${detail ? ` ${detail}` : ''}\n`),
      finish: (_file, line) => stream.write(`${line}\n`),
      stop: () => undefined,
    };
  }

  const multibar = new cliProgress.MultiBar(
    {
      stream,
      format: ' {bar} {percentage}% | {name} | {stage}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = multibar.create(total, 0, { name: `${total} file(s)`, stage: 'overall' });
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    step(file, stage, detail, done) {
      let bar = bars.get(file);
      if (!bar) {
        bar = multibar.create(100, 0, { name: basename(file), stage });
        bars.set(file, bar);
      }
      const at = STAGE_PERCENT[stage] ?? 0;
      const within = done === undefined ? 0 : Math.round((100 - at) * Math.min(1, Math.max(0, done)));
      bar.update(at + within, { stage: detail && done !== undefined ? `${stage} ${detail}` : stage });
    },
    finish(file, line) {
      const bar = bars.get(file);
      if (bar) {
        // Finished files leave the screen, so it holds only what is in flight and the total.
        multibar.remove(bar);
        bars.delete(file);
      }
      overall.increment();
      multibar.log(`${line}\n`);
    },
    stop: () => multibar.stop(),
  };
}
