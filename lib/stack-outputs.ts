/** The stack's outputs: what deploy scripts, the CLI and integration tests look up. */
import { CfnOutput } from 'aws-cdk-lib';
import { UPLOAD_LIMIT_OUTPUTS } from '../api-client/upload-route.js';
import { LANES, type Lane } from '../lambdas/shared/contract.js';
import type { EnvironmentConfig } from './config.js';
import { laneIdPrefix, type LaneQueues } from './constructs/ingestion.js';
import type { PdfPipelineStack } from './pdf-pipeline-stack.js';

export function addStackOutputs(stack: PdfPipelineStack, config: EnvironmentConfig): void {
  const { bucket, table } = stack.storage;
  const { lanes } = stack.ingestion;
  new CfnOutput(stack, 'BucketName', { value: bucket.bucketName, description: 'Document bucket' });
  addLaneQueueOutputs(stack, lanes);
  new CfnOutput(stack, 'TableName', { value: table.tableName, description: 'Document table' });
  new CfnOutput(stack, 'ApiUrl', { value: stack.api.url, description: 'Base URL of the REST API (routes start with /v1)' });
  // Clients choose each file's upload route from the deployed limits, not from a checkout's config.
  new CfnOutput(stack, UPLOAD_LIMIT_OUTPUTS.maxDirectUploadBytes, {
    value: String(config.api.maxDirectUploadBytes),
    description: 'Largest PDF POST /v1/documents takes in its body, in bytes',
  });
  new CfnOutput(stack, UPLOAD_LIMIT_OUTPUTS.maxPresignedUploadBytes, {
    value: String(config.api.maxPresignedUploadBytes),
    description: 'Largest PDF a presigned POST from POST /v1/uploads takes, in bytes',
  });
  new CfnOutput(stack, 'UserPoolId', { value: stack.auth.userPool.userPoolId, description: 'Cognito user pool of API users' });
  new CfnOutput(stack, 'UserPoolClientId', { value: stack.auth.appClient.userPoolClientId, description: 'App client for sign-in' });
  if (stack.auth.domain) {
    // `pdf-pipeline login` and browser apps send users here to sign in (hosted UI, /oauth2/*).
    new CfnOutput(stack, 'AuthUrl', { value: stack.auth.domain.baseUrl(), description: 'Cognito sign-in and token endpoint domain' });
  }
  if (stack.webSite) new CfnOutput(stack, 'WebUrl', { value: stack.webSite.url, description: 'The web uploader (sign in with a user of the pool)' });
  if (stack.api.usagePlan) {
    new CfnOutput(stack, 'UsagePlanId', { value: stack.api.usagePlan.usagePlanId, description: 'Usage plan API keys join' });
  }
  new CfnOutput(stack, 'EventBusName', { value: stack.documentEvents.bus.eventBusName, description: 'Bus of the document events' });
  new CfnOutput(stack, 'FailedEventsQueueUrl', {
    value: stack.documentEvents.failedEvents.queueUrl,
    description: 'Table-change batches given up without their document events',
  });
  new CfnOutput(stack, 'WebhookQueueUrl', { value: stack.webhooks.queue.queueUrl, description: 'Webhook deliveries: document events and delivery tasks' });
  new CfnOutput(stack, 'WebhookDeadLetterQueueUrl', {
    value: stack.webhooks.deadLetterQueue.queueUrl,
    description: 'Webhook messages that kept failing for reasons other than the receiver',
  });
  new CfnOutput(stack, 'AlarmTopicArn', { value: stack.monitoring.topic.topicArn, description: 'Every alarm notifies this topic' });
  new CfnOutput(stack, 'DashboardName', { value: stack.monitoring.dashboard.dashboardName, description: 'CloudWatch dashboard' });
}

/**
 * Each lane's extraction and shard queues and their dead-letter queues, named by the queues' own
 * id rule (`laneIdPrefix`): `QueueUrl`, `ShardDeadLetterQueueUrl`, …, `BulkShardDeadLetterQueueUrl`.
 */
function addLaneQueueOutputs(stack: PdfPipelineStack, lanes: Readonly<Record<Lane, LaneQueues>>): void {
  const kinds = [
    { id: '', label: 'Extraction', queues: (of: LaneQueues) => [of.queue, of.deadLetterQueue] as const },
    { id: 'Shard', label: 'Shard', queues: (of: LaneQueues) => [of.shardQueue, of.shardDeadLetterQueue] as const },
  ];
  for (const { id, label, queues } of kinds) {
    for (const lane of LANES) {
      const prefix = `${laneIdPrefix(lane)}${id}`;
      const [queue, deadLetterQueue] = queues(lanes[lane]);
      new CfnOutput(stack, `${prefix}QueueUrl`, { value: queue.queueUrl, description: `${label} queue of the ${lane} lane` });
      new CfnOutput(stack, `${prefix}DeadLetterQueueUrl`, { value: deadLetterQueue.queueUrl, description: `${label} dead-letter queue of the ${lane} lane` });
    }
  }
}
