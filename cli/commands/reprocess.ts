/**
 * `pdf-pipeline reprocess <documentId>` (`npm run reprocess -- <id>`): extract a COMPLETED or
 * FAILED document again, say after a parser upgrade, as a new generation through its lane's
 * extraction queue: the same core as the API's `POST /v1/documents/{id}/reprocess`, without its owner
 * check. The local runtime by default, a deployed environment with `--env`.
 *
 * `pdf-pipeline reprocess --extractor-older-than <version> [--owner <id>] [--dry-run]`: every
 * document an older extractor produced, through the same core, in the bulk lane, at a bounded rate
 * (`reprocess-by-version.ts`). An operator's command: it needs the deployment's credentials.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_MOVE_RATE, MAX_MOVE_RATE, RateLimiter } from '../../lambdas/shared/dead-letter-redrive.js';
import { EXTRACTOR_VERSION, isExtractorVersion } from '../../lambdas/shared/extractor-version.js';
import { reprocessDocument, type ReprocessOptions, type ReprocessOutcome } from '../../lambdas/shared/reprocess.js';
import { reprocessOlderThan, type VersionReprocessSummary } from '../../lambdas/shared/reprocess-by-version.js';
import { EXIT_CODES } from '../client/exit-codes.js';
import { reportingErrors } from '../ops/report-errors.js';
import { resolveTarget, withOpsTargetOptions, type OpsTarget, type TargetOptions } from '../ops/target.js';

/** Reprocesses one document on a target; the outcome as the core reports it. */
export async function reprocessOnTarget(target: OpsTarget, documentId: string, options: ReprocessOptions = {}): Promise<ReprocessOutcome> {
  return reprocessDocument(
    documentId,
    {
      repository: target.documents,
      sqs: target.sqs,
      queueFor: (lane) => target.lanes[lane].queueUrl,
      now: () => new Date(),
    },
    options,
  );
}

export interface VersionReprocessOptions {
  readonly extractorOlderThan: string;
  readonly owner?: string;
  readonly dryRun?: boolean;
  /** @default DEFAULT_MOVE_RATE */
  readonly maxPerSecond?: number;
}

/** Reprocesses, in the bulk lane and at most `maxPerSecond`, what an extractor older than the version produced; one line per step through `print`. */
export async function reprocessByVersionOnTarget(
  target: OpsTarget,
  options: VersionReprocessOptions,
  print: (line: string) => void = console.log,
  limiter = new RateLimiter(options.maxPerSecond ?? DEFAULT_MOVE_RATE),
): Promise<VersionReprocessSummary> {
  const summary = await reprocessOlderThan(
    options.extractorOlderThan,
    {
      records: () => target.documents.scanDocuments(),
      reprocess: (documentId) => reprocessOnTarget(target, documentId, { lane: 'bulk' }),
      take: (count) => limiter.take(count),
      progress: ({ done, total, documentId, outcome, queued }) => print(`[${done}/${total}] ${documentId}: ${outcome} (${queued} queued)`),
    },
    { ownerId: options.owner, dryRun: options.dryRun },
  );
  const whose = options.owner ? ` of ${options.owner}` : '';
  const found = `${summary.selected.length} document(s)${whose} produced by an extractor older than ${summary.threshold} (this one is ${EXTRACTOR_VERSION})`;
  if (summary.dryRun) print(`Would reprocess ${found} in the bulk lane${summary.selected.length ? `: ${summary.selected.join(', ')}` : ''}.`);
  else print(`Reprocessed ${found}: ${Object.entries(summary.outcomes).map(([kind, count]) => `${count} ${kind}`).join(', ') || 'nothing to do'}.`);
  return summary;
}

const versionOption = (value: string): string => {
  if (!isExtractorVersion(value)) throw new InvalidArgumentError('must be an extractor version, MAJOR.MINOR.PATCH (e.g. 2.0.0)');
  return value;
};

const rateOption = (value: string): number => {
  const parsed = Number(value);
  if (!(Number.isFinite(parsed) && parsed > 0 && parsed <= MAX_MOVE_RATE)) throw new InvalidArgumentError(`must be a number above 0 and at most ${MAX_MOVE_RATE}`);
  return parsed;
};

/** One line for people; `ok` is false for every outcome but `queued`. */
export function describeOutcome(documentId: string, outcome: ReprocessOutcome): { readonly ok: boolean; readonly line: string } {
  switch (outcome.kind) {
    case 'queued':
      return { ok: true, line: `Document ${documentId} is QUEUED as generation ${outcome.generation}.` };
    case 'not-found':
      return { ok: false, line: `No document ${documentId}.` };
    case 'deleted':
      return { ok: false, line: `Document ${documentId} was deleted.` };
    case 'busy':
      return { ok: false, line: `Document ${documentId} is ${outcome.status}; reprocess it once it is COMPLETED or FAILED.` };
    case 'not-reprocessable':
      return { ok: false, line: `Document ${documentId} cannot be reprocessed: ${outcome.reason}.` };
    case 'changed':
      return { ok: false, line: `Document ${documentId} kept changing; try again.` };
  }
}

export function registerReprocess(program: Command): void {
  withOpsTargetOptions(
    program
      .command('reprocess')
      .argument('[documentId]', 'the document to extract again')
      .description(
        'Extract a COMPLETED or FAILED document again as a new generation, through the extraction queue, or with ' +
          '--extractor-older-than every document an older extractor produced, in the bulk lane: ' +
          'the local runtime by default, a deployed environment with --env.',
      )
      .option('--extractor-older-than <version>', 'every document produced by an extractor older than this version (MAJOR.MINOR.PATCH)', versionOption)
      .option('--owner <ownerId>', "with --extractor-older-than: only this owner's documents")
      .option('--dry-run', 'with --extractor-older-than: list the documents, queue nothing')
      .option('--max-per-second <n>', `with --extractor-older-than: queue at most this many a second (default ${DEFAULT_MOVE_RATE})`, rateOption),
  )
    .action(
      reportingErrors(async (documentId: string | undefined, options: TargetOptions & Partial<VersionReprocessOptions>) => {
        if ((documentId === undefined) === (options.extractorOlderThan === undefined)) {
          console.error('Error: give either a document id or --extractor-older-than <version>');
          process.exitCode = EXIT_CODES.usage;
          return;
        }
        const target = resolveTarget(options);
        try {
          if (options.extractorOlderThan !== undefined) {
            await reprocessByVersionOnTarget(target, { ...options, extractorOlderThan: options.extractorOlderThan });
            return;
          }
          const { ok, line } = describeOutcome(documentId!, await reprocessOnTarget(target, documentId!));
          (ok ? console.log : console.error)(line);
          if (!ok) process.exitCode = 1;
        } finally {
          target.destroy();
        }
      }),
    );
}
