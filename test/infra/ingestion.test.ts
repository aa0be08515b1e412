import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { KEY_PREFIXES } from '../../lambdas/shared/contract.js';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/config.js';
import { environment, logicalId, propertiesOf } from './app-fixture.js';

const DAY_SECONDS = 24 * 60 * 60;

/** The source queue, the dead-letter queue and the consumer, as synthesized. */
function ingestionOf(envName: EnvironmentName) {
  const { config, stack, template } = environment(envName);
  const queueId = logicalId(stack.ingestion.queue);
  const deadLetterQueueId = logicalId(stack.ingestion.deadLetterQueue);
  const [eventSourceMapping] = Object.values(
    template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    }),
  );
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

describe.each(ENVIRONMENT_NAMES)('ingestion (%s)', (envName) => {
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

  describe('bucket notifications', () => {
    /** The queue rules of the bucket's notification configuration. */
    function notificationsOf(name: EnvironmentName) {
      const { stack, template, queueId } = ingestionOf(name);
      const configurations = Object.values(
        template.findResources('Custom::S3BucketNotifications', {
          Properties: { BucketName: { Ref: logicalId(stack.storage.bucket) } },
        }),
      );
      expect(configurations).toHaveLength(1);
      const notification = configurations[0]!.Properties.NotificationConfiguration;
      return { notification, queueId, rules: notification.QueueConfigurations as Array<Record<string, any>> };
    }

    it('queues ObjectCreated events under exactly uploads/ and incoming/, filtered by prefix only', () => {
      // Act
      const { notification, queueId, rules } = notificationsOf(envName);

      // Assert
      expect(Object.keys(notification)).toEqual(['QueueConfigurations']);
      expect(rules.map((rule) => rule.Filter.Key.FilterRules)).toEqual(
        expect.arrayContaining([[{ Name: 'prefix', Value: 'uploads/' }], [{ Name: 'prefix', Value: 'incoming/' }]]),
      );
      expect(rules).toHaveLength(2);
      for (const rule of rules) {
        expect(rule.Events).toEqual(['s3:ObjectCreated:*']);
        expect(rule.QueueArn).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
        expect(rule.Filter.Key.FilterRules.some((filter: { Name: string }) => filter.Name === 'suffix')).toBe(false);
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
