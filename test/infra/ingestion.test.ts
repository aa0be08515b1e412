import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIXES, LANE_PREFIXES, LANES, type Lane } from '../../lambdas/shared/contract.js';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/config.js';
import { Ingestion } from '../../lib/constructs/ingestion.js';
import { environment, logicalId, propertiesOf, synthesizeEnvironments } from './app-fixture.js';

beforeAll(synthesizeEnvironments);

const DAY_SECONDS = 24 * 60 * 60;

/** A lane's source queue, dead-letter queue and consumer, as synthesized. */
function ingestionOfLane(envName: EnvironmentName, lane: Lane) {
  const { config, stack, template } = environment(envName);
  const queueId = logicalId(stack.ingestion.lanes[lane].queue);
  const deadLetterQueueId = logicalId(stack.ingestion.lanes[lane].deadLetterQueue);
  const eventSourceMappings = Object.values(
    template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    }),
  );
  expect(eventSourceMappings, `one consumer of the ${lane} queue`).toHaveLength(1);
  const [eventSourceMapping] = eventSourceMappings;
  return {
    config,
    stack,
    template,
    queueId,
    deadLetterQueueId,
    queue: propertiesOf(template, queueId),
    deadLetterQueue: propertiesOf(template, deadLetterQueueId),
    extractor: propertiesOf(template, logicalId(stack.extraction.extractor.function)),
    eventSource: eventSourceMapping?.Properties as Record<string, unknown>,
  };
}

const ENVIRONMENT_LANES = ENVIRONMENT_NAMES.flatMap((envName) => LANES.map((lane) => [envName, lane] as const));

describe.each(ENVIRONMENT_NAMES)('ingestion lanes (%s)', (envName) => {
  it('has a queue, a shard queue and a dead-letter queue for each per lane, and no two lanes share one', () => {
    // Arrange
    const { stack, template } = environment(envName);
    const ids = LANES.flatMap((lane) => {
      const { queue, deadLetterQueue, shardQueue, shardDeadLetterQueue } = stack.ingestion.lanes[lane];
      return [queue, deadLetterQueue, shardQueue, shardDeadLetterQueue].map(logicalId);
    });
    const extractionQueues = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) => id.startsWith('Ingestion'));

    // Assert
    expect(new Set(ids).size).toBe(4 * LANES.length);
    expect(extractionQueues.sort()).toEqual([...ids].sort());
  });

  it('keeps the ids the single queue had for the interactive lane, so an update does not replace it', () => {
    // Arrange
    const { stack } = environment(envName);

    // Assert
    expect(stack.ingestion.lanes.interactive.queue.node.id).toBe('Queue');
    expect(stack.ingestion.lanes.interactive.deadLetterQueue.node.id).toBe('DeadLetterQueue');
  });
});

describe.each(ENVIRONMENT_LANES)('ingestion (%s, %s lane)', (envName, lane) => {
  const ingestionOf = (name: EnvironmentName) => ingestionOfLane(name, lane);

  describe('queues', () => {
    it('keeps a message hidden for at least 6 × function timeout + batching window', () => {
      // Arrange
      const { queue, extractor, eventSource } = ingestionOf(envName);

      // Act
      const required = 6 * (extractor.Timeout as number) + (eventSource.MaximumBatchingWindowInSeconds as number);

      // Assert
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(required);
    });

    it('moves a message to the dead-letter queue after the configured number of receives', () => {
      // Arrange
      const { config, queue, deadLetterQueueId } = ingestionOf(envName);

      // Assert
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] },
        maxReceiveCount: config.queue.maxReceiveCount,
      });
    });

    it('keeps dead letters 14 days, longer than the source queue keeps messages', () => {
      // Arrange
      const { config, queue, deadLetterQueue } = ingestionOf(envName);

      // Assert
      expect(queue.MessageRetentionPeriod).toBe(config.queue.retentionDays * DAY_SECONDS);
      expect(deadLetterQueue.MessageRetentionPeriod).toBe(1_209_600);
      expect(deadLetterQueue.MessageRetentionPeriod).toBeGreaterThan(queue.MessageRetentionPeriod as number);
    });

    it('encrypts both queues with SSE-SQS, which S3 can publish to', () => {
      // Arrange
      const { queue, deadLetterQueue } = ingestionOf(envName);

      // Assert
      for (const properties of [queue, deadLetterQueue]) {
        expect(properties).toMatchObject({ SqsManagedSseEnabled: true });
        expect(properties).not.toHaveProperty('KmsMasterKeyId');
      }
    });

    it.each(['queueId', 'deadLetterQueueId'] as const)('denies requests without TLS (%s)', (member) => {
      // Arrange
      const ingestion = ingestionOf(envName);

      // Assert
      ingestion.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: ingestion[member] }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('lets S3 send messages only on behalf of the document bucket', () => {
      // Arrange
      const { stack, template, queueId } = ingestionOf(envName);

      // Assert
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Action: Match.arrayWith(['sqs:SendMessage']),
              Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack.storage.bucket), 'Arn'] } } },
            }),
          ]),
        },
      });
    });
  });

});

describe.each(ENVIRONMENT_LANES)('shard queue (%s, %s lane)', (envName, lane) => {
  function shardQueueOf(name: EnvironmentName) {
    const { config, stack, template } = environment(name);
    const queueId = logicalId(stack.ingestion.lanes[lane].shardQueue);
    const [mapping] = Object.values(
      template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] } } }),
    );
    return {
      config,
      template,
      queueId,
      deadLetterQueueId: logicalId(stack.ingestion.lanes[lane].shardDeadLetterQueue),
      queue: propertiesOf(template, queueId),
      extractor: propertiesOf(template, logicalId(stack.extraction.extractor.function)),
      eventSource: mapping?.Properties as Record<string, unknown>,
    };
  }

  it('keeps a shard hidden for at least 6 × function timeout + its batching window, as the lane queue does', () => {
    // Arrange
    const { queue, extractor, eventSource } = shardQueueOf(envName);

    // Act
    const required = 6 * (extractor.Timeout as number) + ((eventSource.MaximumBatchingWindowInSeconds as number | undefined) ?? 0);

    // Assert
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(required);
  });

  it('moves a shard to its own dead-letter queue after the configured number of receives, encrypted and TLS only', () => {
    // Arrange
    const { config, template, queue, queueId, deadLetterQueueId } = shardQueueOf(envName);

    // Assert
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] },
      maxReceiveCount: config.queue.maxReceiveCount,
    });
    expect(queue).toMatchObject({ SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('is fed by the extractor only: S3 may not send to it', () => {
    // Arrange
    const { template, queueId } = shardQueueOf(envName);
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((policy) =>
      JSON.stringify(policy.Properties.Queues).includes(JSON.stringify({ Ref: queueId })),
    );

    // Assert
    expect(JSON.stringify(policies)).not.toContain('s3.amazonaws.com');
  });
});

describe.each(ENVIRONMENT_NAMES)('ingestion (%s)', (envName) => {
  describe('bucket notifications', () => {
    /** The queue rules of the bucket's notification configuration. */
    function notificationsOf(name: EnvironmentName) {
      const { stack, template } = environment(name);
      const configurations = Object.values(
        template.findResources('Custom::S3BucketNotifications', {
          Properties: { BucketName: { Ref: logicalId(stack.storage.bucket) } },
        }),
      );
      expect(configurations).toHaveLength(1);
      const notification = configurations[0]!.Properties.NotificationConfiguration;
      return { stack, notification, rules: notification.QueueConfigurations as Array<Record<string, any>> };
    }

    it('queues ObjectCreated events under each prefix on its lane\'s queue, filtered by prefix only', () => {
      // Act
      const { stack, notification, rules } = notificationsOf(envName);
      const queueOf = (lane: Lane) => ({ 'Fn::GetAtt': [logicalId(stack.ingestion.lanes[lane].queue), 'Arn'] });
      const byPrefix = Object.fromEntries(rules.map((rule) => [rule.Filter.Key.FilterRules[0].Value, rule.QueueArn]));

      // Assert
      expect(Object.keys(notification)).toEqual(['QueueConfigurations']);
      expect(byPrefix).toEqual({
        [KEY_PREFIXES.uploads]: queueOf('interactive'),
        [KEY_PREFIXES.incoming]: queueOf('bulk'),
        [KEY_PREFIXES.bulkUploads]: queueOf('bulk'),
      });
      expect(rules).toHaveLength(LANES.flatMap((lane) => LANE_PREFIXES[lane]).length);
      for (const rule of rules) {
        expect(rule.Events).toEqual(['s3:ObjectCreated:*']);
        expect(rule.Filter.Key.FilterRules).toHaveLength(1);
        expect(rule.Filter.Key.FilterRules[0].Name).toBe('prefix');
      }
    });

    it(`never queues anything under ${KEY_PREFIXES.results}, which the extractor writes`, () => {
      // Act
      const { rules } = notificationsOf(envName);

      // Assert: every rule has a prefix, and no result key matches one.
      const resultKey = `${KEY_PREFIXES.results}document-1/g1/page-000001.txt`;
      for (const rule of rules) {
        const prefix = rule.Filter?.Key?.FilterRules?.find((filter: { Name: string }) => filter.Name === 'prefix')?.Value;
        expect(prefix).toEqual(expect.any(String));
        expect(resultKey.startsWith(prefix)).toBe(false);
      }
    });
  });
});

describe('Ingestion', () => {
  /** An Ingestion in a stack of its own, fed by the given prefixes. */
  const ingestionWith = (lanePrefixes: Readonly<Record<Lane, readonly string[]>>) => () => {
    const stack = new Stack(new App());
    new Ingestion(stack, 'Ingestion', {
      bucket: new s3.Bucket(stack, 'Bucket'),
      lanePrefixes,
      visibilityTimeout: Duration.seconds(60),
    });
  };

  it('refuses prefixes that overlap, which S3 refuses and which would extract a key twice', () => {
    expect(ingestionWith({ interactive: ['uploads/'], bulk: ['uploads/bulk/'] })).toThrow(/overlap: uploads\/, uploads\/bulk\//);
  });

  it('refuses a prefix that is not a folder', () => {
    expect(ingestionWith({ interactive: ['uploads/'], bulk: ['incoming'] })).toThrow(/must be a folder/);
  });

  it('accepts the shared contract’s lanes', () => {
    expect(ingestionWith(LANE_PREFIXES)).not.toThrow();
  });
});
