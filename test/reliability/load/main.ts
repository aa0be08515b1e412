/**
 * `npm run loadtest`: the load run (`load-test.ts`) at full size, on a local runtime of its own in
 * a fresh state directory on free ports (the product's own quotas and sizes), or with
 * `--target local` on the one `npm start` runs. Prints the figures and the reconciliation, writes
 * `reports/reliability/load.json` (for RELIABILITY.md) and `reports/loadtest.json` (with every
 * discrepancy), and exits non-zero when the reconciliation fails.
 *
 * Usage: npm run loadtest -- [--documents N] [--mix direct=40,presigned=30,drop=30] [--rate N]
 *          [--concurrency N] [--users N] [--settle-timeout S] [--target local]
 *   --documents       documents to upload (default 1000)
 *   --mix             shares of the upload paths (default direct=40,presigned=30,drop=30)
 *   --rate            uploads started per second, at most (default 20)
 *   --concurrency     uploads in flight, at most (default 16)
 *   --users           users to spread the uploads over (default: enough to stay within the per-user quota)
 *   --settle-timeout  seconds to wait after the last upload for every document to settle (default 900)
 *   --target local    load the runtime `npm start` runs (its state directory: PDF_PIPELINE_STATE_DIR, default .local)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAwsClients, endpointsFromOutputs, type LocalOutputs } from '../../../local/aws-clients.js';
import { LocalAuthority } from '../../../local/gateway/local-auth.js';
import { startLocalRuntime } from '../../../local/runtime.js';
import { DEFAULT_STATE_DIR, LOCAL_CONFIG, RUNTIME_ENV_VARS } from '../../../local/settings.js';
import { readJson, stateLayout } from '../../../local/state-dir.js';
import { makeStateDir, removeStateDir } from '../../support/local-runtime.js';
import { REPO_ROOT, writeFigures } from '../figures.js';
import { formatLoadFigures } from './load-figures.js';
import { DEFAULT_MIX, parseMix, UPLOAD_PATHS } from './load-plan.js';
import { runLoad, type LoadTarget } from './load-test.js';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fitExtractionTime, formatMeteredUsage, meteredRunsFromLog, readExtractLog, usageOfOwners } from './load-usage.js';

const DETAILED_REPORT = join(REPO_ROOT, 'reports', 'loadtest.json');

function parseOptions() {
  const { values } = parseArgs({
    options: {
      documents: { type: 'string', default: '1000' },
      mix: { type: 'string' },
      rate: { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '16' },
      users: { type: 'string' },
      'settle-timeout': { type: 'string', default: '900' },
      target: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const positive = (name: string, value: string) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive number, not "${value}"`);
    return parsed;
  };
  const integer = (name: string, value: string) => {
    const parsed = positive(name, value);
    if (!Number.isInteger(parsed)) throw new Error(`--${name} must be a whole number, not "${value}"`);
    return parsed;
  };
  if (values.target !== undefined && values.target !== 'local') throw new Error(`--target can only be "local", not "${values.target}"`);
  return {
    help: values.help ?? false,
    documents: integer('documents', values.documents),
    mix: values.mix === undefined ? DEFAULT_MIX : parseMix(values.mix),
    rate: positive('rate', values.rate),
    concurrency: integer('concurrency', values.concurrency),
    users: values.users === undefined ? undefined : integer('users', values.users),
    settleTimeoutMs: positive('settle-timeout', values['settle-timeout']) * 1000,
    runningLocal: values.target === 'local',
  };
}

const laneConcurrency = (lanes: Readonly<Record<string, { readonly maxConcurrency: number }>>) =>
  Object.fromEntries(Object.entries(lanes).map(([lane, settings]) => [lane, settings.maxConcurrency]));

/** The runtime `npm start` runs, from its state directory's outputs and signing key. */
async function runningTarget(): Promise<{ target: LoadTarget; extractLog: string; stop: () => Promise<void> }> {
  const stateDir = process.env[RUNTIME_ENV_VARS.stateDir] || DEFAULT_STATE_DIR;
  const outputs = readJson<LocalOutputs>(stateLayout(stateDir).outputsFile);
  if (!outputs) throw new Error(`No local runtime outputs in ${stateDir}: start one with npm start (same PDF_PIPELINE_STATE_DIR)`);
  const clients = createAwsClients(endpointsFromOutputs(outputs));
  const authority = await LocalAuthority.open(stateDir);
  return {
    extractLog: stateLayout(stateDir).extractLog,
    target: {
      outputs,
      clients,
      issueToken: (userId) => authority.issue(userId),
      uploadsPerMinutePerUser: LOCAL_CONFIG.api.quotas.uploadsPerMinute,
    },
    stop: async () => clients.destroy(),
  };
}

/** A runtime of the run's own, as `npm start` runs it (dev sizes and quotas), in a fresh state directory. */
async function ownTarget(): Promise<{ target: LoadTarget; extractLog: string; stop: () => Promise<void> }> {
  const stateDir = makeStateDir();
  const runtime = await startLocalRuntime({ stateDir, ports: { fauxqs: 0, dynamoDb: 0, api: 0 }, reuseIdenticalDocuments: false });
  const clients = createAwsClients(endpointsFromOutputs(runtime.outputs));
  return {
    extractLog: runtime.layout.extractLog,
    target: {
      outputs: runtime.outputs,
      clients,
      issueToken: (userId) => runtime.api.authority.issue(userId),
      uploadsPerMinutePerUser: LOCAL_CONFIG.api.quotas.uploadsPerMinute,
      laneConcurrency: laneConcurrency(runtime.settings.lanes),
    },
    stop: async () => {
      clients.destroy();
      await runtime.stop();
      removeStateDir(stateDir);
    },
  };
}

async function main(): Promise<number> {
  const options = parseOptions();
  if (options.help) {
    console.log('usage: npm run loadtest -- [--documents N] [--mix direct=40,presigned=30,drop=30] [--rate N] [--concurrency N] [--users N] [--settle-timeout S] [--target local]');
    return 0;
  }
  console.log(options.runningLocal ? 'Loading the running local runtime …' : 'Starting a local runtime of its own …');
  const { target, extractLog, stop } = options.runningLocal ? await runningTarget() : await ownTarget();
  try {
    const startedAt = Date.now();
    const result = await runLoad(target, {
      documents: options.documents,
      mix: Object.fromEntries(UPLOAD_PATHS.map((path) => [path, options.mix[path]])) as typeof options.mix,
      rate: options.rate,
      concurrency: options.concurrency,
      owners: options.users,
      settleTimeoutMs: options.settleTimeoutMs,
      source: `npm run loadtest${options.runningLocal ? ' --target local' : ''}`,
      log: (line) => console.log(line),
    });
    console.log('');
    console.log(formatLoadFigures(result.figures));
    // What the pipeline metered for the run, the measured input of `pdf-pipeline cost`.
    const usage = await usageOfOwners(DynamoDBDocumentClient.from(target.clients.dynamoDb), target.outputs.TableName, result.plan.owners, startedAt, Date.now());
    const runs = meteredRunsFromLog(readExtractLog(extractLog));
    console.log(`\n${formatMeteredUsage(usage, fitExtractionTime(runs), runs.length)}`);
    writeFigures(result.figures);
    mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
    writeFileSync(
      DETAILED_REPORT,
      `${JSON.stringify({ ...result.figures, runId: result.plan.runId, discrepancies: result.reconciliation.discrepancies }, null, 2)}\n`,
    );
    console.log(`\nreports: reports/reliability/load.json, ${DETAILED_REPORT.slice(REPO_ROOT.length + 1)}`);
    return result.reconciliation.passed ? 0 : 1;
  } finally {
    await stop();
  }
}

process.exitCode = await main();
