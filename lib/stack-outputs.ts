/** The stack's outputs: what deploy scripts, the CLI and integration tests look up. */
import { CfnOutput } from 'aws-cdk-lib';
import { UPLOAD_LIMIT_OUTPUTS } from '../api-client/upload-route.js';
import type { EnvironmentConfig } from './config.js';
import type { PdfPipelineStack } from './pdf-pipeline-stack.js';

export function addStackOutputs(stack: PdfPipelineStack, config: EnvironmentConfig): void {
  const { bucket, table } = stack.storage;
  const { lanes } = stack.ingestion;
  new CfnOutput(stack, 'BucketName', { value: bucket.bucketName, description: 'Document bucket' });
  new CfnOutput(stack, 'QueueUrl', { value: lanes.interactive.queue.queueUrl, description: 'Extraction queue of the interactive lane' });
  new CfnOutput(stack, 'DeadLetterQueueUrl', {
    value: lanes.interactive.deadLetterQueue.queueUrl,
    description: 'Extraction dead-letter queue of the interactive lane',
  });
  new CfnOutput(stack, 'BulkQueueUrl', { value: lanes.bulk.queue.queueUrl, description: 'Extraction queue of the bulk lane' });
  new CfnOutput(stack, 'BulkDeadLetterQueueUrl', {
    value: lanes.bulk.deadLetterQueue.queueUrl,
    description: 'Extraction dead-letter queue of the bulk lane',
  });
  new CfnOutput(stack, 'ShardQueueUrl', { value: lanes.interactive.shardQueue.queueUrl, description: 'Shard queue of the interactive lane' });
  new CfnOutput(stack, 'ShardDeadLetterQueueUrl', {
    value: lanes.interactive.shardDeadLetterQueue.queueUrl,
    description: 'Shard dead-letter queue of the interactive lane',
  });
  new CfnOutput(stack, 'BulkShardQueueUrl', { value: lanes.bulk.shardQueue.queueUrl, description: 'Shard queue of the bulk lane' });
  new CfnOutput(stack, 'BulkShardDeadLetterQueueUrl', {
    value: lanes.bulk.shardDeadLetterQueue.queueUrl,
    description: 'Shard dead-letter queue of the bulk lane',
  });
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
