/**
 * Long documents in shards against one invocation: the 2,000-page file of the shared corpus is
 * dropped into a fresh local runtime twice, read whole (shards of more pages than it has) and
 * in shards (the dev config's size), and the time from the drop to COMPLETED is measured, with
 * the longest invocation against the function's timeout. Figures, not tests.
 *
 * Usage: tsx bench/shards-bench.ts [--file PDF] [--out FILE]
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deriveDocumentId } from '../lambdas/extract/document-id.js';
import { DocumentRepository } from '../lambdas/shared/document-repository.js';
import { CONFIGS } from '../lib/config.js';
import { createAwsClients, endpointsFromOutputs } from '../local/aws-clients.js';
import { startLocalRuntime } from '../local/runtime.js';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { file: { type: 'string' }, out: { type: 'string' } } });
const file = resolve(values.file ?? join(PROJECT_ROOT, '../shared/corpus/901-synthetic-2000pages-text.pdf'));
const outFile = resolve(values.out ?? join(PROJECT_ROOT, 'reports/shards-bench.json'));
const POLL_MS = 100;
const LIMIT_MS = 15 * 60_000;

interface Run {
  readonly mode: string;
  readonly pagesPerShard: number;
  readonly msToCompleted: number;
  readonly pageCount: number;
  readonly shards: number;
  /** The longest extractor invocation, from the function log's REPORT lines. */
  readonly longestInvocationMs: number;
}

async function run(mode: string, pagesPerShard: number): Promise<Run> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-shards-bench-'));
  const runtime = await startLocalRuntime({ stateDir, ports: { fauxqs: 0, dynamoDb: 0, api: 0 }, pagesPerShard, reuseIdenticalDocuments: false });
  const clients = createAwsClients(endpointsFromOutputs(runtime.outputs));
  try {
    const documents = new DocumentRepository(DynamoDBDocumentClient.from(clients.dynamoDb), runtime.outputs.TableName);
    const key = `incoming/bench/${basename(file)}`;
    const startedAt = performance.now();
    await clients.s3.send(new PutObjectCommand({ Bucket: runtime.outputs.BucketName, Key: key, Body: readFileSync(file) }));
    const documentId = deriveDocumentId(runtime.outputs.BucketName, key, undefined);
    for (;;) {
      const record = await documents.get(documentId);
      if (record?.status === 'COMPLETED' || record?.status === 'FAILED') {
        const msToCompleted = performance.now() - startedAt;
        if (record.status === 'FAILED') throw new Error(`${mode}: the document FAILED: ${record.error?.code} ${record.error?.message}`);
        const log = readFileSync(join(stateDir, 'logs', 'extract.log'), 'utf8');
        const durations = [...log.matchAll(/"durationMs":\s*([\d.]+)|Duration: ([\d.]+) ms/g)].map((match) => Number(match[1] ?? match[2]));
        return {
          mode,
          pagesPerShard,
          msToCompleted,
          pageCount: record.pageCount ?? 0,
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

const dev = CONFIGS.dev;
const whole = await run('one invocation', 1_000_000);
const sharded = await run('shards', dev.extraction.sharding.pagesPerShard);
const ratio = sharded.msToCompleted / whole.msToCompleted;
const timeoutMs = dev.extraction.timeoutSeconds * 1000;
const lines = [
  `${basename(file)}: drop → COMPLETED on the local runtime (dev sizes: lanes of ${dev.extraction.lanes.bulk.maxConcurrency} environments)`,
  ...[whole, sharded].map(
    (r) =>
      `  ${r.mode.padEnd(15)} ${(r.msToCompleted / 1000).toFixed(1).padStart(6)} s  ${r.pageCount} pages in ${r.shards} shard(s)  ` +
      `longest invocation ${(r.longestInvocationMs / 1000).toFixed(1)} s of a ${timeoutMs / 1000} s timeout`,
  ),
  `  sharded / whole: ${ratio.toFixed(2)}× (target ≤ 0.6×: ${ratio <= 0.6 ? 'PASS' : 'FAIL'})`,
];
console.log(lines.join('\n'));
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify({ file: basename(file), runs: [whole, sharded], ratio, timeoutMs }, null, 2)}\n`);
