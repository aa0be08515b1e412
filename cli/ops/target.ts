/**
 * Where an operator command acts: the local runtime (its `outputs.json`) or a deployed
 * environment (the `cdk deploy --outputs-file cdk-outputs/<env>.json` file), with the clients
 * to reach it. Commands receive a target and never care which kind it is, except where AWS and
 * the emulator differ (moving DLQ messages, peeking into queues).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LANES, type Lane } from '../../lambdas/shared/contract.js';
import { DocumentListing } from '../../lambdas/shared/document-listing.js';
import { DocumentStore } from '../../lambdas/shared/document-store.js';
import { PageStore } from '../../lambdas/shared/page-store.js';
import { CONFIGS, deriveSettings, ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/config.js';
import type { LocalOutputs } from '../../local/aws-clients.js';
import { DEFAULT_STATE_DIR, RUNTIME_ENV_VARS } from '../../local/settings.js';
import { isFileMissing, readJson, stateLayout, type StateLayout } from '../../local/state-dir.js';

/** A message as seen without receiving it (or received with no visibility timeout, on AWS). */
export interface PeekedMessage {
  readonly messageId: string;
  readonly body: string;
  /** Epoch milliseconds the message was first sent (kept when SQS moves it to a DLQ). */
  readonly sentTimestamp?: number;
  readonly receiveCount?: number;
}

/** A priority lane's extraction queue and the dead-letter queue behind it. */
export interface LaneQueueUrls {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

/** Each lane's outputs: the interactive lane's keep the names they had before there were lanes. */
export const LANE_OUTPUTS: Readonly<Record<Lane, { readonly queue: string; readonly deadLetter: string }>> = {
  interactive: { queue: 'QueueUrl', deadLetter: 'DeadLetterQueueUrl' },
  bulk: { queue: 'BulkQueueUrl', deadLetter: 'BulkDeadLetterQueueUrl' },
};

export interface OpsTarget {
  readonly kind: 'local' | 'aws';
  /** What the target is, for people: `local runtime (.local)`, `PdfPipeline-prod (eu-west-1)`. */
  readonly label: string;
  /** Each lane's queues. */
  readonly lanes: Readonly<Record<Lane, LaneQueueUrls>>;
  readonly tableName: string;
  readonly sqs: SQSClient;
  readonly documents: DocumentStore;
  readonly pages: PageStore;
  /** Every record of the table, for statistics. */
  readonly listing: DocumentListing;
  /**
   * Every message of a queue, without receiving any (the emulator's inspection endpoint), so
   * receive counts and visibility stay untouched. Local only: SQS has no such call.
   */
  readonly inspectQueue?: (queueUrl: string) => Promise<PeekedMessage[]>;
  /** Local only: the runtime's state directory (event log, checkpoint). */
  readonly layout?: StateLayout;
  destroy(): void;
}

export interface TargetOptions {
  /** A deployed environment; absent means the local runtime. */
  readonly env?: string;
  /** Local state directory. @default $PDF_PIPELINE_STATE_DIR or `.local` */
  readonly stateDir?: string;
  /** Where `cdk deploy --outputs-file` wrote the outputs. @default `cdk-outputs` */
  readonly outputsDir?: string;
}

/** `--env`, `--state-dir` and `--outputs-dir`: the `TargetOptions` every operator command takes. */
export function withOpsTargetOptions(command: Command): Command {
  return command
    .option('--env <env>', 'a deployed environment (reads cdk-outputs/<env>.json); without it, the local runtime')
    .option('--state-dir <dir>', 'local state directory (default: $PDF_PIPELINE_STATE_DIR or .local)')
    .option('--outputs-dir <dir>', 'where cdk deploy wrote <env>.json', 'cdk-outputs');
}

export function resolveTarget(options: TargetOptions = {}): OpsTarget {
  if (options.env === undefined) return localTarget(options.stateDir);
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(options.env)) {
    throw new Error(`Unknown environment "${options.env}"; one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  return awsTarget(options.env as EnvironmentName, options.outputsDir);
}

export function localTarget(stateDir = process.env[RUNTIME_ENV_VARS.stateDir] || DEFAULT_STATE_DIR): OpsTarget {
  const layout = stateLayout(stateDir);
  const outputs = readJson<LocalOutputs>(layout.outputsFile);
  if (!outputs) {
    throw new Error(`No local runtime outputs at ${layout.outputsFile}: start the pipeline with \`npm start\` first.`);
  }
  const common = {
    region: outputs.Region,
    credentials: { accessKeyId: outputs.AccessKeyId, secretAccessKey: outputs.SecretAccessKey },
  };
  const sqs = new SQSClient({ ...common, endpoint: outputs.AwsEndpoint });
  const dynamoDb = new DynamoDBClient({ ...common, endpoint: outputs.DynamoDbEndpoint });
  return {
    kind: 'local',
    label: `local runtime (${stateDir})`,
    lanes: lanesFrom(outputs as unknown as StackOutputs, layout.outputsFile),
    tableName: outputs.TableName,
    sqs,
    ...documentStores(DynamoDBDocumentClient.from(dynamoDb), outputs.TableName),
    inspectQueue: (queueUrl) => inspectFauxqsQueue(outputs.AwsEndpoint, queueUrl),
    layout,
    destroy: () => {
      sqs.destroy();
      dynamoDb.destroy();
    },
  };
}

/** The flat outputs `cdk deploy --outputs-file` writes for one stack (`QueueUrl`, `ApiUrl`, …). */
export type StackOutputs = Readonly<Record<string, string | undefined>>;

/** A deployed environment's stack outputs, from `<outputsDir>/<env>.json`, and where they were read. */
export function readStackOutputs(envName: EnvironmentName, outputsDir = 'cdk-outputs'): { readonly file: string; readonly outputs: StackOutputs } {
  const { stackName } = deriveSettings(CONFIGS[envName]);
  const file = resolve(join(outputsDir, `${envName}.json`));
  try {
    return { file, outputs: (JSON.parse(readFileSync(file, 'utf8')) as Record<string, StackOutputs>)[stackName] ?? {} };
  } catch (error) {
    if (!isFileMissing(error)) throw error;
    throw new Error(`No outputs at ${file}: deploy with \`npx cdk deploy ${stackName} --outputs-file ${file}\`.`);
  }
}

export function awsTarget(envName: EnvironmentName, outputsDir = 'cdk-outputs'): OpsTarget {
  const config = CONFIGS[envName];
  const { stackName } = deriveSettings(config);
  const { file, outputs } = readStackOutputs(envName, outputsDir);
  const { TableName } = outputs;
  if (!TableName) throw new Error(`${file} lacks TableName for ${stackName}`);
  const lanes = lanesFrom(outputs, file);
  // Credentials: the SDK's default chain (profile, SSO, environment), as for the CDK CLI.
  const sqs = new SQSClient({ region: config.region });
  const dynamoDb = new DynamoDBClient({ region: config.region });
  return {
    kind: 'aws',
    label: `${stackName} (${config.region})`,
    lanes,
    tableName: TableName,
    sqs,
    ...documentStores(DynamoDBDocumentClient.from(dynamoDb), TableName),
    destroy: () => {
      sqs.destroy();
      dynamoDb.destroy();
    },
  };
}

/** The stores of a target's document table that the operators' commands use. */
function documentStores(client: DynamoDBDocumentClient, tableName: string): Pick<OpsTarget, 'documents' | 'pages' | 'listing'> {
  return { documents: new DocumentStore(client, tableName), pages: new PageStore(client, tableName), listing: new DocumentListing(client, tableName) };
}

/** Each lane's queue URLs from an outputs file, or an error naming the ones it lacks. */
function lanesFrom(outputs: StackOutputs, file: string): Record<Lane, LaneQueueUrls> {
  const names = LANES.flatMap((lane) => [LANE_OUTPUTS[lane].queue, LANE_OUTPUTS[lane].deadLetter]);
  const missing = names.filter((name) => !outputs[name]);
  if (missing.length > 0) {
    throw new Error(`${file} lacks ${missing.join(', ')}; written before there were lanes? Deploy (or npm start) again.`);
  }
  const lanes = {} as Record<Lane, LaneQueueUrls>;
  for (const lane of LANES) {
    lanes[lane] = { queueUrl: outputs[LANE_OUTPUTS[lane].queue]!, deadLetterQueueUrl: outputs[LANE_OUTPUTS[lane].deadLetter]! };
  }
  return lanes;
}

interface FauxqsMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentTimestamp?: number;
  readonly approximateReceiveCount?: number;
}

/** fauxqs's inspection endpoint: ready, delayed and in-flight messages, nothing received. */
async function inspectFauxqsQueue(endpoint: string, queueUrl: string): Promise<PeekedMessage[]> {
  const name = queueUrl.split('/').at(-1) ?? '';
  const response = await fetch(`${endpoint}/_fauxqs/queues/${encodeURIComponent(name)}`);
  if (!response.ok) throw new Error(`Could not inspect queue ${name}: HTTP ${response.status}`);
  const { messages } = (await response.json()) as {
    messages: { ready: FauxqsMessage[]; delayed: FauxqsMessage[]; inflight: { message: FauxqsMessage }[] };
  };
  return [...messages.ready, ...messages.delayed, ...messages.inflight.map((entry) => entry.message)].map((message) => ({
    messageId: message.messageId,
    body: message.body,
    sentTimestamp: message.sentTimestamp,
    receiveCount: message.approximateReceiveCount,
  }));
}
