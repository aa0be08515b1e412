/**
 * `pdf-pipeline reprocess <documentId>` (`npm run reprocess -- <id>`): extract a COMPLETED or
 * FAILED document again, say after a parser upgrade, as a new generation through its lane's
 * extraction queue: the same core as the API's `POST /v1/documents/{id}/reprocess`, without its owner
 * check. The local runtime by default, a deployed environment with `--env`.
 */
import type { Command } from 'commander';
import { reprocessDocument, type ReprocessOutcome } from '../../lambdas/shared/reprocess.js';
import { reportingErrors } from '../ops/report-errors.js';
import { resolveTarget, withOpsTargetOptions, type OpsTarget, type TargetOptions } from '../ops/target.js';

/** Reprocesses one document on a target; the outcome as the core reports it. */
export async function reprocessOnTarget(target: OpsTarget, documentId: string): Promise<ReprocessOutcome> {
  return reprocessDocument(documentId, {
    documents: target.documents,
    sqs: target.sqs,
    queueFor: (lane) => target.lanes[lane].queueUrl,
    now: () => new Date(),
  });
}

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
      .argument('<documentId>', 'the document to extract again')
      .description(
        'Extract a COMPLETED or FAILED document again as a new generation, through the extraction queue: ' +
          'the local runtime by default, a deployed environment with --env.',
      ),
  )
    .action(
      reportingErrors(async (documentId: string, options: TargetOptions) => {
        const target = resolveTarget(options);
        try {
          const { ok, line } = describeOutcome(documentId, await reprocessOnTarget(target, documentId));
          (ok ? console.log : console.error)(line);
          if (!ok) process.exitCode = 1;
        } finally {
          target.destroy();
        }
      }),
    );
}
