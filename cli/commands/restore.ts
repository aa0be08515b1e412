/**
 * `pdf-pipeline restore <documentId>` (`npm run restore -- <id>`): rebuild a document whose
 * record or pages were lost or damaged from its original in the bucket (on AWS, the newest
 * noncurrent version if the current object was deleted): the record is written again as QUEUED
 * and the original goes through its lane's extraction queue. The local runtime by default, a
 * deployed environment with `--env`. docs/runbook.md says when to use it and what else restores.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { LANES, type Lane } from '../../lambdas/shared/contract.js';
import { CONFIGS, type EnvironmentName } from '../../lib/config.js';
import type { LocalOutputs } from '../../local/aws-clients.js';
import { readJson } from '../../local/state-dir.js';
import { reportingErrors } from '../ops/report-errors.js';
import { restoreDocument, type RestoreOutcome } from '../ops/restore-document.js';
import { readStackOutputs, resolveTarget, withOpsTargetOptions, type OpsTarget, type TargetOptions } from '../ops/target.js';

/** The document bucket of a target and a client for it, from the same outputs the target was read from. */
function bucketOf(target: OpsTarget, options: TargetOptions): { readonly bucketName: string; readonly s3: S3Client } {
  if (target.kind === 'local') {
    const outputs = readJson<LocalOutputs>(target.layout!.outputsFile)!;
    const s3 = new S3Client({
      region: outputs.Region,
      endpoint: outputs.AwsEndpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: outputs.AccessKeyId, secretAccessKey: outputs.SecretAccessKey },
    });
    return { bucketName: outputs.BucketName, s3 };
  }
  const envName = options.env as EnvironmentName;
  const { file, outputs } = readStackOutputs(envName, options.outputsDir);
  if (!outputs.BucketName) throw new Error(`${file} lacks BucketName`);
  return { bucketName: outputs.BucketName, s3: new S3Client({ region: CONFIGS[envName].region }) };
}

/** Restores one document on a target; the outcome as the core reports it. */
export async function restoreOnTarget(target: OpsTarget, documentId: string, options: TargetOptions = {}): Promise<RestoreOutcome> {
  const { bucketName, s3 } = bucketOf(target, options);
  try {
    return await restoreDocument(documentId, {
      documents: target.documents,
      pages: target.pages,
      s3,
      sqs: target.sqs,
      bucketName,
      queueUrls: Object.fromEntries(LANES.map((lane) => [lane, target.lanes[lane].queueUrl])) as Record<Lane, string>,
      now: () => new Date(),
    });
  } finally {
    s3.destroy();
  }
}

/** One line for people; `ok` is false for every outcome but `queued`. */
export function describeRestore(documentId: string, outcome: RestoreOutcome): { readonly ok: boolean; readonly line: string } {
  switch (outcome.kind) {
    case 'queued': {
      const { original } = outcome;
      const version = original.versionId ? ` version ${original.versionId}${original.noncurrent ? ' (noncurrent: the current object was deleted)' : ''}` : '';
      return {
        ok: true,
        line: `Document ${documentId} is QUEUED as generation ${outcome.generation} on the ${outcome.lane} lane, from ${original.key}${version}.`,
      };
    }
    case 'no-original':
      return { ok: false, line: `No original of document ${documentId} is left in the bucket; restore the table from point-in-time recovery instead (docs/runbook.md).` };
    case 'deleted':
      return { ok: false, line: `Document ${documentId} was deleted by its owner; a restore never undoes a deletion.` };
    case 'expired':
      return { ok: false, line: `Document ${documentId} is past its retention.` };
    case 'busy':
      return { ok: false, line: `Document ${documentId} is ${outcome.status} and its record is sound; wait for it to finish.` };
    case 'changed':
      return { ok: false, line: `Document ${documentId} changed while it was being restored; run the restore again.` };
  }
}

export function registerRestore(program: Command): void {
  withOpsTargetOptions(
    program
      .command('restore')
      .argument('<documentId>', 'the document to rebuild from its original')
      .description(
        'Rebuild a document whose record or pages are missing or damaged from its original in the bucket ' +
          '(a deleted original from its newest noncurrent version): the record is written again as QUEUED and ' +
          'the original extracted again on its lane. The local runtime by default, a deployed environment with --env.',
      ),
  )
    .action(
      reportingErrors(async (documentId: string, options: TargetOptions) => {
        const target = resolveTarget(options);
        try {
          const { ok, line } = describeRestore(documentId, await restoreOnTarget(target, documentId, options));
          (ok ? console.log : console.error)(line);
          if (!ok) process.exitCode = 1;
        } finally {
          target.destroy();
        }
      }),
    );
}
