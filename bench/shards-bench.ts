/**
 * Long documents in shards against one invocation, on a fresh local runtime per run (dev sizes):
 * - per-page costs without any service: a text page (the 2,000-page file read whole) and an OCR
 *   page (a generated scan, the OCR engine warm), whose ratio is `extraction.sharding.ocrPageWeight`;
 * - the 2,000-page text file from drop to COMPLETED read whole (shards of more pages than it
 *   has) and in shards, the same run, and their ratio;
 * - a 60-page scan from drop to COMPLETED in shards, with the pages OCRed.
 * Each run reports its longest invocation against the function's timeout. Before each drop the
 * runtime's execution environments are warmed (an S3 test event per environment a run uses), so
 * the figures are extraction, not the local runtime's start of a TypeScript handler. Figures,
 * not tests.
 *
 * Usage: tsx bench/shards-bench.ts [--file PDF] [--scan-pages N] [--costs-only] [--out FILE]
 */
import { readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deriveDocumentId } from '../lambdas/extract/document-id.js';
import { ExtractionPool } from '../lambdas/extract/pdf-extractor.js';
import { DocumentRepository } from '../lambdas/shared/document-repository.js';
import { CONFIGS } from '../lib/config.js';
import { createAwsClients, endpointsFromOutputs, type AwsClients } from '../local/aws-clients.js';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime.js';
import { scannedPdf } from './scanned-pdf.js';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { file: { type: 'string' }, 'scan-pages': { type: 'string' }, 'costs-only': { type: 'boolean' }, out: { type: 'string' } },
});
const file = resolve(values.file ?? join(PROJECT_ROOT, '../shared/corpus/901-synthetic-2000pages-text.pdf'));
const scanPages = Number(values['scan-pages'] ?? 60);
const outFile = resolve(values.out ?? join(PROJECT_ROOT, 'reports/shards-bench.json'));
const POLL_MS = 100;
const LIMIT_MS = 20 * 60_000;
const dev = CONFIGS.dev;
const timeoutMs = dev.extraction.timeoutSeconds * 1000;

interface Run {
  readonly mode: string;
  readonly msToCompleted: number;
  readonly pageCount: number;
  readonly ocrPages: number;
  readonly shards: number;
  /** The longest extractor invocation, from the function log's REPORT lines. */
  readonly longestInvocationMs: number;
}

/**
 * Extraction alone (no service calls) of the text file read whole, then in the dev plan's shards
 * with as many at once as the bulk lane's shards and its planning invocation run: what the shards
 * gain where the emulators' writes do not set the pace.
 */
async function extractionAlone(text: Uint8Array): Promise<{ wholeMs: number; shardedMs: number; shards: number }> {
  const bounds = () => ({ maxPages: dev.extraction.maxPages, deadline: Date.now() + LIMIT_MS, fullBudget: true, rssLimitMb: 8000 });
  const ignore = { document: () => undefined, page: () => undefined };
  const size = 1 + dev.extraction.sharding.maxConcurrency.bulk;
  const pool = new ExtractionPool({ size, heapLimitMb: dev.extraction.workerMemoryMb, engineHeapBudgetMb: 4096 });
  try {
    let ranges: readonly { first: number; last: number }[] = [];
    const planned = { ...ignore, document: (document: { shards?: readonly { first: number; last: number }[] }) => void (ranges = document.shards ?? []) };
    await pool.extract(text, bounds(), planned, { sharding: dev.extraction.sharding }); // warms a worker and plans
    let startedAt = performance.now();
    await pool.extract(text, bounds(), ignore);
    const wholeMs = performance.now() - startedAt;
    startedAt = performance.now();
    await Promise.all(ranges.map((pages) => pool.extract(text, bounds(), ignore, { pages })));
    return { wholeMs, shardedMs: performance.now() - startedAt, shards: ranges.length };
  } finally {
    await pool.close();
  }
}

/** Per-page costs of extraction alone (no service calls), one worker, as one shard reads them. */
async function perPageCosts(text: Uint8Array, scan: Uint8Array): Promise<{ textMs: number; ocrMs: number }> {
  const bounds = () => ({ maxPages: dev.extraction.maxPages, deadline: Date.now() + LIMIT_MS, fullBudget: true, rssLimitMb: 8000 });
  const ignore = { document: () => undefined, page: () => undefined };
  const pool = new ExtractionPool({
    size: 1,
    heapLimitMb: dev.extraction.workerMemoryMb,
    engineHeapBudgetMb: 4096,
    ocr: { languages: dev.ocr.languages, maxPagesPerDocument: 1000, dpi: dev.ocr.dpi },
  });
  try {
    let startedAt = performance.now();
    await pool.extract(text, bounds(), ignore);
    const textMs = (performance.now() - startedAt) / 2000;
    await pool.extract(scan, bounds(), ignore, { pages: { first: 1, last: 1 } }); // starts the OCR engine
    const ocrSample = Math.min(5, scanPages - 1);
    startedAt = performance.now();
    await pool.extract(scan, bounds(), ignore, { pages: { first: 2, last: 1 + ocrSample } });
    return { textMs, ocrMs: (performance.now() - startedAt) / ocrSample };
  } finally {
    await pool.close();
  }
}

async function queueDepth(clients: AwsClients, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

/** Starts an environment for the bulk lane and each of its shard invocations, and waits for them. */
async function warm(runtime: LocalRuntime, clients: AwsClients): Promise<void> {
  const { BulkQueueUrl, BulkShardQueueUrl } = runtime.outputs;
  const testEvent = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: runtime.outputs.BucketName });
  const shardInvocations = runtime.settings.shardLanes.bulk.maxConcurrency;
  await Promise.all([
    clients.sqs.send(new SendMessageCommand({ QueueUrl: BulkQueueUrl, MessageBody: testEvent })),
    ...Array.from({ length: shardInvocations }, () => clients.sqs.send(new SendMessageCommand({ QueueUrl: BulkShardQueueUrl, MessageBody: testEvent }))),
  ]);
  while ((await queueDepth(clients, BulkQueueUrl)) + (await queueDepth(clients, BulkShardQueueUrl)) > 0) {
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

async function run(mode: string, pdf: Uint8Array, name: string, pagesPerShard?: number): Promise<Run> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-shards-bench-'));
  const runtime = await startLocalRuntime({
    stateDir,
    ports: { fauxqs: 0, dynamoDb: 0, api: 0 },
    reuseIdenticalDocuments: false,
    ...(pagesPerShard ? { pagesPerShard } : {}),
  });
  const clients = createAwsClients(endpointsFromOutputs(runtime.outputs));
  try {
    await warm(runtime, clients);
    const documents = new DocumentRepository(DynamoDBDocumentClient.from(clients.dynamoDb), runtime.outputs.TableName);
    const key = `incoming/bench/${name}`;
    const startedAt = performance.now();
    await clients.s3.send(new PutObjectCommand({ Bucket: runtime.outputs.BucketName, Key: key, Body: pdf }));
    const documentId = deriveDocumentId(runtime.outputs.BucketName, key, undefined);
    for (;;) {
      const record = await documents.get(documentId);
      if (record?.status === 'COMPLETED' || record?.status === 'FAILED') {
        const msToCompleted = performance.now() - startedAt;
        if (record.status === 'FAILED') throw new Error(`${mode}: the document FAILED: ${record.error?.code} ${record.error?.message}`);
        // The invocation that completed the document reports its duration once it returns.
        const { BulkQueueUrl, BulkShardQueueUrl } = runtime.outputs;
        while ((await queueDepth(clients, BulkQueueUrl)) + (await queueDepth(clients, BulkShardQueueUrl)) > 0) {
          await new Promise((done) => setTimeout(done, POLL_MS));
        }
        const log = readFileSync(join(stateDir, 'logs', 'extract.log'), 'utf8');
        const durations = [...log.matchAll(/REPORT RequestId: \S+ Duration: ([\d.]+) ms/g)].map((match) => Number(match[1]));
        const { pages } = await documents.listPages(documentId, record.generation, { limit: 10_000, afterPageNumber: 0 });
        return {
          mode,
          msToCompleted,
          pageCount: record.pageCount ?? 0,
          ocrPages: pages.filter((page) => page.textSource === 'ocr').length,
          shards: record.shardCount ?? 1,
          longestInvocationMs: Math.max(0, ...durations),
        };
      }
      if (performance.now() - startedAt > LIMIT_MS) throw new Error(`${mode}: not COMPLETED within ${LIMIT_MS / 1000} s`);
      await new Promise((done) => setTimeout(done, POLL_MS));
    }
  } finally {
    clients.destroy();
    await runtime.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const text = new Uint8Array(readFileSync(file));
const scan = await scannedPdf(scanPages, dev.ocr.dpi);
const costs = await perPageCosts(text, scan);
const alone = await extractionAlone(text);
const costLines = [
  `Per page, extraction alone: text ${costs.textMs.toFixed(1)} ms, OCR ${seconds(costs.ocrMs)} s at ${dev.ocr.dpi} DPI: an OCR page weighs ${Math.round(costs.ocrMs / costs.textMs)} text pages (config: ${dev.extraction.sharding.ocrPageWeight})`,
  `Extraction alone, ${basename(file)}: whole ${seconds(alone.wholeMs)} s, ${alone.shards} shards ${1 + dev.extraction.sharding.maxConcurrency.bulk} at once ${seconds(alone.shardedMs)} s (${(alone.shardedMs / alone.wholeMs).toFixed(2)}×)`,
];
if (values['costs-only']) {
  console.log(costLines.join('\n'));
  process.exit(0);
}
const whole = await run('one invocation', text, basename(file), 1_000_000);
const sharded = await run('shards', text, basename(file));
const scanned = await run('scan in shards', scan, `scan-${scanPages}.pdf`);
const ratio = sharded.msToCompleted / whole.msToCompleted;
const lines = [
  ...costLines,
  `Drop → COMPLETED on the local runtime (dev sizes: bulk lane ${dev.extraction.lanes.bulk.maxConcurrency}, its shards ${dev.extraction.sharding.maxConcurrency.bulk} at once)`,
  ...[whole, sharded, scanned].map(
    (r) =>
      `  ${r.mode.padEnd(15)} ${seconds(r.msToCompleted).padStart(6)} s  ${r.pageCount} pages (${r.ocrPages} OCR) in ${r.shards} shard(s)  ` +
      `longest invocation ${seconds(r.longestInvocationMs)} s of a ${timeoutMs / 1000} s timeout`,
  ),
  `  ${basename(file)} sharded / whole: ${ratio.toFixed(2)}× (target ≤ 0.6×: ${ratio <= 0.6 ? 'PASS' : 'FAIL'})`,
];
console.log(lines.join('\n'));
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify({ file: basename(file), costs, extractionAlone: alone, runs: [whole, sharded, scanned], ratio, timeoutMs }, null, 2)}\n`);
