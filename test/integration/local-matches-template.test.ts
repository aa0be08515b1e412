/**
 * The local runtime builds the same pipeline the `dev` stack deploys: the live local resources,
 * read back through the SDK, and the event source and function settings the runtime uses are
 * compared with the synthesized `dev` template.
 */
import { readFileSync } from 'node:fs';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_ENV, NOTIFIED_PREFIXES } from '../../lambdas/shared/contract.js';
import { createApp } from '../../lib/pdf-pipeline-app.js';
import { readFixtureRecords, recordsFor, TEST_EVENT_ID, type FixtureRecord } from '../support/fixture-records.js';
import { FIXTURE_HANDLER, removeStateDir, startTestRuntime, waitFor, type TestRuntime } from '../support/local-runtime.js';

type Resource = { Type: string; Properties: Record<string, any> };

let local: TestRuntime;
let resources: Record<string, Resource>;
let stackRegion: string;

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

  it('has the source queue and dead-letter queue of the template', async () => {
    // The extraction queue (the purge queue behind the API has a redrive policy too).
    const [queueId, queue] = findOne(
      'AWS::SQS::Queue',
      (resource, id) => resource.Properties.RedrivePolicy !== undefined && id.startsWith('Ingestion'),
    );
    const deadLetterId = getAttTarget(queue.Properties.RedrivePolicy.deadLetterTargetArn);
    const deadLetter = resources[deadLetterId]!;

    const attributes = async (queueUrl: string) =>
      (await local.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes!;
    const localQueue = await attributes(local.outputs.QueueUrl);
    const localDeadLetter = await attributes(local.outputs.DeadLetterQueueUrl);

    expect(Number(localQueue.VisibilityTimeout)).toBe(queue.Properties.VisibilityTimeout);
    expect(Number(localQueue.MessageRetentionPeriod)).toBe(queue.Properties.MessageRetentionPeriod);
    const redrive = JSON.parse(localQueue.RedrivePolicy!) as { maxReceiveCount: number | string; deadLetterTargetArn: string };
    expect(Number(redrive.maxReceiveCount)).toBe(queue.Properties.RedrivePolicy.maxReceiveCount);
    expect(redrive.deadLetterTargetArn).toBe(localDeadLetter.QueueArn);
    expect(Number(localDeadLetter.MessageRetentionPeriod)).toBe(deadLetter.Properties.MessageRetentionPeriod);

    // The template's bucket notifications feed this queue; locally the forwarder does.
    const [, notifications] = findOne('Custom::S3BucketNotifications');
    const rules = notifications.Properties.NotificationConfiguration.QueueConfigurations as Array<Record<string, any>>;
    expect(rules.map((rule) => getAttTarget(rule.QueueArn))).toEqual(rules.map(() => queueId));
    expect(rules.flatMap((rule) => rule.Events)).toEqual(rules.map(() => 's3:ObjectCreated:*'));
    const prefixes = rules.flatMap((rule) => rule.Filter.Key.FilterRules.map((filter: { Value: string }) => filter.Value));
    expect([...prefixes].sort()).toEqual([...NOTIFIED_PREFIXES].sort());
  });

  it('has the table of the template: keys, index, billing and TTL', async () => {
    const [, table] = findOne('AWS::DynamoDB::Table');
    const { Table } = await local.clients.dynamoDb.send(new DescribeTableCommand({ TableName: local.outputs.TableName }));
    const { TimeToLiveDescription } = await local.clients.dynamoDb.send(
      new DescribeTimeToLiveCommand({ TableName: local.outputs.TableName }),
    );

    expect(Table!.KeySchema).toEqual(table.Properties.KeySchema);
    expect(byName(Table!.AttributeDefinitions)).toEqual(byName(table.Properties.AttributeDefinitions));
    expect(
      Table!.GlobalSecondaryIndexes!.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection })),
    ).toEqual(table.Properties.GlobalSecondaryIndexes);
    expect(Table!.BillingModeSummary?.BillingMode).toBe(table.Properties.BillingMode);
    expect(table.Properties.TimeToLiveSpecification.Enabled).toBe(true);
    expect(TimeToLiveDescription).toMatchObject({
      AttributeName: table.Properties.TimeToLiveSpecification.AttributeName,
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('invokes the function with the template’s timeout, memory and event source settings', () => {
    const [functionId, fn] = findOne(
      'AWS::Lambda::Function',
      (resource) => resource.Properties.Environment?.Variables?.[EXTRACT_ENV.maxPages] !== undefined,
    );
    const [, mapping] = findOne('AWS::Lambda::EventSourceMapping', (resource) => resource.Properties.FunctionName?.Ref === functionId);
    const settings = local.runtime.settings.function;

    expect(settings.timeoutSeconds).toBe(fn.Properties.Timeout);
    expect(settings.memoryMb).toBe(fn.Properties.MemorySize);
    expect(settings.batchSize).toBe(mapping.Properties.BatchSize);
    expect(settings.maxBatchingWindowSeconds).toBe(mapping.Properties.MaximumBatchingWindowInSeconds ?? 0);
    expect(settings.maxConcurrency).toBe(mapping.Properties.ScalingConfig.MaximumConcurrency);
    expect(settings.reportBatchItemFailures).toBe(
      (mapping.Properties.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    );
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
      { timeoutMs: 15_000, description: 'the first invocation' },
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

  it('writes outputs whose queue URLs work against the AWS endpoint', async () => {
    const outputs = JSON.parse(readFileSync(local.runtime.layout.outputsFile, 'utf8')) as Record<string, string>;
    expect(outputs).toEqual(local.outputs);
    for (const url of [outputs.AwsEndpoint, outputs.DynamoDbEndpoint, outputs.QueueUrl, outputs.DeadLetterQueueUrl]) {
      expect(url).not.toMatch(/\/$/);
    }
    const { Attributes } = await local.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: outputs.DeadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
    );
    expect(Attributes!.QueueArn).toMatch(/:pdf-pipeline-extract-dlq$/);
  });
});
