/**
 * Where an operator command acts: the local runtime (its `outputs.json`) or a deployed
 * environment (the `cdk deploy --outputs-file cdk-outputs/<env>.json` file), with the clients
 * to reach it. Commands receive a target and never care which kind it is, except where AWS and
 * the emulator differ (moving DLQ messages, peeking into queues).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DocumentRepository } from '../../lambdas/shared/document-repository.js';
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

export interface OpsTarget {
  readonly kind: 'local' | 'aws';
  /** What the target is, for people: `local runtime (.local)`, `PdfPipeline-prod (eu-west-1)`. */
  readonly label: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly tableName: string;
  readonly sqs: SQSClient;
  readonly documents: DocumentRepository;
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
    queueUrl: outputs.QueueUrl,
    deadLetterQueueUrl: outputs.DeadLetterQueueUrl,
    tableName: outputs.TableName,
    sqs,
    documents: new DocumentRepository(DynamoDBDocumentClient.from(dynamoDb), outputs.TableName),
    inspectQueue: (queueUrl) => inspectFauxqsQueue(outputs.AwsEndpoint, queueUrl),
    layout,
    destroy: () => {
      sqs.destroy();
      dynamoDb.destroy();
    },
  };
}

/** The flat outputs `cdk deploy --outputs-file` writes for one stack. */
interface StackOutputs {
  readonly QueueUrl?: string;
  readonly DeadLetterQueueUrl?: string;
  readonly TableName?: string;
}

export function awsTarget(envName: EnvironmentName, outputsDir = 'cdk-outputs'): OpsTarget {
  const config = CONFIGS[envName];
  const { stackName } = deriveSettings(config);
  const file = resolve(join(outputsDir, `${envName}.json`));
  let outputs: StackOutputs | undefined;
  try {
    outputs = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, StackOutputs>)[stackName];
  } catch (error) {
    if (!isFileMissing(error)) throw error;
    throw new Error(`No outputs at ${file}: deploy with \`npx cdk deploy ${stackName} --outputs-file ${file}\`.`);
  }
  const { QueueUrl, DeadLetterQueueUrl, TableName } = outputs ?? {};
  if (!QueueUrl || !DeadLetterQueueUrl || !TableName) {
    throw new Error(`${file} lacks QueueUrl, DeadLetterQueueUrl or TableName for ${stackName}`);
  }
  // Credentials: the SDK's default chain (profile, SSO, environment), as for the CDK CLI.
  const sqs = new SQSClient({ region: config.region });
  const dynamoDb = new DynamoDBClient({ region: config.region });
  return {
    kind: 'aws',
    label: `${stackName} (${config.region})`,
    queueUrl: QueueUrl,
    deadLetterQueueUrl: DeadLetterQueueUrl,
    tableName: TableName,
    sqs,
    documents: new DocumentRepository(DynamoDBDocumentClient.from(dynamoDb), TableName),
    destroy: () => {
      sqs.destroy();
      dynamoDb.destroy();
    },
  };
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
