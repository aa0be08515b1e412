/**
 * Priority-lane benchmark on the local runtime: how long an interactive upload takes from
 * `POST /v1/documents` to COMPLETED, first on an idle pipeline, then while a large drop-folder
 * load fills the bulk lane. The loaded figures are shown against the target of at most twice the
 * idle ones. A figure, not a test: the run succeeds whatever it is.
 *
 * The load is dropped first, then measured against while the bulk lane works through it: the
 * runtime shares this process and the one S3 emulator with the benchmark, so writing a thousand
 * objects at the same time would measure the emulator's and this event loop's queue, which AWS
 * (S3 and a separate client) does not have. How long the drop took is reported beside.
 *
 * The runtime is the one `npm start` runs (real extractor, dev sizes: 2 + 2 event-source
 * concurrency), in a temporary state directory on free ports, with the per-user upload quota and
 * the stage throttle lifted so the benchmark's own uploads are never refused.
 *
 * Usage: tsx bench/lanes-bench.ts [--uploads N] [--interval-ms MS] [--bulk-files N] [--out FILE]
 *   --uploads      interactive uploads per phase, one every --interval-ms (default 30, 1000)
 *   --bulk-files   drop-folder files in the load (default 1000)
 *   --out          JSON report (default reports/lanes-bench.json)
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deriveDocumentId } from '../lambdas/extract/document-id.js';
import { TERMINAL_STATUSES } from '../lambdas/shared/contract.js';
import { DocumentRepository } from '../lambdas/shared/document-repository.js';
import { createAwsClients, endpointsFromOutputs } from '../local/aws-clients.js';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime.js';
import { makePdf } from '../test/support/pdf-factory.js';
import { mapWithParallelism, percentile } from './measure.js';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Interactive p95 (and p50) under the load at most this many times the idle figure. */
const TARGET_RATIO = 2;
/** How often an upload's record is read while waiting for it to complete. */
const POLL_MS = 100;
/** An upload that has not completed by then counts as failed. */
const UPLOAD_DEADLINE_MS = 120_000;
/** Interactive uploads sent at once in the warm-up: enough for both of the lane's pollers to gather a batch. */
const WARM_UP_UPLOADS = 12;
/** Drop-folder files written at once while the load is put in place. */
const BULK_PUT_PARALLELISM = 8;

interface Options {
  readonly uploads: number;
  readonly intervalMs: number;
  readonly bulkFiles: number;
  readonly outFile: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      uploads: { type: 'string' },
      'interval-ms': { type: 'string' },
      'bulk-files': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const positive = (name: string, value: string | undefined, fallback: number) => {
    const parsed = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer, not ${value}`);
    return parsed;
  };
  return {
    uploads: positive('uploads', values.uploads, 30),
    intervalMs: positive('interval-ms', values['interval-ms'], 1000),
    bulkFiles: positive('bulk-files', values['bulk-files'], 1000),
    outFile: values.out ? resolve(values.out) : join(PROJECT_ROOT, 'reports/lanes-bench.json'),
  };
}

/** One interactive upload's fate. */
interface UploadTiming {
  readonly documentId?: string;
  /** POST sent → record COMPLETED, as the client sees it (to within the poll interval). */
  readonly latencyMs?: number;
  readonly status: string;
}

interface PhaseResult {
  readonly uploads: number;
  readonly completed: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly timings: readonly UploadTiming[];
}

interface Bench {
  readonly runtime: LocalRuntime;
  readonly documents: DocumentRepository;
  readonly token: string;
  readonly stop: () => Promise<void>;
}

async function startBench(): Promise<Bench> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-lanes-bench-'));
  const runtime = await startLocalRuntime({
    stateDir,
    ports: { fauxqs: 0, dynamoDb: 0, api: 0 },
    // The benchmark is one user making 60 uploads: the dev quota (30 a minute) would refuse some.
    api: { quotas: { uploadsPerMinute: 100_000, uploadsPerDay: 1_000_000 }, throttle: { rateLimit: 1000, burstLimit: 1000 } },
    // Its uploads repeat files: reuse would measure copies, not extraction.
    reuseIdenticalDocuments: false,
  });
  const clients = createAwsClients(endpointsFromOutputs(runtime.outputs));
  return {
    runtime,
    documents: new DocumentRepository(DynamoDBDocumentClient.from(clients.dynamoDb), runtime.outputs.TableName),
    token: await runtime.api.authority.issue('bench-user'),
    stop: async () => {
      clients.destroy();
      await runtime.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** A small, ordinary document as a person uploads it: two pages of text. */
function interactivePdf(index: number): Uint8Array {
  return makePdf([`Signed contract ${index}. `.repeat(80), `Annex to contract ${index}. `.repeat(60)], { title: `contract ${index}` });
}

/** A drop-folder file: a few pages, varied so no two are alike. */
function bulkPdf(index: number): Uint8Array {
  const pages = 2 + (index % 5);
  return makePdf(
    Array.from({ length: pages }, (_, page) => `Archive ${index}, page ${page + 1}: ledger entries. `.repeat(50)),
    { title: `archive ${index}` },
  );
}

/** Uploads through the API and waits for COMPLETED (or FAILED), timing it from the request. */
async function timedUpload(bench: Bench, index: number): Promise<UploadTiming> {
  const startedAt = performance.now();
  const response = await fetch(`${bench.runtime.outputs.ApiUrl}/v1/documents?filename=contract-${index}.pdf`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bench.token}`, 'Content-Type': 'application/pdf' },
    body: interactivePdf(index),
  });
  if (response.status !== 202) return { status: `HTTP ${response.status}: ${await response.text()}` };
  const { documentId } = (await response.json()) as { documentId: string };
  while (performance.now() - startedAt < UPLOAD_DEADLINE_MS) {
    const record = await bench.documents.get(documentId);
    if (record && TERMINAL_STATUSES.includes(record.status)) {
      return { documentId, status: record.status, latencyMs: Math.round(performance.now() - startedAt) };
    }
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
  return { documentId, status: 'NOT_DONE' };
}

/** `count` uploads started one every `intervalMs` (a steady rate, not one after another's completion). */
async function interactivePhase(bench: Bench, options: Options, firstIndex: number): Promise<PhaseResult> {
  const runs: Promise<UploadTiming>[] = [];
  for (let index = 0; index < options.uploads; index += 1) {
    runs.push(timedUpload(bench, firstIndex + index));
    await new Promise((done) => setTimeout(done, options.intervalMs));
  }
  const timings = await Promise.all(runs);
  const latencies = timings.filter((timing) => timing.status === 'COMPLETED').map((timing) => timing.latencyMs!);
  return {
    uploads: timings.length,
    completed: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: Math.max(...latencies),
    timings,
  };
}

/** How many of the load's documents are done. */
async function bulkDone(bench: Bench, keys: readonly string[]): Promise<number> {
  const records = await mapWithParallelism(keys, 16, (key) =>
    bench.documents.get(deriveDocumentId(bench.runtime.outputs.BucketName, key, undefined)),
  );
  return records.filter((record) => record && TERMINAL_STATUSES.includes(record.status)).length;
}

async function main(): Promise<void> {
  const options = parseOptions();
  console.log(`Lanes benchmark: ${options.uploads} interactive uploads (one every ${options.intervalMs} ms), idle and under ${options.bulkFiles} drop-folder files`);
  const bench = await startBench();
  try {
    // Warm-up: both lanes at full concurrency once, so every execution environment the function
    // may run is started and has parsed a document (its worker thread loaded) before any figure
    // is taken; otherwise the loaded phase would time the cold starts of the environments the
    // idle phase never needed, not the lanes.
    const warmKeys = Array.from({ length: 40 }, (_, index) => `incoming/bench-user/warm-up/file-${index}.pdf`);
    const warmClients = createAwsClients(endpointsFromOutputs(bench.runtime.outputs));
    const [warm] = await Promise.all([
      mapWithParallelism([...Array(WARM_UP_UPLOADS).keys()], WARM_UP_UPLOADS, (index) => timedUpload(bench, -1 - index)),
      mapWithParallelism([...warmKeys.keys()], BULK_PUT_PARALLELISM, (index) =>
        warmClients.s3.send(new PutObjectCommand({ Bucket: bench.runtime.outputs.BucketName, Key: warmKeys[index], Body: bulkPdf(index) })),
      ),
    ]);
    warmClients.destroy();
    while ((await bulkDone(bench, warmKeys)) < warmKeys.length) await new Promise((done) => setTimeout(done, 500));
    const warmLatencies = warm.map((timing) => timing.latencyMs ?? Number.NaN);
    console.log(`  warm-up: ${warm.filter((timing) => timing.status === 'COMPLETED').length}/${warm.length} uploads and ${warmKeys.length} drop-folder files, slowest upload ${Math.max(...warmLatencies)} ms`);

    console.log('  idle phase …');
    const idle = await interactivePhase(bench, options, 0);
    console.log(`    p50 ${idle.p50Ms} ms, p95 ${idle.p95Ms} ms (${idle.completed}/${idle.uploads} completed)`);

    // The load: dropped into the drop folder, as an operator's sync would.
    const keys = Array.from({ length: options.bulkFiles }, (_, index) => `incoming/bench-user/load/archive-${String(index).padStart(4, '0')}.pdf`);
    const bodies = keys.map((_, index) => bulkPdf(index));
    const clients = createAwsClients(endpointsFromOutputs(bench.runtime.outputs));
    const loadStartedAt = performance.now();
    await mapWithParallelism([...keys.keys()], BULK_PUT_PARALLELISM, (index) =>
      clients.s3.send(
        new PutObjectCommand({ Bucket: bench.runtime.outputs.BucketName, Key: keys[index], Body: bodies[index], ContentType: 'application/pdf' }),
      ),
    );
    clients.destroy();
    const dropSeconds = (performance.now() - loadStartedAt) / 1000;
    const doneAtStart = await bulkDone(bench, keys);
    console.log(`  dropped ${options.bulkFiles} files in ${dropSeconds.toFixed(0)} s (${doneAtStart} already extracted)`);

    console.log('  loaded phase …');
    const loaded = await interactivePhase(bench, options, options.uploads);
    const doneAtEnd = await bulkDone(bench, keys);
    const loadSeconds = (performance.now() - loadStartedAt) / 1000;
    console.log(`    p50 ${loaded.p50Ms} ms, p95 ${loaded.p95Ms} ms (${loaded.completed}/${loaded.uploads} completed)`);
    console.log(`    the load meanwhile: ${doneAtStart} → ${doneAtEnd} of ${options.bulkFiles} drop-folder files done, ${loadSeconds.toFixed(0)} s after the drop began`);

    const ratio = { p50: loaded.p50Ms / idle.p50Ms, p95: loaded.p95Ms / idle.p95Ms };
    const verdict = (value: number) => (value <= TARGET_RATIO ? 'meets' : 'misses');
    console.log('');
    console.log(`  interactive p50: idle ${idle.p50Ms} ms → loaded ${loaded.p50Ms} ms (${ratio.p50.toFixed(2)}×, ${verdict(ratio.p50)} ≤ ${TARGET_RATIO}×)`);
    console.log(`  interactive p95: idle ${idle.p95Ms} ms → loaded ${loaded.p95Ms} ms (${ratio.p95.toFixed(2)}×, ${verdict(ratio.p95)} ≤ ${TARGET_RATIO}×)`);
    if (doneAtEnd >= options.bulkFiles) console.log('  note: the load finished before the loaded phase did; raise --bulk-files for a fair figure');

    const report = {
      generatedAt: new Date().toISOString(),
      machine: { cpus: availableParallelism(), model: cpus()[0]?.model },
      settings: {
        uploads: options.uploads,
        intervalMs: options.intervalMs,
        bulkFiles: options.bulkFiles,
        laneConcurrency: Object.fromEntries(Object.entries(bench.runtime.settings.lanes).map(([lane, settings]) => [lane, settings.maxConcurrency])),
        batchSize: bench.runtime.settings.function.batchSize,
      },
      target: { maxRatio: TARGET_RATIO },
      idle,
      loaded: { ...loaded, dropSeconds: Math.round(dropSeconds), bulkDoneAtStart: doneAtStart, bulkDoneAtEnd: doneAtEnd, loadSeconds: Math.round(loadSeconds) },
      ratio,
      meetsTarget: ratio.p50 <= TARGET_RATIO && ratio.p95 <= TARGET_RATIO,
    };
    mkdirSync(dirname(options.outFile), { recursive: true });
    writeFileSync(options.outFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`  report: ${options.outFile}`);
  } finally {
    await bench.stop();
  }
}

await main();
