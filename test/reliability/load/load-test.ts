/**
 * The load run both `npm run loadtest` and `test/reliability/load.test.ts` use: uploads a planned
 * mix of documents through the three upload paths at a set rate and concurrency, waits for every
 * one to reach a terminal state, and reconciles them all against the table and the dead-letter
 * queues. It never asserts: the caller decides what a failed reconciliation means.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { ApiClient, ApiRequestError } from '../../../api-client/api-client.js';
import { deriveDocumentId } from '../../../lambdas/extract/document-id.js';
import { TERMINAL_STATUSES } from '../../../lambdas/shared/contract.js';
import { DocumentListing } from '../../../lambdas/shared/document-listing.js';
import { DocumentStore } from '../../../lambdas/shared/document-store.js';
import type { DocumentRecord } from '../../../lambdas/shared/document-model.js';
import type { AwsClients, LocalOutputs } from '../../../local/aws-clients.js';
import { readCorpusFile } from '../../support/corpus.js';
import { makePdf } from '../../support/pdf-factory.js';
import type { LoadFigures } from '../figures.js';
import { loadFigures } from './load-figures.js';
import { buildPlan, ownersNeeded, type LoadPlan, type PathMix, type PlannedUpload } from './load-plan.js';
import { reconcileLoad, type LoadReconciliation, type MatchedSubmission, type Submission } from './load-reconciliation.js';

/** A running pipeline to load: its outputs, SDK clients for its emulators, and a way to sign users in. */
export interface LoadTarget {
  readonly outputs: LocalOutputs;
  readonly clients: AwsClients;
  issueToken(userId: string): Promise<string>;
  /** The API's per-user upload quota a minute, which the run stays under by spreading users. */
  readonly uploadsPerMinutePerUser: number;
  /** The extraction lanes' event-source concurrency, for the report. */
  readonly laneConcurrency?: Readonly<Record<string, number>>;
}

export interface LoadOptions {
  readonly documents: number;
  readonly mix: PathMix;
  /** Uploads started per second, at most. */
  readonly rate: number;
  /** Uploads in flight at once, at most. */
  readonly concurrency: number;
  /** @default enough that each stays within two thirds of the per-user quota at `rate` */
  readonly owners?: number;
  /** How long to wait for the last document to settle after the last upload, in ms. */
  readonly settleTimeoutMs: number;
  /** Who ran it, for the report. */
  readonly source: string;
  /** Progress lines. @default none */
  readonly log?: (line: string) => void;
}

export interface LoadResult {
  readonly plan: LoadPlan;
  readonly matched: readonly MatchedSubmission[];
  readonly reconciliation: LoadReconciliation;
  readonly figures: LoadFigures;
}

/** Share of the per-user quota a user is planned to use, so a slow minute followed by a fast one stays within it. */
const QUOTA_HEADROOM = 2 / 3;
const POLL_MS = 1000;
/** After the last document settled: how long the lane queues may take to empty before the dead letters are counted. */
const DRAIN_TIMEOUT_MS = 30_000;
const LISTING_PAGE = 200;
const READ_PARALLELISM = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => {});
  const { outputs, clients } = target;
  const apiShare = (options.mix.direct + options.mix.presigned) / (options.mix.direct + options.mix.presigned + options.mix.drop);
  const owners = options.owners ?? Math.max(2, ownersNeeded(options.rate, apiShare, target.uploadsPerMinutePerUser * QUOTA_HEADROOM));
  const plan = buildPlan({ runId: randomUUID().slice(0, 8), documents: options.documents, mix: options.mix, owners });
  const tableClient = DynamoDBDocumentClient.from(clients.dynamoDb);
  const stores = { documents: new DocumentStore(tableClient, outputs.TableName), listing: new DocumentListing(tableClient, outputs.TableName) };
  const dropFolderId = (key: string) => deriveDocumentId(outputs.BucketName, key, undefined);

  const tokens = new Map(await Promise.all(plan.owners.map(async (owner) => [owner, await target.issueToken(owner)] as const)));
  const corpus = new Map<string, Uint8Array>();
  const bytesOf = (upload: PlannedUpload): Uint8Array => {
    const { content } = upload;
    if (content.kind === 'corpus') {
      if (!corpus.has(content.file)) corpus.set(content.file, readCorpusFile(content.file));
      return corpus.get(content.file)!;
    }
    return generatedPdf(upload, content.pages);
  };
  // A target that already ran (`--target local`) may hold dead letters of its own.
  const deadLettersBefore = await deadLetterDepth(clients, outputs);

  // Uploads, started at `rate` and at most `concurrency` at once.
  log(`uploading ${plan.uploads.length} documents as ${plan.owners.length} users (run ${plan.runId}) …`);
  const limit = pLimit(options.concurrency);
  const uploadStartedAt = Date.now();
  const submissions: Promise<Submission>[] = [];
  for (const upload of plan.uploads) {
    const due = uploadStartedAt + (upload.index * 1000) / options.rate;
    if (due > Date.now()) await sleep(due - Date.now());
    // Waiting for a free slot here keeps later uploads from piling up behind a slow moment.
    while (limit.activeCount + limit.pendingCount >= options.concurrency) await sleep(2);
    submissions.push(limit(() => submit(target, upload, tokens.get(upload.ownerId)!, bytesOf(upload))));
    if ((upload.index + 1) % 100 === 0) log(`  ${upload.index + 1} started`);
  }
  const submitted = await Promise.all(submissions);
  const submittedAt = Date.now();
  const accepted = submitted.filter((submission) => submission.accepted);
  log(`uploads done in ${((submittedAt - uploadStartedAt) / 1000).toFixed(1)} s: ${accepted.length} accepted, ${submitted.length - accepted.length} refused`);

  // Settling: every accepted document in a terminal state, or the time is up.
  const deadline = Date.now() + options.settleTimeoutMs;
  let records = await ownersRecords(stores.listing, plan.owners);
  for (;;) {
    const pending = unsettled(accepted, records);
    if (pending === 0 || Date.now() >= deadline) break;
    log(`  ${accepted.length - pending} of ${accepted.length} terminal`);
    await sleep(POLL_MS);
    records = await ownersRecords(stores.listing, plan.owners);
  }

  const stillQueued = await waitForDrainedLanes(clients, outputs, DRAIN_TIMEOUT_MS);
  if (stillQueued > 0) {
    log(`  ${stillQueued} message(s) still in the lanes after ${DRAIN_TIMEOUT_MS / 1000} s: the dead-letter count below may miss some`);
  }
  const deadLettered = Math.max(0, (await deadLetterDepth(clients, outputs)) - deadLettersBefore);
  // The listing is an index (eventually consistent on AWS): each API upload is read again by key.
  records = await withConsistentReads(stores.documents, await ownersRecords(stores.listing, plan.owners), submitted);

  const { reconciliation, matched } = reconcileLoad({ submissions: submitted, records, deadLettered, dropFolderId });
  const figures = loadFigures({
    source: options.source,
    settings: {
      documents: options.documents,
      mix: options.mix,
      rate: options.rate,
      concurrency: options.concurrency,
      owners: plan.owners.length,
      laneConcurrency: target.laneConcurrency,
    },
    matched,
    reconciliation,
    submittedAt,
  });
  return { plan, matched, reconciliation, figures };
}

/** A generated document: its own title and text on every page, so no two are alike. */
function generatedPdf(upload: PlannedUpload, pages: number): Uint8Array {
  return makePdf(
    Array.from({ length: pages }, (_, page) => `${upload.filename} by ${upload.ownerId}, page ${page + 1} of ${pages}. Quarterly ledger entries and notes. `.repeat(20)),
    { title: upload.filename },
  );
}

async function submit(target: LoadTarget, upload: PlannedUpload, token: string, bytes: Uint8Array): Promise<Submission> {
  const startedAt = Date.now();
  const started = performance.now();
  const done = (result: Omit<Submission, 'upload' | 'startedAt' | 'uploadMs'>): Submission => ({
    upload,
    startedAt,
    ...(result.accepted ? { uploadMs: Math.round(performance.now() - started) } : {}),
    ...result,
  });
  try {
    switch (upload.path) {
      case 'direct':
        return done(await uploadDirect(target.outputs.ApiUrl, token, upload, bytes));
      case 'presigned':
        return done(await uploadPresigned(target.outputs.ApiUrl, token, upload, bytes));
      case 'drop':
        await target.clients.s3.send(
          new PutObjectCommand({ Bucket: target.outputs.BucketName, Key: upload.dropKey!, Body: bytes, ContentType: 'application/pdf' }),
        );
        return done({ accepted: true });
    }
  } catch (error) {
    return done({ accepted: false, refusal: error instanceof Error ? error.message : String(error) });
  }
}

/** The typed client as one user, without retries: the load test counts every refusal. */
const clientFor = (apiUrl: string, token: string) => new ApiClient({ baseUrl: apiUrl, token: () => token, maxRetries: 0 });

const refusal = (error: unknown) =>
  error instanceof ApiRequestError ? `HTTP ${error.status} ${error.code} ${error.detail}`.trim() : error instanceof Error ? error.message : String(error);

async function uploadDirect(apiUrl: string, token: string, upload: PlannedUpload, bytes: Uint8Array) {
  try {
    const { documentId } = await clientFor(apiUrl, token).uploadDirect(bytes, { filename: upload.filename, ...(upload.lane === 'bulk' ? { lane: 'bulk' } : {}) });
    return { accepted: true, documentId };
  } catch (error) {
    return { accepted: false, refusal: refusal(error) };
  }
}

/** `POST /v1/uploads`, then the form to the URL it signed: every field, the file last. */
async function uploadPresigned(apiUrl: string, token: string, upload: PlannedUpload, bytes: Uint8Array) {
  const client = clientFor(apiUrl, token);
  let created;
  try {
    created = await client.createUpload({ filename: upload.filename, size: bytes.byteLength, ...(upload.lane === 'bulk' ? { lane: 'bulk' } : {}) });
  } catch (error) {
    return { accepted: false, refusal: refusal(error) };
  }
  try {
    await client.postUploadForm(created.upload, bytes, upload.filename);
  } catch (error) {
    // The record exists from the API call on, so a failed form POST still leaves a document to account for.
    return { accepted: false, documentId: created.documentId, refusal: `form POST: ${refusal(error)}` };
  }
  return { accepted: true, documentId: created.documentId };
}

/** Every record the run's owners have, through the owner index. */
async function ownersRecords(listing: DocumentListing, owners: readonly string[]): Promise<DocumentRecord[]> {
  const limit = pLimit(READ_PARALLELISM);
  const perOwner = await Promise.all(
    owners.map((owner) =>
      limit(async () => {
        const found: DocumentRecord[] = [];
        let cursor: string | undefined;
        do {
          const page = await listing.listByOwner(owner, { limit: LISTING_PAGE, cursor });
          found.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        return found;
      }),
    ),
  );
  return perOwner.flat();
}

/** Replaces the listed records of API uploads by consistent reads, adding any the listing missed. */
async function withConsistentReads(documents: DocumentStore, listed: readonly DocumentRecord[], submissions: readonly Submission[]): Promise<DocumentRecord[]> {
  const byId = new Map(listed.map((record) => [record.documentId, record]));
  const limit = pLimit(READ_PARALLELISM);
  await Promise.all(
    submissions
      .filter((submission) => submission.documentId !== undefined)
      .map((submission) =>
        limit(async () => {
          const record = await documents.get(submission.documentId!);
          if (record) byId.set(record.documentId, record);
        }),
      ),
  );
  return [...byId.values()];
}

/** Accepted submissions with no terminal record yet (API: by id; drop folder: by owner and key). */
function unsettled(accepted: readonly Submission[], records: readonly DocumentRecord[]): number {
  const terminal = records.filter((record) => TERMINAL_STATUSES.includes(record.status));
  const ids = new Set(terminal.map((record) => record.documentId));
  const dropKeys = new Set(terminal.filter((record) => record.sourceKey).map((record) => `${record.ownerId}\n${record.sourceKey}`));
  return accepted.filter((submission) =>
    submission.upload.path === 'drop' ? !dropKeys.has(`${submission.upload.ownerId}\n${submission.upload.dropKey}`) : !ids.has(submission.documentId!),
  ).length;
}

async function queueDepth(clients: AwsClients, queueUrl: string): Promise<number> {
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Messages in both lanes' extraction and shard dead-letter queues, visible or in flight. */
export async function deadLetterDepth(clients: AwsClients, outputs: LocalOutputs): Promise<number> {
  const queues = [outputs.DeadLetterQueueUrl, outputs.BulkDeadLetterQueueUrl, outputs.ShardDeadLetterQueueUrl, outputs.BulkShardDeadLetterQueueUrl];
  return totalDepth(clients, queues);
}

/** Messages in all the given queues, visible or in flight. */
async function totalDepth(clients: AwsClients, queueUrls: readonly string[]): Promise<number> {
  const depths = await Promise.all(queueUrls.map((url) => queueDepth(clients, url)));
  return depths.reduce((sum, depth) => sum + depth, 0);
}

/**
 * Waits (bounded) for both lanes' extraction and shard queues to be empty, so nothing is still on
 * its way to a dead-letter queue; answers how many messages were left when the time ran out (0: drained).
 */
async function waitForDrainedLanes(clients: AwsClients, outputs: LocalOutputs, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const queues = [outputs.QueueUrl, outputs.BulkQueueUrl, outputs.ShardQueueUrl, outputs.BulkShardQueueUrl];
  for (;;) {
    const queued = await totalDepth(clients, queues);
    if (queued === 0 || Date.now() >= deadline) return queued;
    await sleep(500);
  }
}
