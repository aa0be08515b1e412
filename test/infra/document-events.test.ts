import { beforeAll, describe, expect, it } from 'vitest';
import { TERMINAL_RECORD_FILTER } from '../../lambdas/shared/document-events.js';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/config.js';
import { asList, environment, logicalId, propertiesOf, render, statementsOfRole, synthesizeEnvironments } from './app-fixture.js';
import { DOCUMENT_EVENTS_FUNCTION, documentEventsEnvironment } from '../../lambdas/document-events/contract.js';

beforeAll(synthesizeEnvironments);

/** The publisher, its stream event source and its permissions, as synthesized. */
function documentEventsOf(envName: EnvironmentName) {
  const { config, stack, template } = environment(envName);
  const publisherId = logicalId(stack.documentEvents.publisher.function);
  const [mapping] = Object.values(
    template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: publisherId } } }),
  );
  return {
    config,
    stack,
    template,
    fn: propertiesOf(template, publisherId) as Record<string, any>,
    mapping: mapping?.Properties as Record<string, any>,
    statements: statementsOfRole(template, logicalId(stack.documentEvents.publisher.role)),
  };
}

describe.each(ENVIRONMENT_NAMES)('document events (%s)', (envName) => {
  it('streams the document table with old and new images', () => {
    const { stack, template } = documentEventsOf(envName);

    expect(propertiesOf(template, logicalId(stack.storage.table)).StreamSpecification).toEqual({
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
  });

  it('feeds only terminal document records to the publisher, in order, resuming at a failed record', () => {
    // Arrange
    const { config, stack, mapping } = documentEventsOf(envName);

    // Assert
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.storage.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: DOCUMENT_EVENTS_FUNCTION.batchSize,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: false,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: DOCUMENT_EVENTS_FUNCTION.retryAttempts,
      MaximumRecordAgeInSeconds: config.events.maxRecordAgeHours * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack.documentEvents.failedEvents), 'Arn'] } } },
    });
    expect(mapping.FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern))).toEqual([
      TERMINAL_RECORD_FILTER,
    ]);
  });

  it('runs the publisher with the bus and event source from config', () => {
    const { config, fn } = documentEventsOf(envName);

    expect(fn).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: DOCUMENT_EVENTS_FUNCTION.memoryMb,
      Timeout: DOCUMENT_EVENTS_FUNCTION.timeoutSeconds,
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: documentEventsEnvironment(config) },
    });
    expect(documentEventsEnvironment(config).DOCUMENT_EVENT_SOURCE).toBe(`pdf-pipeline.${envName}`);
  });

  it('may put events on the configured bus only, and read only its stream', () => {
    // Arrange
    const { config, stack, statements } = documentEventsOf(envName);
    const granting = (action: string) =>
      statements
        .filter((statement) => statement.Effect === 'Allow' && asList(statement.Action).includes(action))
        .flatMap((statement) => asList(statement.Resource).map(render));

    // Assert
    expect(granting('events:PutEvents')).toEqual([
      `arn:aws:events:${config.region}:AWS::AccountId:event-bus/${config.events.busName}`,
    ]);
    expect(granting('dynamodb:GetRecords')).toEqual([`${logicalId(stack.storage.table)}.StreamArn`]);
    expect(granting('dynamodb:PutItem')).toEqual([]);
    const onEverything = statements.filter((statement) => asList(statement.Resource).includes('*'));
    expect(onEverything.flatMap((statement) => asList(statement.Action)).sort()).toEqual([
      'dynamodb:ListStreams',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('keeps failed batches 14 days in an encrypted queue', () => {
    const { stack, template } = documentEventsOf(envName);

    expect(propertiesOf(template, logicalId(stack.documentEvents.failedEvents))).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('retains the dead-letter queues with the data, where data is retained', () => {
    // Arrange
    const { config, stack, template } = documentEventsOf(envName);
    const expected = config.storage.removalPolicy === 'retain' ? 'Retain' : 'Delete';
    const resources = template.toJSON().Resources;

    // Assert
    for (const queue of [stack.ingestion.lanes.interactive.deadLetterQueue, stack.ingestion.lanes.bulk.deadLetterQueue, stack.documentEvents.failedEvents]) {
      expect(resources[logicalId(queue)]).toMatchObject({ DeletionPolicy: expected, UpdateReplacePolicy: expected });
    }
  });

  it.each(['EventBusName', 'FailedEventsQueueUrl', 'AlarmTopicArn', 'DashboardName'])('outputs %s', (outputId) => {
    const { template } = documentEventsOf(envName);

    expect(template.toJSON().Outputs?.[outputId]?.Value).toBeDefined();
  });
});

describe('the local runtime against the dev stack', () => {
  it('reads the table stream as the dev event source mapping does, and runs the publisher as the stack does', async () => {
    // Arrange
    const { resolveSettings, LOCAL_CONFIG } = await import('../../local/settings.js');
    const { tableDefinition } = await import('../../local/resources.js');
    const { stackDocumentEventsEnvironment } = await import('../../local/function-environment.js');
    const { stack, mapping, fn } = documentEventsOf('dev');
    const local = resolveSettings(LOCAL_CONFIG).documentEvents;

    // Assert
    expect(LOCAL_CONFIG).toBe(environment('dev').config);
    expect(local).toMatchObject({
      batchSize: mapping.BatchSize,
      retryAttempts: mapping.MaximumRetryAttempts,
      maxRecordAgeSeconds: mapping.MaximumRecordAgeInSeconds,
      reportBatchItemFailures: mapping.FunctionResponseTypes.includes('ReportBatchItemFailures'),
      timeoutSeconds: fn.Timeout,
      memoryMb: fn.MemorySize,
    });
    expect(local.filters).toEqual(mapping.FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern)));
    expect(stackDocumentEventsEnvironment(LOCAL_CONFIG)).toEqual(fn.Environment.Variables);
    expect(tableDefinition('t').StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: (propertiesOf(environment('dev').template, logicalId(stack.storage.table)) as Record<string, any>).StreamSpecification
        .StreamViewType,
    });
  });
});
