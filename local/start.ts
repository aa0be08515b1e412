/**
 * `npm start`: runs the whole pipeline on this machine, on emulators, until Ctrl-C.
 *
 * Environment: PDF_PIPELINE_STATE_DIR (default `.local`), PDF_PIPELINE_FAUXQS_PORT (4566),
 * PDF_PIPELINE_DYNAMODB_PORT (8000), PDF_PIPELINE_API_PORT (3000), PDF_PIPELINE_WEB_PORT (5173).
 */
import { relative } from 'node:path';
import { errorMessage } from './log.js';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from './runtime.js';
import { DEFAULT_PORTS, DEFAULT_STATE_DIR, RUNTIME_ENV_VARS } from './settings.js';

function optionsFromEnv(env: NodeJS.ProcessEnv): LocalRuntimeOptions {
  return {
    stateDir: env[RUNTIME_ENV_VARS.stateDir] || DEFAULT_STATE_DIR,
    ports: {
      fauxqs: port(env, RUNTIME_ENV_VARS.fauxqsPort, DEFAULT_PORTS.fauxqs),
      dynamoDb: port(env, RUNTIME_ENV_VARS.dynamoDbPort, DEFAULT_PORTS.dynamoDb),
      api: port(env, RUNTIME_ENV_VARS.apiPort, DEFAULT_PORTS.api),
    },
    web: { port: port(env, RUNTIME_ENV_VARS.webPort, DEFAULT_PORTS.web) },
    log: (message) => console.log(`${new Date().toISOString().slice(11, 23)} ${message}`),
  };
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number (0 picks a free one), got "${raw}"`);
  }
  return value;
}

function describe(runtime: LocalRuntime): string {
  const { outputs, settings, layout } = runtime;
  const show = (path: string) => {
    const fromHere = relative(process.cwd(), path);
    return fromHere.startsWith('..') ? path : fromHere || '.';
  };
  return [
    'pdf-pipeline is running locally.',
    '',
    `  S3 + SQS (fauxqs)   ${outputs.AwsEndpoint}   (fauxqs listens on all interfaces, not only loopback)`,
    `  DynamoDB Local      ${outputs.DynamoDbEndpoint}   (also listens on all interfaces)`,
    `  bucket              ${outputs.BucketName}`,
    `  interactive lane    ${outputs.QueueUrl}   (uploads/; DLQ ${outputs.DeadLetterQueueUrl})`,
    `  bulk lane           ${outputs.BulkQueueUrl}   (incoming/, bulk-uploads/; DLQ ${outputs.BulkDeadLetterQueueUrl})`,
    `  table               ${outputs.TableName}`,
    `  API                 ${outputs.ApiUrl}   (routes under /v1; token: npm run --silent token -- <userId>)`,
    `  web uploader        ${outputs.WebUrl}   (open it in a browser; sign in with any user id)`,
    `  function            ${settings.function.functionName}: timeout ${settings.function.timeoutSeconds} s, ` +
      `batch ${settings.function.batchSize}, window ${settings.function.maxBatchingWindowSeconds} s, ` +
      `concurrency ${settings.lanes.interactive.maxConcurrency} interactive + ${settings.lanes.bulk.maxConcurrency} bulk, ` +
      `shards ${settings.shardLanes.interactive.maxConcurrency} + ${settings.shardLanes.bulk.maxConcurrency} one at a time`,
    `  state               ${show(layout.root)}   (outputs: ${show(layout.outputsFile)}, function log: ${show(layout.extractLog)})`,
    `  document events     ${show(layout.eventLog)}   (follow: npm run events; figures: npm run stats; DLQ: npm run redrive)`,
    '',
    'Try it (credentials: any; region ' + outputs.Region + '):',
    `  AWS_ACCESS_KEY_ID=${outputs.AccessKeyId} AWS_SECRET_ACCESS_KEY=${outputs.SecretAccessKey} AWS_DEFAULT_REGION=${outputs.Region} \\`,
    `    aws s3 cp report.pdf s3://${outputs.BucketName}/incoming/user-1/ --endpoint-url ${outputs.AwsEndpoint}`,
    `  curl -H "Authorization: Bearer $(npm run --silent token -- user-1)" -H 'Content-Type: application/pdf' \\`,
    `    --data-binary @report.pdf ${outputs.ApiUrl}/v1/documents`,
    '',
    'Ctrl-C stops everything; state is kept for the next start (delete the state directory to reset).',
  ].join('\n');
}

async function main(): Promise<void> {
  const options = optionsFromEnv(process.env);
  console.log('Starting the emulators and the pipeline…');
  const runtime = await startLocalRuntime(options);
  console.log(describe(runtime));

  // One Ctrl-C reaches this process twice under `npm start`: from the terminal (the whole
  // process group) and relayed by tsx. Only a signal a moment after the first means "force".
  const SAME_SIGNAL_WINDOW_MS = 1_000;
  let firstSignalAt: number | undefined;
  const shutdown = (signal: string) => {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < SAME_SIGNAL_WINDOW_MS) return;
      console.log('Stopping at once.');
      process.exit(130);
    }
    firstSignalAt = Date.now();
    console.log(`\n${signal}: stopping (running invocations get a few seconds; Ctrl-C again to force)…`);
    runtime.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`Stop failed: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`Could not start the local runtime: ${errorMessage(error)}`);
  process.exit(1);
});
