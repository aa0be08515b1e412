/**
 * The local runtime builds the same pipeline the `dev` stack deploys: the live local resources,
 * read back through the SDK, and the event source and function settings the runtime uses are
 * compared with the synthesized `dev` template.
 */
import { readFileSync } from 'node:fs';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIT_TABLE_LAYOUT,
  DOCUMENT_EVENTS_ENV,
  EXTRACT_ENV,
  LANE_PREFIXES,
  LANES,
  NOTIFIED_PREFIXES,
  TABLE_LAYOUT,
  WEBHOOKS_ENV,
  type Lane,
} from '../../lambdas/shared/contract.js';
import { webhookRulePattern } from '../../lambdas/shared/webhooks/events.js';
import { CONFIGS, WEBHOOK_DELIVERY } from '../../lib/config.js';
import { createApp } from '../../lib/pdf-pipeline-app.js';
import { LOCAL_NAMES } from '../../local/settings.js';
import { readFixtureRecords, recordsFor, TEST_EVENT_ID, type FixtureRecord } from '../support/fixture-records.js';
import { FIXTURE_HANDLER, removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';

type Resource = { Type: string; Properties: Record<string, any> };

let local: TestRuntime;
let resources: Record<string, Resource>;
let stackRegion: string;
/** Each lane's queue and dead-letter queue, and shard queue and its dead-letter queue, in the template, by logical id. */
let laneQueueIds: Record<Lane, { queue: string; deadLetterQueue: string; shardQueue: string; shardDeadLetterQueue: string }>;

/** The one resource of `type` that satisfies `match`, as [logicalId, resource]. */
function findOne(type: string, match: (resource: Resource, id: string) => boolean = () => true): [string, Resource] {
  const found = Object.entries(resources).filter(([id, resource]) => resource.Type === type && match(resource, id));
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]!;
}

const localApiEnvironments = () => local.runtime.api.stackEnvironments;
const getAttTarget = (value: unknown) => (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const byName = <T extends { AttributeName?: string }>(items: readonly T[] = []) =>
  [...items].sort((a, b) => (a.AttributeName ?? '').localeCompare(b.AttributeName ?? ''));

beforeAll(async () => {
  // Synthesized as `cdk synth` would (cdk.json's feature flags), but without bundling assets.
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const { stacks } = createApp({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] }, nagChecks: false });
  resources = Template.fromStack(stacks.dev).toJSON().Resources as Record<string, Resource>;
  stackRegion = stacks.dev.region;
  const idOf = (construct: { node: { defaultChild?: unknown } }) => stacks.dev.getLogicalId(construct.node.defaultChild as CfnElement);
  laneQueueIds = Object.fromEntries(
    LANES.map((lane) => {
      const { queue, deadLetterQueue, shardQueue, shardDeadLetterQueue } = stacks.dev.ingestion.lanes[lane];
      return [
        lane,
        { queue: idOf(queue), deadLetterQueue: idOf(deadLetterQueue), shardQueue: idOf(shardQueue), shardDeadLetterQueue: idOf(shardDeadLetterQueue) },
      ];
    }),
  ) as typeof laneQueueIds;

  // No overrides: the runtime runs with the dev config's own clocks and sizes.
  local = await startTestRuntime({ handlerModule: FIXTURE_HANDLER });
});

afterAll(async () => {
  await local?.stop();
  if (local) removeStateDir(local.stateDir);
});

describe('the local runtime against the dev template', () => {
  it('runs in the stack’s region', () => {
    expect(local.outputs.Region).toBe(stackRegion);
  });

  /** A lane's queue URLs in the local outputs (the interactive lane's keep the names they had). */
  const localLane = (lane: Lane) =>
    lane === 'interactive'
      ? { queue: local.outputs.QueueUrl, deadLetter: local.outputs.DeadLetterQueueUrl }
      : { queue: local.outputs.BulkQueueUrl, deadLetter: local.outputs.BulkDeadLetterQueueUrl };
  const localShards = (lane: Lane) =>
    lane === 'interactive'
      ? { queue: local.outputs.ShardQueueUrl, deadLetter: local.outputs.ShardDeadLetterQueueUrl }
      : { queue: local.outputs.BulkShardQueueUrl, deadLetter: local.outputs.BulkShardDeadLetterQueueUrl };
  const QUEUE_KINDS = LANES.flatMap((lane) => [
    [lane, 'queue', 'deadLetterQueue', localLane] as const,
    [lane, 'shardQueue', 'shardDeadLetterQueue', localShards] as const,
  ]);

  it('has as many extraction queues as the template: one pair per lane and one per lane’s shards', () => {
    // The extraction queues (the purge queue behind the API has a redrive policy too).
    const extraction = Object.entries(resources).filter(
      ([id, resource]) => resource.Type === 'AWS::SQS::Queue' && resource.Properties.RedrivePolicy !== undefined && id.startsWith('Ingestion'),
    );
    expect(extraction.map(([id]) => id).sort()).toEqual(LANES.flatMap((lane) => [laneQueueIds[lane].queue, laneQueueIds[lane].shardQueue]).sort());
    expect(new Set(LANES.flatMap((lane) => [...Object.values(localLane(lane)), ...Object.values(localShards(lane))])).size).toBe(4 * LANES.length);
  });

  it.each(QUEUE_KINDS)('has the %s lane’s %s and its dead-letter queue of the template', async (lane, queueKind, deadLetterKind, localQueues) => {
    const queue = resources[laneQueueIds[lane][queueKind]]!;
    const deadLetterId = getAttTarget(queue.Properties.RedrivePolicy.deadLetterTargetArn);
    expect(deadLetterId).toBe(laneQueueIds[lane][deadLetterKind]);
    const deadLetter = resources[deadLetterId]!;

    const attributes = async (queueUrl: string) =>
      (await local.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes!;
    const localQueue = await attributes(localQueues(lane).queue);
    const localDeadLetter = await attributes(localQueues(lane).deadLetter);

    expect(Number(localQueue.VisibilityTimeout)).toBe(queue.Properties.VisibilityTimeout);
    expect(Number(localQueue.MessageRetentionPeriod)).toBe(queue.Properties.MessageRetentionPeriod);
    const redrive = JSON.parse(localQueue.RedrivePolicy!) as { maxReceiveCount: number | string; deadLetterTargetArn: string };
    expect(Number(redrive.maxReceiveCount)).toBe(queue.Properties.RedrivePolicy.maxReceiveCount);
    expect(redrive.deadLetterTargetArn).toBe(localDeadLetter.QueueArn);
    expect(Number(localDeadLetter.MessageRetentionPeriod)).toBe(deadLetter.Properties.MessageRetentionPeriod);
  });

  it('sends each notified prefix to the same lane’s queue as the template’s bucket notifications', () => {
    const [, notifications] = findOne('Custom::S3BucketNotifications');
    const rules = notifications.Properties.NotificationConfiguration.QueueConfigurations as Array<Record<string, any>>;
    const laneOfQueue = (queueId: string) => LANES.find((lane) => laneQueueIds[lane].queue === queueId);

    // The template: prefix → the lane whose queue its rule names. Locally the forwarder routes by LANE_PREFIXES.
    const templateRouting = Object.fromEntries(
      rules.map((rule) => [rule.Filter.Key.FilterRules[0].Value as string, laneOfQueue(getAttTarget(rule.QueueArn))]),
    );
    const localRouting = Object.fromEntries(LANES.flatMap((lane) => LANE_PREFIXES[lane].map((prefix) => [prefix, lane])));

    expect(rules.flatMap((rule) => rule.Events)).toEqual(rules.map(() => 's3:ObjectCreated:*'));
    expect(rules.every((rule) => rule.Filter.Key.FilterRules.length === 1)).toBe(true);
    expect(Object.keys(templateRouting).sort()).toEqual([...NOTIFIED_PREFIXES].sort());
    expect(templateRouting).toEqual(localRouting);
  });

  const tableWithIndex = (indexName: string) =>
    findOne('AWS::DynamoDB::Table', (resource) =>
      (resource.Properties.GlobalSecondaryIndexes ?? []).some((index: { IndexName: string }) => index.IndexName === indexName),
    );

  const tables: [string, string, () => string][] = [
    ['document table', TABLE_LAYOUT.ownerIndex.name, () => local.outputs.TableName],
    ['audit table', AUDIT_TABLE_LAYOUT.documentIndex.name, () => LOCAL_NAMES.auditTable],
  ];
  const byIndexName = <T extends { IndexName?: string }>(items: readonly T[]) =>
    [...items].sort((a, b) => (a.IndexName ?? '').localeCompare(b.IndexName ?? ''));

  it.each(tables)('has the %s of the template: keys, indexes, billing and TTL', async (_name, indexName, tableName) => {
    const [, table] = tableWithIndex(indexName);
    const { Table } = await local.clients.dynamoDb.send(new DescribeTableCommand({ TableName: tableName() }));
    const { TimeToLiveDescription } = await local.clients.dynamoDb.send(new DescribeTimeToLiveCommand({ TableName: tableName() }));

    expect(Table!.KeySchema).toEqual(table.Properties.KeySchema);
    expect(byName(Table!.AttributeDefinitions)).toEqual(byName(table.Properties.AttributeDefinitions));
    expect(
      byIndexName(Table!.GlobalSecondaryIndexes!.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }))),
    ).toEqual(byIndexName(table.Properties.GlobalSecondaryIndexes));
    expect(Table!.BillingModeSummary?.BillingMode).toBe(table.Properties.BillingMode);
    expect(table.Properties.TimeToLiveSpecification.Enabled).toBe(true);
    expect(TimeToLiveDescription).toMatchObject({
      AttributeName: table.Properties.TimeToLiveSpecification.AttributeName,
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('invokes the function with the template’s timeout and memory', () => {
    const [, fn] = findOne(
      'AWS::Lambda::Function',
      (resource) => resource.Properties.Environment?.Variables?.[EXTRACT_ENV.maxPages] !== undefined,
    );
    const settings = local.runtime.settings.function;

    expect(settings.timeoutSeconds).toBe(fn.Properties.Timeout);
    expect(settings.memoryMb).toBe(fn.Properties.MemorySize);
  });

  const EVENT_SOURCES = LANES.flatMap((lane) => [
    [lane, 'queue', () => local.runtime.settings.lanes[lane]] as const,
    [lane, 'shardQueue', () => local.runtime.settings.shardLanes[lane]] as const,
  ]);

  it.each(EVENT_SOURCES)('consumes the %s lane’s %s with the template’s event source settings', (lane, queueKind, localSettings) => {
    const [, mapping] = findOne(
      'AWS::Lambda::EventSourceMapping',
      (resource) => getAttTarget(resource.Properties.EventSourceArn) === laneQueueIds[lane][queueKind],
    );
    const settings = localSettings();

    expect(settings.functionName).toBe(local.runtime.settings.function.functionName);
    expect(settings.timeoutSeconds).toBe(local.runtime.settings.function.timeoutSeconds);
    expect(settings.batchSize).toBe(mapping.Properties.BatchSize);
    expect(settings.maxBatchingWindowSeconds).toBe(mapping.Properties.MaximumBatchingWindowInSeconds ?? 0);
    expect(settings.maxConcurrency).toBe(mapping.Properties.ScalingConfig.MaximumConcurrency);
    expect(settings.reportBatchItemFailures).toBe(
      (mapping.Properties.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    );
  });

  it('has room for every event source at its maximum at once, so shards never hold a lane’s invocations back', () => {
    const { function: extractor, lanes, shardLanes } = local.runtime.settings;
    const together = LANES.reduce((sum, lane) => sum + lanes[lane].maxConcurrency + shardLanes[lane].maxConcurrency, 0);

    expect(extractor.maxConcurrency).toBeGreaterThanOrEqual(together);
  });

  it('gives the function the environment variables of the template', async () => {
    const [, fn] = findOne(
      'AWS::Lambda::Function',
      (resource) => resource.Properties.Environment?.Variables?.[EXTRACT_ENV.maxPages] !== undefined,
    );
    const templateVariables = fn.Properties.Environment.Variables as Record<string, unknown>;
    // Literal values must match; the table and bucket names are references on AWS.
    const literal = Object.fromEntries(Object.entries(templateVariables).filter(([, value]) => typeof value === 'string'));

    expect(Object.keys(local.runtime.functionEnvironment.stack).sort()).toEqual(Object.keys(templateVariables).sort());

    // What an execution environment really received (the fixture records it).
    const received: FixtureRecord[] = await waitFor(
      async () => {
        const found = recordsFor(await readFixtureRecords(local.clients.dynamoDb, local.outputs.TableName), TEST_EVENT_ID);
        return found.length > 0 && found;
      },
      { timeoutMs: 60_000, description: 'the first invocation' },
    );
    const { env } = received[0]!;
    expect(env).toMatchObject(literal);
    expect(env[EXTRACT_ENV.tableName]).toBe(local.outputs.TableName);
    expect(env[EXTRACT_ENV.bucketName]).toBe(local.outputs.BucketName);
    expect(env).toMatchObject({
      AWS_REGION: local.outputs.Region,
      AWS_ENDPOINT_URL_S3: local.outputs.AwsEndpoint,
      AWS_ENDPOINT_URL_SQS: local.outputs.AwsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: local.outputs.DynamoDbEndpoint,
      AWS_ACCESS_KEY_ID: local.outputs.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: local.outputs.SecretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.Properties.MemorySize),
    });
  });

  it('gives the API, purge and sweeper functions the environment variables of the template', () => {
    const byHandler = (description: string) =>
      findOne('AWS::Lambda::Function', (resource) => String(resource.Properties.Description ?? '').startsWith(description))[1];
    const functions = {
      api: byHandler('pdf-pipeline API'),
      purge: byHandler('pdf-pipeline purge'),
      sweep: byHandler('pdf-pipeline sweeper'),
    };

    for (const [name, fn] of Object.entries(functions)) {
      const templateVariables = fn.Properties.Environment.Variables as Record<string, unknown>;
      const local = localApiEnvironments()[name as keyof typeof functions];
      expect(Object.keys(local).sort(), name).toEqual(Object.keys(templateVariables).sort());
      const literal = Object.fromEntries(Object.entries(templateVariables).filter(([, value]) => typeof value === 'string'));
      expect(local, name).toMatchObject(literal);
    }
  });

  it('has the webhook delivery queue and dead-letter queue of the template, and its rule’s pattern', async () => {
    const [queueId] = findOne('AWS::SQS::Queue', (_resource, id) => id.startsWith('WebhooksDeliveryQueue'));
    const queue = resources[queueId]!;
    const deadLetter = resources[getAttTarget(queue.Properties.RedrivePolicy.deadLetterTargetArn)]!;
    const attributes = async (queueUrl: string) =>
      (await local.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes!;
    const localQueue = await attributes(local.outputs.WebhookQueueUrl!);
    const localDeadLetter = await attributes(local.outputs.WebhookDeadLetterQueueUrl!);
    const [, rule] = findOne('AWS::Events::Rule', (_resource, id) => id.startsWith('WebhooksDocumentEventsRule'));

    expect(Number(localQueue.VisibilityTimeout)).toBe(queue.Properties.VisibilityTimeout);
    expect(Number(localQueue.MessageRetentionPeriod)).toBe(queue.Properties.MessageRetentionPeriod);
    const redrive = JSON.parse(localQueue.RedrivePolicy!) as { maxReceiveCount: number | string; deadLetterTargetArn: string };
    expect(Number(redrive.maxReceiveCount)).toBe(queue.Properties.RedrivePolicy.maxReceiveCount);
    expect(redrive.deadLetterTargetArn).toBe(localDeadLetter.QueueArn);
    expect(Number(localDeadLetter.MessageRetentionPeriod)).toBe(deadLetter.Properties.MessageRetentionPeriod);
    expect(rule.Properties.EventPattern).toEqual(webhookRulePattern(local.runtime.documentEventsEnvironment[DOCUMENT_EVENTS_ENV.eventSource]!));
  });

  it('gives the webhook delivery function the template’s variables, timeout and memory', () => {
    const [, fn] = findOne('AWS::Lambda::Function', (resource) => String(resource.Properties.Description ?? '').startsWith('pdf-pipeline webhooks'));
    const templateVariables = fn.Properties.Environment.Variables as Record<string, unknown>;
    const literal = Object.fromEntries(Object.entries(templateVariables).filter(([, value]) => typeof value === 'string'));

    expect(Object.keys(local.runtime.webhooksEnvironment).sort()).toEqual(Object.keys(templateVariables).sort());
    expect(local.runtime.webhooksEnvironment).toMatchObject(literal);
    expect(local.runtime.webhooksEnvironment[WEBHOOKS_ENV.apiUrl]).toBe(local.outputs.ApiUrl);
    expect(fn.Properties.Timeout).toBe(WEBHOOK_DELIVERY.timeoutSeconds(CONFIGS.dev));
    expect(fn.Properties.MemorySize).toBe(WEBHOOK_DELIVERY.memoryMb);
  });

  it('writes outputs whose queue URLs work against the AWS endpoint', async () => {
    const outputs = JSON.parse(readFileSync(local.runtime.layout.outputsFile, 'utf8')) as Record<string, string>;
    expect(outputs).toEqual(local.outputs);
    for (const url of [
      outputs.AwsEndpoint,
      outputs.DynamoDbEndpoint,
      outputs.QueueUrl,
      outputs.DeadLetterQueueUrl,
      outputs.BulkQueueUrl,
      outputs.BulkDeadLetterQueueUrl,
    ]) {
      expect(url).not.toMatch(/\/$/);
    }
    const { Attributes } = await local.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: outputs.DeadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
    );
    expect(Attributes!.QueueArn).toMatch(/:pdf-pipeline-extract-dlq$/);
  });
});
