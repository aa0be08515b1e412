import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { AuditRepository } from '../shared/audit-repository.js';
import { dynamoDbClient, s3Client, sqsClient } from '../shared/clients.js';
import { DocumentListing } from '../shared/document-listing.js';
import { DocumentStore } from '../shared/document-store.js';
import { IdempotencyStore } from '../shared/idempotency-store.js';
import { PageStore } from '../shared/page-store.js';
import { priceTableFor } from '../shared/prices.js';
import { UsageStore } from '../shared/usage-store.js';
import { logger, metrics } from '../shared/powertools.js';
import { UploadQuotaStore } from '../shared/upload-quota-store.js';
import { WebhookStore } from '../shared/webhook-store.js';
import type { ApiDependencies } from './dependencies.js';
import { ApiObjects } from './object-access.js';
import { routeEvent } from './router.js';
import { loadApiSettings } from './contract.js';

const settings = loadApiSettings();

const dependencies: ApiDependencies = {
  settings,
  documents: new DocumentStore(dynamoDbClient, settings.tableName, { documentRetentionSeconds: settings.documentRetentionSeconds }),
  pages: new PageStore(dynamoDbClient, settings.tableName),
  listing: new DocumentListing(dynamoDbClient, settings.tableName),
  idempotency: new IdempotencyStore(dynamoDbClient, settings.tableName),
  quotas: new UploadQuotaStore(dynamoDbClient, settings.tableName),
  audit: new AuditRepository(dynamoDbClient, settings.auditTableName, settings.auditRetentionDays),
  webhooks: new WebhookStore(dynamoDbClient, settings.tableName, settings.webhooks.deliveryRetentionSeconds),
  objects: new ApiObjects(s3Client),
  usage: new UsageStore(dynamoDbClient, settings.tableName),
  // Lambda sets AWS_REGION, and so does the local runtime.
  prices: priceTableFor(process.env.AWS_REGION ?? ''),
  sqs: sqsClient,
  now: () => new Date(),
  newId: () => randomUUID(),
};

/** Every route of the REST API (Lambda proxy integration); the route table picks the operation. */
export const handler = middy(
  (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => routeEvent(event, dependencies),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
