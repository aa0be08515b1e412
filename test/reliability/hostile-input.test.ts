/**
 * Hostile input through the whole pipeline on the local runtime: every input of
 * `hostile-inputs.ts` is submitted at once (through the API or the drop folder) to the real
 * extraction handler, and each must reach the terminal state the table gives it, in one attempt,
 * with no extraction environment crashing or timing out and no payload ever running. The figures
 * go to `reports/reliability/hostile-input.json` for RELIABILITY.md.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERMINAL_STATUSES } from '../../lambdas/shared/contract.js';
import type { DocumentRecord } from '../../lambdas/shared/document-model.js';
import { ApiClient } from '../support/api-client.js';
import { uploadDirect } from '../support/api-flows.js';
import { evalBait } from '../support/hostile-pdfs.js';
import { removeStateDir, startTestRuntime, type TestRuntime } from '../support/local-runtime.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { reconcile, writeFigures, type HostileFigures, type HostileOutcome } from './figures.js';
import { DEFAULT_HANDLER_MODULE } from '../../local/runtime.js';
import { deadLetterDepth, sampleEnvironmentMemory } from './runtime-checks.js';
import { corpusFilesToCover, describeState, HOSTILE_INPUTS, markerFile, type HostileInput } from './hostile-inputs.js';

const OWNER = 'hostile-owner';
/** A guard against a hang, not a speed target: a document's own budget is 60 s. */
const SETTLE_TIMEOUT_MS = 240_000;
/** What the local Lambda log says when an environment dies or is killed. */
const ENVIRONMENT_FAILURE = /Runtime exited with error|Task timed out|INIT_REPORT Status: error/;

interface Submission {
  readonly input: HostileInput;
  readonly bytes: Uint8Array;
  readonly documentId: string;
  readonly submittedAt: number;
}

let local: TestRuntime;
let probe: PipelineProbe;
let client: ApiClient;
const markerDir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-markers-'));
const submissions: Submission[] = [];
const records = new Map<string, DocumentRecord>();
const settledAt = new Map<string, number>();
let startedAt = 0;
let finishedAt = 0;
let peakEnvironmentRssMb: number | undefined;

async function submit(input: HostileInput, bytes: Uint8Array): Promise<Submission> {
  const submittedAt = Date.now();
  if (input.entry === 'api') {
    const answer = await uploadDirect(client, bytes, { filename: `${input.name}.pdf` });
    expect(answer.status, `${input.name}: ${JSON.stringify(answer.body)}`).toBe(202);
    return { input, bytes, documentId: answer.body.documentId, submittedAt };
  }
  const key = `incoming/${OWNER}/${input.name}.pdf`;
  await local.clients.s3.send(new PutObjectCommand({ Bucket: local.outputs.BucketName, Key: key, Body: bytes }));
  return { input, bytes, documentId: probe.dropFolderId(key), submittedAt };
}

/** Polls every submitted document until each is terminal or the guard passes; never throws on a straggler. */
async function settleAll(): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let pending = submissions.filter((submission) => !records.has(submission.documentId));
  while (pending.length > 0 && Date.now() < deadline) {
    for (const { documentId } of pending) {
      const record = await probe.documents.get(documentId);
      if (record && TERMINAL_STATUSES.includes(record.status)) {
        records.set(documentId, record);
        settledAt.set(documentId, Date.now());
      }
    }
    pending = pending.filter((submission) => !records.has(submission.documentId));
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const environmentFailures = () =>
  readFileSync(local.runtime.layout.extractLog, 'utf8')
    .split('\n')
    .filter((line) => ENVIRONMENT_FAILURE.test(line));

const submissionOf = (input: HostileInput) => submissions.find((submission) => submission.input === input)!;

beforeAll(async () => {
  // Arrange: the inputs are made while the emulators start; then all are submitted together.
  const [started, made] = await Promise.all([
    startTestRuntime({ api: { quotas: { uploadsPerMinute: 1000, uploadsPerDay: 10_000 } } }),
    Promise.all(HOSTILE_INPUTS.map(async (input) => ({ input, bytes: await input.make({ markerDir }) }))),
  ]);
  local = started;
  probe = new PipelineProbe(local);
  client = new ApiClient(local.outputs.ApiUrl, await local.runtime.api.authority.issue(OWNER));

  const memory = sampleEnvironmentMemory(DEFAULT_HANDLER_MODULE);
  startedAt = Date.now();
  try {
    submissions.push(...(await Promise.all(made.map(({ input, bytes }) => submit(input, bytes)))));
    await settleAll();
  } finally {
    finishedAt = Date.now();
    peakEnvironmentRssMb = memory.stop();
  }
}, SETTLE_TIMEOUT_MS + 120_000);

afterAll(async () => {
  if (local) {
    const outcomes = HOSTILE_INPUTS.map((input): HostileOutcome => {
      const submission = submissions.find((candidate) => candidate.input === input);
      const record = submission && records.get(submission.documentId);
      return {
        name: input.name,
        description: input.description,
        entry: input.entry,
        bytes: submission?.bytes.byteLength ?? 0,
        expected: input.expected,
        ...(record
          ? {
              actual: { status: record.status, code: record.error?.code, pageCount: record.pageCount, attempts: record.attempts },
              msToTerminal: settledAt.get(submission.documentId)! - submission.submittedAt,
            }
          : {}),
      };
    });
    const figures: HostileFigures = {
      suite: 'hostile-input',
      generatedAt: new Date().toISOString(),
      wallClockMs: finishedAt - startedAt,
      reconciliation: reconcile(
        submissions.map((submission) => submission.documentId),
        new Set(records.keys()),
        await deadLetterDepth(local).catch(() => -1),
      ),
      outcomes,
      executedPayloads: readdirSync(markerDir),
      environmentFailures: environmentFailures(),
      peakEnvironmentRssMb,
      functionMemoryMb: local.runtime.settings.function.memoryMb,
    };
    writeFigures(figures);
    await local.stop();
    removeStateDir(local.stateDir);
  }
  rmSync(markerDir, { recursive: true, force: true });
});

describe('each hostile input', () => {
  it.each(HOSTILE_INPUTS.map((input) => [input.name, describeState(input.expected), input] as const))(
    '%s ends %s, in one attempt',
    async (_name, _state, input) => {
      // Act: submitted and settled in beforeAll
      const { documentId } = submissionOf(input);
      const record = records.get(documentId);

      // Assert
      expect(record, `${input.name} never reached a terminal state`).toBeDefined();
      const { expected } = input;
      if (expected.status === 'FAILED') {
        expect({ status: record!.status, code: record!.error?.code }).toEqual({ status: 'FAILED', code: expected.code });
        expect(record!.error?.message).not.toBe('');
      } else {
        expect({ status: record!.status, pageCount: record!.pageCount }).toEqual({ status: 'COMPLETED', pageCount: expected.pageCount });
        const pages = await probe.pages(documentId);
        expect(pages.map((page) => page.pageNumber).sort((a, b) => a - b)).toEqual(
          Array.from({ length: expected.pageCount }, (_, index) => index + 1),
        );
        if (expected.text) expect(pages.map((page) => page.text ?? '').join('\n')).toContain(expected.text);
      }
      expect(record!.attempts).toBe(1);
    },
  );
});

describe('the pipeline under hostile input', () => {
  it('runs no active content: no payload wrote its marker', () => {
    const baited = HOSTILE_INPUTS.filter((input) => ['javascript-and-launch', 'crafted-fonts', 'html-with-pdf-header'].includes(input.name));

    // Each payload really points at the marker directory…
    for (const input of baited) {
      expect(Buffer.from(submissionOf(input).bytes).includes(markerFile({ markerDir }, input.name)), input.name).toBe(true);
    }
    // …and none ran.
    expect(readdirSync(markerDir)).toEqual([]);
  });

  it('would notice a payload that ran: the bait, evaluated, writes its marker', () => {
    const control = join(markerDir, 'control.executed');

    new Function(evalBait(control))();

    expect(existsSync(control)).toBe(true);
    rmSync(control);
  });

  it('never lost an extraction environment: no crash, kill or timeout in the function log', () => {
    expect(environmentFailures()).toEqual([]);
  });

  it('kept every extraction environment within the function’s memory size, which Lambda would enforce', () => {
    expect(peakEnvironmentRssMb, 'no extraction environment was sampled').toBeDefined();
    expect(peakEnvironmentRssMb!).toBeLessThan(local.runtime.settings.function.memoryMb);
  });

  it('lets the owner read every completed document back through the API, metadata included', async () => {
    const completed = submissions.filter((submission) => records.get(submission.documentId)?.status === 'COMPLETED');
    expect(completed.length).toBeGreaterThan(0);

    for (const { input, documentId } of completed) {
      const document = await client.call('getDocument', { id: documentId });
      const pages = await client.call('listDocumentPages', { id: documentId });

      expect({ input: input.name, document: document.status, pages: pages.status }).toEqual({ input: input.name, document: 200, pages: 200 });
    }
  });

  it('covers every hostile and encrypted file of the shared corpus', () => {
    const covered = HOSTILE_INPUTS.flatMap((input) => (input.corpusFile ? [input.corpusFile] : [])).sort();

    expect(covered).toEqual(corpusFilesToCover());
  });

  it('loses no document: every accepted one is terminal and nothing is dead-lettered', async () => {
    const reconciliation = reconcile(
      submissions.map((submission) => submission.documentId),
      new Set(records.keys()),
      await deadLetterDepth(local),
    );

    expect(reconciliation).toEqual({
      accepted: HOSTILE_INPUTS.length,
      terminal: HOSTILE_INPUTS.length,
      lost: 0,
      deadLettered: 0,
      lostDocumentIds: [],
    });
  });
});
