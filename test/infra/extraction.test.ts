import { beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_ENV, KEY_PREFIXES, LANES, NOTIFIED_PREFIXES } from '../../lambdas/shared/contract.js';
import { ENVIRONMENT_NAMES, extractionEnvironment, type EnvironmentName } from '../../lib/config.js';
import { asList, environment, logicalId, propertiesOf, render, statementsOfRole, synthesizeEnvironments } from './app-fixture.js';

beforeAll(synthesizeEnvironments);

/** The extractor's function, event source mapping and policy statements, as synthesized. */
function extractionOf(envName: EnvironmentName) {
  const { config, stack, template } = environment(envName);
  const extractor = stack.extraction.extractor;
  const functionId = logicalId(extractor.function);
  // The event sources invoke the `live` alias: `<function name>:live`, the name taken from its ARN.
  const aliasRef = JSON.stringify({ Ref: logicalId(extractor.alias) });
  const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter((mapping) =>
    JSON.stringify(mapping.Properties.FunctionName).includes(aliasRef),
  );
  return {
    config,
    stack,
    template,
    fn: propertiesOf(template, functionId),
    eventSources: mappings.map((mapping) => mapping.Properties as Record<string, any>),
    statements: statementsOfRole(template, logicalId(extractor.role)),
    bucketArn: `${logicalId(stack.storage.bucket)}.Arn`,
  };
}

/** Statements granting `action`, with their resources rendered as text. */
function resourcesGranting(statements: ReturnType<typeof extractionOf>['statements'], action: string): string[] {
  return statements
    .filter((statement) => statement.Effect === 'Allow' && asList(statement.Action).includes(action))
    .flatMap((statement) => asList(statement.Resource).map(render));
}

describe.each(ENVIRONMENT_NAMES)('extraction (%s)', (envName) => {
  describe('function', () => {
    it('runs Node.js 22 on arm64 with memory and timeout from config and active tracing', () => {
      // Arrange
      const { config, fn } = extractionOf(envName);

      // Assert
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: config.extraction.memoryMb,
        Timeout: config.extraction.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
      });
    });

    it('gets its limits from config, the table and bucket names and the lanes\' shard queues from the stack', () => {
      // Arrange
      const { config, stack, fn } = extractionOf(envName);
      const { lanes } = stack.ingestion;

      // Assert
      expect(fn.Environment).toEqual({
        Variables: {
          ...extractionEnvironment(config),
          [EXTRACT_ENV.tableName]: { Ref: logicalId(stack.storage.table) },
          [EXTRACT_ENV.bucketName]: { Ref: logicalId(stack.storage.bucket) },
          [EXTRACT_ENV.interactiveShardQueueUrl]: { Ref: logicalId(lanes.interactive.shardQueue) },
          [EXTRACT_ENV.bulkShardQueueUrl]: { Ref: logicalId(lanes.bulk.shardQueue) },
        },
      });
    });

    it('may send messages to each lane\'s shard queue, where the shards of a long document go, and to no other queue', () => {
      // Arrange
      const { stack, template } = extractionOf(envName);
      const roleId = logicalId(stack.extraction.extractor.role);
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);

      // Assert
      const sends = statements.filter((statement) => [statement.Action].flat().includes('sqs:SendMessage'));
      const shardQueueArns = LANES.map((lane) => JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.ingestion.lanes[lane].shardQueue), 'Arn'] }));
      expect(sends.flatMap((statement) => [statement.Resource].flat().map((arn) => JSON.stringify(arn))).sort()).toEqual(shardQueueArns.sort());
    });

    it('logs to its own log group, kept as long as configured', () => {
      // Arrange
      const { config, stack, template, fn } = extractionOf(envName);
      const logGroupId = logicalId(stack.extraction.extractor.logGroup);

      // Assert
      expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
      expect(propertiesOf(template, logGroupId).RetentionInDays).toBe(config.observability.logRetentionDays);
    });

    it('reserves concurrency only when configured, never below the event sources\' maximums together', () => {
      // Arrange
      const { config, fn, eventSources } = extractionOf(envName);
      const { reservedConcurrency } = config.extraction;
      const together = eventSources.reduce((sum, eventSource) => sum + eventSource.ScalingConfig.MaximumConcurrency, 0);

      // Assert
      if (reservedConcurrency === undefined) {
        expect(fn).not.toHaveProperty('ReservedConcurrentExecutions');
      } else {
        expect(fn.ReservedConcurrentExecutions).toBe(reservedConcurrency);
        expect(fn.ReservedConcurrentExecutions).toBeGreaterThanOrEqual(together);
      }
    });
  });

  describe('event sources', () => {
    it('has two per lane, its queue\'s and its shard queue\'s, and no other', () => {
      // Arrange
      const { stack, eventSources } = extractionOf(envName);
      const arnOf = (queue: Parameters<typeof logicalId>[0]) => JSON.stringify({ 'Fn::GetAtt': [logicalId(queue), 'Arn'] });
      const queues = LANES.flatMap((lane) => [arnOf(stack.ingestion.lanes[lane].queue), arnOf(stack.ingestion.lanes[lane].shardQueue)]);

      // Assert
      expect(eventSources.map((eventSource) => JSON.stringify(eventSource.EventSourceArn)).sort()).toEqual(queues.sort());
    });

    it.each(LANES)('%s lane shards: one per invocation, no batching window, capped by the lane\'s shard concurrency', (lane) => {
      // Arrange
      const { config, stack, eventSources } = extractionOf(envName);
      const queueArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.ingestion.lanes[lane].shardQueue), 'Arn'] });

      // Act
      const shardSources = eventSources.filter((eventSource) => JSON.stringify(eventSource.EventSourceArn) === queueArn);

      // Assert
      expect(shardSources).toHaveLength(1);
      expect(shardSources[0]).toMatchObject({
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: config.extraction.sharding.maxConcurrency[lane] },
      });
      expect(shardSources[0]!.MaximumBatchingWindowInSeconds ?? 0).toBe(0);
    });

    it.each(LANES)('%s lane: batches, reports failed records one by one and caps concurrency as the lane is configured', (lane) => {
      // Arrange
      const { config, stack, eventSources } = extractionOf(envName);
      const queueArn = { 'Fn::GetAtt': [logicalId(stack.ingestion.lanes[lane].queue), 'Arn'] };

      // Act
      const laneSources = eventSources.filter((eventSource) => JSON.stringify(eventSource.EventSourceArn) === JSON.stringify(queueArn));

      // Assert
      expect(laneSources).toHaveLength(1);
      expect(laneSources[0]).toMatchObject({
        BatchSize: config.extraction.batchSize,
        MaximumBatchingWindowInSeconds: config.extraction.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: config.extraction.lanes[lane].maxConcurrency },
      });
    });
  });

  describe('permissions', () => {
    it('has no managed policies: its role writes logs only to its own log group', () => {
      // Arrange
      const { stack, template, statements } = extractionOf(envName);
      const role = propertiesOf(template, logicalId(stack.extraction.extractor.role));

      // Assert
      expect(role).not.toHaveProperty('ManagedPolicyArns');
      expect(resourcesGranting(statements, 'logs:PutLogEvents')).toEqual([
        `${logicalId(stack.extraction.extractor.logGroup)}.Arn`,
      ]);
    });

    it('reads original object versions under the notified prefixes, and results only to copy them for an identical upload', () => {
      // Arrange
      const { config, statements, bucketArn } = extractionOf(envName);
      const originals = NOTIFIED_PREFIXES.map((prefix) => `${bucketArn}/${prefix}*`);
      const results = config.usage.reuseIdenticalDocuments ? [`${bucketArn}/${KEY_PREFIXES.results}*`] : [];

      // Assert
      expect(resourcesGranting(statements, 's3:GetObject').sort()).toEqual([...originals, ...results].sort());
      expect(resourcesGranting(statements, 's3:GetObjectVersion').sort()).toEqual([...originals].sort());
    });


    it(`writes objects under ${KEY_PREFIXES.results} only, and deletes none`, () => {
      // Arrange
      const { statements, bucketArn } = extractionOf(envName);
      const s3Actions = statements.flatMap((statement) => asList(statement.Action)).filter((action) => action.startsWith('s3:'));

      // Assert
      expect(resourcesGranting(statements, 's3:PutObject')).toEqual([`${bucketArn}/${KEY_PREFIXES.results}*`]);
      expect(new Set(s3Actions)).toEqual(new Set(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject']));
    });

    it('reads and writes the document table and its indexes', () => {
      // Arrange
      const { stack, statements } = extractionOf(envName);
      const tableArn = `${logicalId(stack.storage.table)}.Arn`;

      // Assert
      for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem']) {
        expect(resourcesGranting(statements, action)).toEqual([tableArn, `${tableArn}/index/*`]);
      }
    });

    it('grants nothing on "*" but X-Ray, which has no resource-level permissions', () => {
      // Arrange
      const { statements } = extractionOf(envName);

      // Act
      const onEverything = statements.filter((statement) => asList(statement.Resource).includes('*'));

      // Assert
      expect(onEverything.flatMap((statement) => asList(statement.Action)).sort()).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });
  });
});
