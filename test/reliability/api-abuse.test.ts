/**
 * API abuse through the local gateway with real tokens, as a matrix: tokens that must not pass,
 * one user reaching for another's document, malformed and oversized bodies, hostile filenames,
 * header floods and upload bursts. Each case checks its status and error shape and that it left
 * nothing behind (the table, the bucket and the audit trail, read through the SDK). The cases
 * are in `reports/reliability/api-abuse.json` for RELIABILITY.md. The cases are grouped by
 * concern under `api-abuse/`; they share this file's one runtime, and run in the order below.
 *
 * Covered elsewhere and not repeated here: the GET variants of missing, forged, alg:none,
 * expired and garbage tokens, and scope-less tokens (test/integration/api-errors.test.ts,
 * api-gateway.test.ts); a direct upload above 4 MB and a request above 10 MB, bad JSON, wrong
 * JSON types and unknown fields, the form-encoded and octet-stream media types, a single 64 KB
 * header and the stage throttle on reads (api-errors.test.ts); the RTL-override filename
 * (api-documents.test.ts); another owner's list and the admin routes (api-admin.test.ts).
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepository } from '../../lambdas/shared/audit-repository.js';
import { TERMINAL_STATUSES } from '../../lambdas/shared/contract.js';
import { LOCAL_NAMES } from '../../local/settings.js';
import { removeStateDir, startTestRuntime, waitFor } from '../support/local-runtime.js';
import { PipelineProbe } from '../support/pipeline-probe.js';
import { accepted, cases, QUOTA, run, THROTTLE, throttleClock } from './api-abuse/abuse-run.js';
import { describeFloodAbuse } from './api-abuse/flood-cases.js';
import { describeIdentityAbuse } from './api-abuse/identity-cases.js';
import { describeInputAbuse } from './api-abuse/input-cases.js';
import { reconcile, writeFigures, type ApiAbuseFigures } from './figures.js';
import { deadLetterDepth } from './runtime-checks.js';

const COVERED_ELSEWHERE = [
  { name: 'GET with a missing, forged, alg:none, expired or garbage token → 401', where: 'test/integration/api-errors.test.ts, api-gateway.test.ts' },
  { name: 'token without an API scope → 401; read-only token on a write route → 403', where: 'test/integration/api-gateway.test.ts, api-errors.test.ts' },
  { name: 'direct upload above 4 MB → 413; request above 10 MB → 413; event above 6 MB → 413', where: 'test/integration/api-errors.test.ts, api-gateway.test.ts' },
  { name: 'bad JSON, wrong JSON types, unknown fields → 400 INVALID_REQUEST_BODY', where: 'test/integration/api-errors.test.ts' },
  { name: 'form-encoded and octet-stream bodies → 415', where: 'test/integration/api-errors.test.ts' },
  { name: 'one 64 KB header → 431', where: 'test/integration/api-errors.test.ts' },
  { name: 'stage throttle on 40 concurrent reads → 429 THROTTLED', where: 'test/integration/api-errors.test.ts' },
  { name: 'right-to-left override in a filename → stripped', where: 'test/integration/api-documents.test.ts' },
  { name: "another owner's list, admin routes → 403", where: 'test/integration/api-admin.test.ts' },
];


let startedAt = 0;

beforeAll(async () => {
  run.local = await startTestRuntime({ api: { quotas: QUOTA, throttle: THROTTLE, throttleClock: throttleClock.now } });
  run.probe = new PipelineProbe(run.local);
  run.audit = new AuditRepository(DynamoDBDocumentClient.from(run.local.clients.dynamoDb), LOCAL_NAMES.auditTable, 30);
  startedAt = Date.now();
});

afterAll(async () => {
  const { local, probe } = run;
  if (!local) return;
  try {
    const records = await probe.allDocuments();
    const terminal = new Set(records.filter((record) => TERMINAL_STATUSES.includes(record.status)).map((record) => record.documentId));
    const figures: ApiAbuseFigures = {
      suite: 'api-abuse',
      generatedAt: new Date().toISOString(),
      wallClockMs: Date.now() - startedAt,
      reconciliation: reconcile([...accepted], terminal, await deadLetterDepth(local).catch(() => -1)),
      cases,
      coveredElsewhere: COVERED_ELSEWHERE,
    };
    writeFigures(figures);
  } finally {
    await local.stop();
    removeStateDir(local.stateDir);
  }
});

describeIdentityAbuse();
describeInputAbuse();
describeFloodAbuse();

describe('after the abuse', () => {
  it('loses no accepted document: each reaches a terminal state, and no other document exists', async () => {
    // Act
    const records = await waitFor(
      async () => {
        const all = await run.probe.allDocuments();
        const settled = [...accepted].every((id) => all.some((record) => record.documentId === id && TERMINAL_STATUSES.includes(record.status)));
        return settled ? all : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'every accepted document to be terminal' },
    );

    // Assert
    const terminal = new Set(records.filter((record) => TERMINAL_STATUSES.includes(record.status)).map((record) => record.documentId));
    expect(reconcile([...accepted], terminal, await deadLetterDepth(run.local))).toMatchObject({ lost: 0, deadLettered: 0 });
    expect(records.map((record) => record.documentId).sort()).toEqual([...accepted].sort());
  });
});
