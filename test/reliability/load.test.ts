/**
 * The load run at CI size: 120 documents, 40 through each upload path (direct, presigned POST,
 * drop folder), on a local runtime with the product's own quotas and sizes, must reconcile
 * exactly: every upload accepted, each with one record in its expected terminal state (the bad
 * files FAILED with their codes), no record left over, no dead letter. Timings are reported to
 * `reports/reliability/load.json`, never asserted; `npm run loadtest` is the full-size run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CONFIG } from '../../local/settings.js';
import { removeStateDir, startTestRuntime, type TestRuntime } from '../support/local-runtime.js';
import { writeFigures } from './figures.js';
import { UPLOAD_PATHS } from './load/load-plan.js';
import { runLoad, type LoadResult } from './load/load-test.js';

const DOCUMENTS = 120;
/** A guard against a hang, not a speed target: room for a machine whose cores are busy with other work. */
const SETTLE_TIMEOUT_MS = 300_000;

let local: TestRuntime;
let result: LoadResult;

beforeAll(async () => {
  local = await startTestRuntime({ reuseIdenticalDocuments: false });
  result = await runLoad(
    {
      outputs: local.outputs,
      clients: local.clients,
      issueToken: (userId) => local.runtime.api.authority.issue(userId),
      uploadsPerMinutePerUser: LOCAL_CONFIG.api.quotas.uploadsPerMinute,
      laneConcurrency: Object.fromEntries(Object.entries(local.runtime.settings.lanes).map(([lane, settings]) => [lane, settings.maxConcurrency])),
    },
    {
      documents: DOCUMENTS,
      mix: { direct: 1, presigned: 1, drop: 1 },
      rate: 20,
      concurrency: 16,
      settleTimeoutMs: SETTLE_TIMEOUT_MS,
      source: 'test/reliability/load.test.ts',
    },
  );
}, SETTLE_TIMEOUT_MS + 120_000);

afterAll(async () => {
  if (result) writeFigures(result.figures);
  if (local) {
    await local.stop();
    removeStateDir(local.stateDir);
  }
});

describe('load run through every upload path', () => {
  it('splits the documents evenly over the three paths and spreads them over users within the quota', () => {
    const perPath = Object.fromEntries(UPLOAD_PATHS.map((path) => [path, result.plan.uploads.filter((upload) => upload.path === path).length]));

    expect(perPath).toEqual({ direct: 40, presigned: 40, drop: 40 });
    const apiUploadsPerOwner = new Map<string, number>();
    for (const upload of result.plan.uploads.filter((candidate) => candidate.path !== 'drop')) {
      apiUploadsPerOwner.set(upload.ownerId, (apiUploadsPerOwner.get(upload.ownerId) ?? 0) + 1);
    }
    expect(apiUploadsPerOwner.size).toBeGreaterThan(1);
    expect(Math.max(...apiUploadsPerOwner.values())).toBeLessThanOrEqual(LOCAL_CONFIG.api.quotas.uploadsPerMinute);
  });

  it('has every upload accepted: none refused by the quota, the throttle or S3', () => {
    expect(result.matched.filter((entry) => !entry.submission.accepted).map((entry) => entry.submission.refusal)).toEqual([]);
    expect(result.reconciliation.accepted).toBe(DOCUMENTS);
  });

  it('finds exactly one record per upload, each in its expected terminal state, and loses none', () => {
    expect(result.reconciliation.discrepancies).toEqual([]);
    expect(result.reconciliation).toMatchObject({ asExpected: DOCUMENTS, lost: 0, duplicated: 0, unexpectedState: 0, extraRecords: 0 });
    expect(result.figures.reconciliation).toMatchObject({ accepted: DOCUMENTS, terminal: DOCUMENTS, lost: 0, lostDocumentIds: [] });
  });

  it('ends the bad files FAILED with their codes on every path', () => {
    for (const path of UPLOAD_PATHS) {
      const bad = result.matched.filter((entry) => entry.submission.upload.path === path && entry.submission.upload.expected.status === 'FAILED');

      expect(bad.length, path).toBeGreaterThan(0);
      for (const { submission, verdict } of bad) {
        expect(verdict.kind === 'ok' ? verdict.record.error?.code : verdict.kind, submission.upload.filename).toBe(
          submission.upload.expected.status === 'FAILED' ? submission.upload.expected.code : undefined,
        );
      }
    }
  });

  it('leaves nothing in the dead-letter queues and passes the reconciliation', () => {
    expect(result.reconciliation.deadLettered).toBe(0);
    expect(result.reconciliation.passed).toBe(true);
    expect(result.figures.passed).toBe(true);
  });
});
