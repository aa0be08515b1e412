import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES } from '../../lib/config.js';
import { environment, logicalId, synthesizeEnvironments } from './app-fixture.js';

beforeAll(synthesizeEnvironments);

describe.each(ENVIRONMENT_NAMES)('pipeline stack (%s)', (envName) => {
  it('is named after the environment and deployed to its region', () => {
    // Arrange
    const { config, stack } = environment(envName);

    // Assert
    expect(stack.stackName).toBe(`PdfPipeline-${envName}`);
    expect(stack.region).toBe(config.region);
  });

  it('tags everything with the project and the environment', () => {
    // Arrange
    const { stack } = environment(envName);

    // Assert: stack tags, which CloudFormation propagates to every resource it creates.
    expect(stack.tags.tagValues()).toEqual({ project: 'pdf-pipeline', environment: envName });
  });

  it.each([
    ['BucketName', (s: ReturnType<typeof environment>['stack']) => ({ Ref: logicalId(s.storage.bucket) })],
    ['QueueUrl', (s: ReturnType<typeof environment>['stack']) => ({ Ref: logicalId(s.ingestion.lanes.interactive.queue) })],
    ['DeadLetterQueueUrl', (s: ReturnType<typeof environment>['stack']) => ({ Ref: logicalId(s.ingestion.lanes.interactive.deadLetterQueue) })],
    ['BulkQueueUrl', (s: ReturnType<typeof environment>['stack']) => ({ Ref: logicalId(s.ingestion.lanes.bulk.queue) })],
    ['BulkDeadLetterQueueUrl', (s: ReturnType<typeof environment>['stack']) => ({ Ref: logicalId(s.ingestion.lanes.bulk.deadLetterQueue) })],
    ['TableName', (s: ReturnType<typeof environment>['stack']) => ({ Ref: logicalId(s.storage.table) })],
  ])('outputs %s', (outputId, expectedValue) => {
    // Arrange
    const { stack, template } = environment(envName);

    // Assert
    template.hasOutput(outputId, { Value: expectedValue(stack) });
  });

  it('outputs the upload limits of its config, for clients to choose each file\'s route by', () => {
    // Arrange
    const { config, template } = environment(envName);
    const { api } = config;

    // Assert
    template.hasOutput('MaxDirectUploadBytes', { Value: String(api.maxDirectUploadBytes) });
    template.hasOutput('MaxPresignedUploadBytes', { Value: String(api.maxPresignedUploadBytes) });
  });

  it('synthesizes without CDK warnings or errors', () => {
    // Arrange
    const { stack } = environment(envName);
    const annotations = Annotations.fromStack(stack);

    // Assert
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });
});
