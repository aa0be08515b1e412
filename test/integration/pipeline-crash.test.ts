/**
 * The local runtime killed outright (SIGKILL: no shutdown, no cleanup) while documents are
 * being processed, then started again on the same state: every document still completes.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TERMINAL_STATUSES } from '../../lambdas/shared/contract.js';
import { createAwsClients, endpointsFromOutputs, type LocalOutputs } from '../../local/aws-clients.js';
import { readCorpusFile } from '../support/corpus.js';
import { makeStateDir, removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';
import { PipelineProbe } from '../support/pipeline-probe.js';

const START_SCRIPT = fileURLToPath(new URL('../../local/start.ts', import.meta.url));
const stateDir = makeStateDir();
let child: ChildProcess | undefined;
let restarted: TestRuntime | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await restarted?.stop();
  removeStateDir(stateDir);
});

/** `npm start` as its own process (node + tsx directly, so SIGKILL reaches the runtime itself). */
async function startRuntimeProcess(): Promise<{ process: ChildProcess; outputs: LocalOutputs }> {
  const started = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), START_SCRIPT], {
    env: { ...process.env, PDF_PIPELINE_STATE_DIR: stateDir, PDF_PIPELINE_FAUXQS_PORT: '0', PDF_PIPELINE_DYNAMODB_PORT: '0', PDF_PIPELINE_API_PORT: '0', PDF_PIPELINE_WEB_PORT: '0' },
    stdio: 'ignore',
  });
  const outputsFile = join(stateDir, 'outputs.json');
  const outputs = await waitFor(
    () => (existsSync(outputsFile) ? (JSON.parse(readFileSync(outputsFile, 'utf8')) as LocalOutputs) : undefined),
    { timeoutMs: 60_000, description: 'the runtime to write outputs.json' },
  );
  return { process: started, outputs };
}

describe('a runtime killed mid-processing', () => {
  it('loses nothing: after a restart every document reaches COMPLETED', async () => {
    const first = await startRuntimeProcess();
    child = first.process;
    const clients = createAwsClients(endpointsFromOutputs(first.outputs));
    const keys = Array.from({ length: 12 }, (_, index) => `incoming/crash/long-${index}.pdf`);
    const long = readCorpusFile('004-long-GeoTopo-komprimiert.pdf');
    await Promise.all(
      keys.map((key) => clients.s3.send(new PutObjectCommand({ Bucket: first.outputs.BucketName, Key: key, Body: long }))),
    );

    // Kill while a document is in the middle of its pages: seen PROCESSING with some pages written.
    restarted = undefined;
    const watching = new PipelineProbe({ clients, outputs: first.outputs });
    await waitFor(
      async () => {
        const processing = (await watching.allDocuments()).filter((record) => record.status === 'PROCESSING');
        for (const record of processing) if ((await watching.pages(record.documentId)).length > 0) return true;
        return false;
      },
      { timeoutMs: 240_000, intervalMs: 50, description: 'a document to be part-way through its pages' },
    );
    clients.destroy();
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    child = undefined;

    restarted = await startTestRuntime({ stateDir });
    const probe = new PipelineProbe(restarted);
    const beforeResume = await probe.allDocuments();
    const records = await Promise.all(keys.map((key) => probe.terminal(probe.dropFolderId(key), 240_000)));

    // The kill really landed mid-run: some documents had not finished when it came.
    expect(beforeResume.filter((record) => TERMINAL_STATUSES.includes(record.status)).length).toBeLessThan(keys.length);
    expect(records.map((record) => record.status)).toEqual(keys.map(() => 'COMPLETED'));
    expect(records.every((record) => record.pageCount === 117)).toBe(true);
    const pages = await probe.pages(records[0]!.documentId);
    expect(pages).toHaveLength(117);
  }, 600_000);
});
