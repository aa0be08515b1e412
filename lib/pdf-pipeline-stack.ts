import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { GATEWAY_RESPONSES } from '../lambdas/api/errors.js';
import {
  API_SCOPES,
  API_STAGE_NAME,
  BINARY_MEDIA_TYPES,
  BUCKET_CORS,
  CORS_ALLOWED_HEADERS,
  CORS_MAX_AGE_SECONDS,
  RESOURCE_SERVER_IDENTIFIER,
  ROUTES,
} from '../lambdas/api/routes.js';
import { requestModelSchema } from '../lambdas/api/schemas.js';
import { ADMIN_GROUP, API_ENV, EXTRACT_ENV, KEY_PREFIXES, LANE_PREFIXES, LANES, NOTIFIED_PREFIXES, WEBHOOKS_ENV } from '../lambdas/shared/contract.js';
import { DOCUMENT_EVENT_TYPES } from '../lambdas/shared/document-events.js';
import {
  API_FUNCTIONS,
  apiEnvironment,
  apiWebhookEnvironment,
  deriveSettings,
  DOCUMENT_EVENTS_PUBLISHER,
  documentEventsEnvironment,
  extractionEnvironment,
  purgeEnvironment,
  SHARD_EVENT_SOURCE,
  sweepEnvironment,
  WEBHOOK_DELIVERY,
  webhookDeliveryEnvironment,
  type EnvironmentConfig,
} from './config.js';
import { DocumentEvents } from './constructs/document-events.js';
import { Api } from './constructs/api.js';
import { AuditTrail } from './constructs/audit-trail.js';
import { Auth } from './constructs/auth.js';
import { DocumentCleanup } from './constructs/document-cleanup.js';
import { Extraction } from './constructs/extraction.js';
import { Ingestion } from './constructs/ingestion.js';
import { Monitoring } from './constructs/monitoring.js';
import { SafeDeployment } from './constructs/safe-deployment.js';
import { Storage } from './constructs/storage.js';
import { WebSite } from './constructs/web-site.js';
import { Webhooks } from './constructs/webhooks.js';
import { acknowledgeNagFindings } from './nag-suppressions.js';
import { UPLOAD_LIMIT_OUTPUTS } from '../api-client/upload-route.js';

export interface PdfPipelineStackProps extends StackProps {
  /** The environment's settings; every per-environment difference comes from here. */
  readonly config: EnvironmentConfig;
}

/**
 * One environment of pdf-pipeline: PDFs land in the bucket, their `ObjectCreated` events queue
 * up, and the extractor records each document's content in the table.
 *
 * The constructs only build their own resources; this stack connects them and grants access.
 */
export class PdfPipelineStack extends Stack {
  /** Document bucket, its access logs and the document table. */
  public readonly storage: Storage;
  /** Object-created notifications and each priority lane's extraction queue and dead-letter queue. */
  public readonly ingestion: Ingestion;
  /** The extractor function and its event source per lane. */
  public readonly extraction: Extraction;
  /** Document Completed/Failed events, from the table's change stream to EventBridge. */
  public readonly documentEvents: DocumentEvents;
  /** Alarms, their SNS topic and the dashboard. */
  public readonly monitoring: Monitoring;
  /** The user pool, the API's scopes and the app client. */
  public readonly auth: Auth;
  /** Purges of deleted documents and the sweeper of abandoned uploads. */
  public readonly cleanup: DocumentCleanup;
  /** The REST API, its function and authorizer. */
  public readonly api: Api;
  /** The append-only audit table of API actions. */
  public readonly auditTrail: AuditTrail;
  /** CodeDeploy deployment groups that shift the extractor and the API function to new versions. */
  public readonly deployment: SafeDeployment;
  /** The web uploader on CloudFront, where `web.enabled`. */
  public readonly webSite?: WebSite;
  /** Signed webhooks: the rule from the document events, the delivery queue and function. */
  public readonly webhooks: Webhooks;

  constructor(scope: Construct, id: string, props: PdfPipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const derived = deriveSettings(config);
    const removalPolicy = config.storage.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // Storage: document bucket, access logs and the document table.
    this.storage = new Storage(this, 'Storage', {
      removalPolicy,
      noncurrentVersionExpiration: Duration.days(config.storage.noncurrentVersionExpirationDays),
      documentExpiration: Duration.days(config.retention.documentDays),
      expiringPrefixes: [...NOTIFIED_PREFIXES, KEY_PREFIXES.results],
      abortIncompleteMultipartUploadAfter: Duration.days(config.storage.abortIncompleteMultipartUploadDays),
      accessLogRetention: Duration.days(config.storage.accessLogRetentionDays),
      tableStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    const { bucket, table } = this.storage;

    // Ingestion: uploads and drop-folder objects queue up, each on its lane's queue; `results/` never does.
    this.ingestion = new Ingestion(this, 'Ingestion', {
      bucket,
      lanePrefixes: LANE_PREFIXES,
      visibilityTimeout: Duration.seconds(derived.queueVisibilityTimeoutSeconds),
      retentionPeriod: Duration.days(config.queue.retentionDays),
      maxReceiveCount: config.queue.maxReceiveCount,
      deadLetterRetentionPeriod: Duration.days(config.queue.deadLetterRetentionDays),
      // Where data outlives the stack, so do the messages an operator has yet to redrive.
      deadLetterRemovalPolicy: removalPolicy,
    });

    // Extraction: consumes every lane's queue, told where the bucket and table are.
    const { lanes } = this.ingestion;
    this.extraction = new Extraction(this, 'Extraction', {
      lanes: {
        interactive: {
          queue: lanes.interactive.queue,
          maxConcurrency: config.extraction.lanes.interactive.maxConcurrency,
          shardQueue: lanes.interactive.shardQueue,
          shardMaxConcurrency: config.extraction.sharding.maxConcurrency.interactive,
        },
        bulk: {
          queue: lanes.bulk.queue,
          maxConcurrency: config.extraction.lanes.bulk.maxConcurrency,
          shardQueue: lanes.bulk.shardQueue,
          shardMaxConcurrency: config.extraction.sharding.maxConcurrency.bulk,
        },
      },
      memorySize: config.extraction.memoryMb,
      timeout: Duration.seconds(config.extraction.timeoutSeconds),
      reservedConcurrency: config.extraction.reservedConcurrency,
      batchSize: config.extraction.batchSize,
      shardBatchSize: SHARD_EVENT_SOURCE.batchSize,
      maxBatchingWindow: Duration.seconds(config.extraction.maxBatchingWindowSeconds),
      logRetention: toRetentionDays(config.observability.logRetentionDays),
      logRemovalPolicy: removalPolicy,
      ocrLanguages: config.ocr.engine === 'tesseract' ? config.ocr.languages : undefined,
      environment: {
        ...extractionEnvironment(config),
        [EXTRACT_ENV.tableName]: table.tableName,
        [EXTRACT_ENV.bucketName]: bucket.bucketName,
        [EXTRACT_ENV.interactiveShardQueueUrl]: lanes.interactive.shardQueue.queueUrl,
        [EXTRACT_ENV.bulkShardQueueUrl]: lanes.bulk.shardQueue.queueUrl,
      },
    });

    // Grants: the extractor records documents, reads original object versions, lists the bucket
    // (so a vanished object reads as 404, not 403) and writes spilled results under `results/` only.
    const extractor = this.extraction.extractor.function;
    table.grantReadWriteData(extractor);
    extractor.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: NOTIFIED_PREFIXES.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
    extractor.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    // An identical upload is completed with server-side copies of an earlier document's results.
    if (config.usage.reuseIdenticalDocuments) {
      extractor.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${KEY_PREFIXES.results}*`)] }),
      );
    }
    // A long document's page-range shards go on its lane's shard queue.
    for (const lane of LANES) lanes[lane].shardQueue.grantSendMessages(extractor);
    extractor.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${KEY_PREFIXES.results}*`)],
      }),
    );
    // OCR with Amazon Textract: the page goes as bytes, so no bucket access is involved. The
    // action has no resource-level permissions: it is granted on "*" (acknowledged in nag-suppressions.ts).
    if (config.ocr.engine === 'textract') {
      extractor.addToRolePolicy(new iam.PolicyStatement({ actions: ['textract:DetectDocumentText'], resources: ['*'] }));
    }

    // Document events: terminal changes in the table become EventBridge events.
    this.documentEvents = new DocumentEvents(this, 'DocumentEvents', {
      table,
      eventBusName: config.events.busName,
      maxRecordAge: Duration.hours(config.events.maxRecordAgeHours),
      batchSize: DOCUMENT_EVENTS_PUBLISHER.batchSize,
      retryAttempts: DOCUMENT_EVENTS_PUBLISHER.retryAttempts,
      memorySize: DOCUMENT_EVENTS_PUBLISHER.memoryMb,
      timeout: Duration.seconds(DOCUMENT_EVENTS_PUBLISHER.timeoutSeconds),
      logRetention: toRetentionDays(config.observability.logRetentionDays),
      removalPolicy,
      environment: documentEventsEnvironment(config),
    });

    // Web uploader: its site comes first, because the API's CORS and the app client's callback
    // and sign-out URLs must name its URL, which exists only once CloudFront names the
    // distribution (so it is added here rather than written in the config).
    if (config.web.enabled) {
      this.webSite = new WebSite(this, 'WebSite', {
        serverAccessLogsBucket: this.storage.accessLogBucket,
        accessLogRetention: Duration.days(config.storage.accessLogRetentionDays),
        logRemovalPolicy: removalPolicy,
      });
    }
    const site = this.webSite;
    const browserOrigins = [...config.api.allowedOrigins, ...(site ? [site.url] : [])];

    // Auth: the user pool (or an existing one), the API's scopes and the app client.
    this.auth = new Auth(this, 'Auth', {
      resourceServerIdentifier: RESOURCE_SERVER_IDENTIFIER,
      scopes: {
        [API_SCOPES.read]: 'Read your documents, their pages and originals',
        [API_SCOPES.write]: 'Upload and delete your documents',
      },
      existingUserPoolId: config.auth.existingUserPoolId,
      adminGroupName: ADMIN_GROUP,
      domainPrefix:
        config.auth.domainPrefix ?? (config.auth.existingUserPoolId ? undefined : `pdf-pipeline-${config.envName}-${this.account}`),
      callbackUrls: [...config.auth.callbackUrls, ...(site ? [site.callbackUrl] : [])],
      logoutUrls: [...config.auth.logoutUrls, ...(site ? [site.callbackUrl] : [])],
      mfa: config.auth.mfa === 'REQUIRED' ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      accessTokenValidity: Duration.minutes(config.auth.accessTokenValidityMinutes),
      removalPolicy,
    });

    // Cleanup: purges of deleted documents, and the sweeper of abandoned uploads and lost purges.
    const documentLocation = { [API_ENV.tableName]: table.tableName, [API_ENV.bucketName]: bucket.bucketName };
    this.cleanup = new DocumentCleanup(this, 'Cleanup', {
      sweepInterval: Duration.minutes(config.api.sweepIntervalMinutes),
      purge: {
        memorySize: API_FUNCTIONS.purge.memoryMb,
        timeout: Duration.seconds(API_FUNCTIONS.purge.timeoutSeconds),
        batchSize: API_FUNCTIONS.purge.batchSize,
        maxConcurrency: API_FUNCTIONS.purge.maxConcurrency,
        maxReceiveCount: API_FUNCTIONS.purge.maxReceiveCount,
        retentionPeriod: Duration.days(API_FUNCTIONS.purge.retentionDays),
        deadLetterRetentionPeriod: Duration.days(API_FUNCTIONS.purge.deadLetterRetentionDays),
      },
      sweeper: {
        memorySize: API_FUNCTIONS.sweeper.memoryMb,
        timeout: Duration.seconds(API_FUNCTIONS.sweeper.timeoutSeconds),
      },
      purgeEnvironment: { ...purgeEnvironment(config), ...documentLocation },
      sweepEnvironment: { ...sweepEnvironment(config), ...documentLocation },
      logRetention: toRetentionDays(config.observability.logRetentionDays),
      removalPolicy,
    });

    // Webhooks: the document events to the delivery queue and function (its API URL is added
    // once the API exists, below).
    this.webhooks = new Webhooks(this, 'Webhooks', {
      bus: this.documentEvents.bus,
      eventSource: derived.documentEventSource,
      detailTypes: Object.values(DOCUMENT_EVENT_TYPES),
      memorySize: WEBHOOK_DELIVERY.memoryMb,
      timeout: Duration.seconds(WEBHOOK_DELIVERY.timeoutSeconds(config)),
      batchSize: WEBHOOK_DELIVERY.batchSize,
      maxReceiveCount: config.webhooks.maxAttempts + WEBHOOK_DELIVERY.extraReceives,
      retentionPeriod: Duration.days(WEBHOOK_DELIVERY.retentionDays),
      deadLetterRetentionPeriod: Duration.days(WEBHOOK_DELIVERY.deadLetterRetentionDays),
      logRetention: toRetentionDays(config.observability.logRetentionDays),
      removalPolicy,
      environment: webhookDeliveryEnvironment(config),
    });
    this.webhooks.deliverer.function.addEnvironment(WEBHOOKS_ENV.tableName, table.tableName);
    this.webhooks.deliverer.function.addEnvironment(WEBHOOKS_ENV.queueUrl, this.webhooks.queue.queueUrl);
    // Subscriptions, deliveries and their log live in the document table.
    table.grantReadWriteData(this.webhooks.deliverer.function);

    // Audit trail: API actions and admin reads of other owners' data, kept audit.retentionDays.
    this.auditTrail = new AuditTrail(this, 'AuditTrail', { removalPolicy });

    // API: the REST API, its function and authorizer, all from the shared route table.
    this.api = new Api(this, 'Api', {
      routes: ROUTES,
      requestModels: {
        CreateUploadRequest: requestModelSchema('CreateUploadRequest'),
        CreateWebhookRequest: requestModelSchema('CreateWebhookRequest'),
      },
      gatewayResponses: GATEWAY_RESPONSES,
      binaryMediaTypes: BINARY_MEDIA_TYPES,
      stageName: API_STAGE_NAME,
      userPool: this.auth.userPool,
      authorizationScopes: this.auth.fullScopes,
      allowedOrigins: browserOrigins,
      corsAllowedHeaders: CORS_ALLOWED_HEADERS,
      corsMaxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
      throttlingRateLimit: config.api.throttle.rateLimit,
      throttlingBurstLimit: config.api.throttle.burstLimit,
      apiKeys: config.api.apiKeys,
      accessLogRetention: toRetentionDays(config.api.accessLogRetentionDays),
      executionLogLevel:
        config.api.executionLogLevel === 'INFO' ? apigateway.MethodLoggingLevel.INFO : apigateway.MethodLoggingLevel.ERROR,
      memorySize: config.api.memoryMb,
      timeout: Duration.seconds(API_FUNCTIONS.api.timeoutSeconds),
      logRetention: toRetentionDays(config.observability.logRetentionDays),
      logRemovalPolicy: removalPolicy,
      environment: {
        ...apiEnvironment(config),
        ...documentLocation,
        [API_ENV.allowedOrigins]: browserOrigins.join(','),
        [API_ENV.queueUrl]: lanes.interactive.queue.queueUrl,
        [API_ENV.deadLetterQueueUrl]: lanes.interactive.deadLetterQueue.queueUrl,
        [API_ENV.bulkQueueUrl]: lanes.bulk.queue.queueUrl,
        [API_ENV.bulkDeadLetterQueueUrl]: lanes.bulk.deadLetterQueue.queueUrl,
        [API_ENV.purgeQueueUrl]: this.cleanup.purgeQueue.queueUrl,
        [API_ENV.auditTableName]: this.auditTrail.table.tableName,
        ...apiWebhookEnvironment(config),
        [API_ENV.webhookQueueUrl]: this.webhooks.queue.queueUrl,
      },
    });
    // Payloads link to the document in this API.
    this.webhooks.deliverer.function.addEnvironment(WEBHOOKS_ENV.apiUrl, this.api.url);

    // Browser uploads: presigned POSTs (and redirected downloads) from the configured origins.
    if (browserOrigins.length > 0) {
      bucket.addCorsRule({
        allowedOrigins: browserOrigins,
        allowedMethods: BUCKET_CORS.methods.map((method) => s3.HttpMethods[method]),
        allowedHeaders: ['*'],
        exposedHeaders: [...BUCKET_CORS.exposedHeaders],
        maxAge: CORS_MAX_AGE_SECONDS,
      });
    }

    // The page itself, told where the API is and how to sign in, now that both exist.
    if (site) {
      if (!this.auth.domain) throw new Error('The web uploader signs in through a Cognito domain: set auth.domainPrefix');
      site.deployPage({
        apiUrl: this.api.url,
        maxDirectUploadBytes: config.api.maxDirectUploadBytes,
        maxUploadBytes: config.api.maxPresignedUploadBytes,
        cognitoDomain: this.auth.domain.baseUrl(),
        clientId: this.auth.appClient.userPoolClientId,
        scopes: this.auth.fullScopes,
      });
    }

    // Grants for the API: records and counters in the table; uploads written only under
    // `uploads/` and `bulk-uploads/`; originals and spilled results read; each lane's queue
    // checked by health and sent reprocess notifications; dead-letter depths read; purge requests sent.
    const uploadPrefixes = [KEY_PREFIXES.uploads, KEY_PREFIXES.bulkUploads];
    const apiFunction = this.api.handler.function;
    table.grantReadWriteData(apiFunction);
    apiFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: uploadPrefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)) }),
    );
    apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [...NOTIFIED_PREFIXES, KEY_PREFIXES.results].map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
    apiFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    for (const lane of LANES) {
      const { queue, deadLetterQueue } = lanes[lane];
      queue.grant(apiFunction, 'sqs:GetQueueAttributes');
      queue.grantSendMessages(apiFunction);
      deadLetterQueue.grant(apiFunction, 'sqs:GetQueueAttributes');
      // The admin redrive: a message move task from the DLQ back to its queue, as SQS requires it
      // (the move itself runs with the caller's permissions on both queues).
      deadLetterQueue.grant(
        apiFunction,
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
      );
    }
    this.cleanup.purgeQueue.grantSendMessages(apiFunction);
    // Webhook tests and redeliveries are queued for the delivery function.
    this.webhooks.queue.grantSendMessages(apiFunction);
    this.auditTrail.grantAppendAndQuery(apiFunction);

    // Grants for the purge and the sweeper: records, pages and tasks in the table; every version
    // of originals and spilled results deleted; the sweeper also checks whether an upload arrived.
    for (const cleaner of [this.cleanup.purger.function, this.cleanup.sweeper.function]) {
      table.grantReadWriteData(cleaner);
      cleaner.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:ListBucketVersions'], resources: [bucket.bucketArn] }),
      );
      cleaner.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          resources: [...NOTIFIED_PREFIXES, KEY_PREFIXES.results].map((prefix) => bucket.arnForObjects(`${prefix}*`)),
        }),
      );
    }
    this.cleanup.sweeper.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: uploadPrefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)) }),
    );

    // Monitoring: alarms to one topic, and the dashboard, the API's included.
    this.monitoring = new Monitoring(this, 'Monitoring', {
      thresholds: config.observability.alarms,
      alarmEmail: config.observability.alarmEmail,
      metricsNamespace: derived.metricsNamespace,
      lanes,
      extractor,
      extractorTimeout: Duration.seconds(config.extraction.timeoutSeconds),
      extractorConcurrencyCap: derived.extractionConcurrencyCap,
      table,
      documentEvents: {
        publisher: this.documentEvents.publisher.function,
        failedEvents: this.documentEvents.failedEvents,
      },
      keyRemovalPolicy: removalPolicy,
      dashboardName: derived.stackName,
    });
    this.monitoring.monitorApi(this.api.restApi);
    this.monitoring.monitorWebhooks({ deliverer: this.webhooks.deliverer.function, deadLetterQueue: this.webhooks.deadLetterQueue });

    // Safe deploys: the extractor and the API function move to each new version as configured,
    // and back on their alarms (defined above, so this comes after Monitoring).
    const { alarms } = this.monitoring;
    this.deployment = new SafeDeployment(this, 'Deployment', {
      deploymentConfig: config.deployment.lambdaConfig,
      aliasErrorsPerMinute: config.deployment.aliasErrorsPerMinute,
      functions: [
        { name: 'Extractor', function: this.extraction.extractor, alarms: definedAlarms(alarms.ExtractionErrorRate, alarms.ExtractionThrottled) },
        { name: 'Api', function: this.api.handler, alarms: definedAlarms(alarms.ApiServerErrorRate) },
      ],
    });

    // Outputs: what deploy scripts and integration tests look up.
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: 'Document bucket' });
    new CfnOutput(this, 'QueueUrl', { value: lanes.interactive.queue.queueUrl, description: 'Extraction queue of the interactive lane' });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: lanes.interactive.deadLetterQueue.queueUrl,
      description: 'Extraction dead-letter queue of the interactive lane',
    });
    new CfnOutput(this, 'BulkQueueUrl', { value: lanes.bulk.queue.queueUrl, description: 'Extraction queue of the bulk lane' });
    new CfnOutput(this, 'BulkDeadLetterQueueUrl', {
      value: lanes.bulk.deadLetterQueue.queueUrl,
      description: 'Extraction dead-letter queue of the bulk lane',
    });
    new CfnOutput(this, 'ShardQueueUrl', { value: lanes.interactive.shardQueue.queueUrl, description: 'Shard queue of the interactive lane' });
    new CfnOutput(this, 'ShardDeadLetterQueueUrl', {
      value: lanes.interactive.shardDeadLetterQueue.queueUrl,
      description: 'Shard dead-letter queue of the interactive lane',
    });
    new CfnOutput(this, 'BulkShardQueueUrl', { value: lanes.bulk.shardQueue.queueUrl, description: 'Shard queue of the bulk lane' });
    new CfnOutput(this, 'BulkShardDeadLetterQueueUrl', {
      value: lanes.bulk.shardDeadLetterQueue.queueUrl,
      description: 'Shard dead-letter queue of the bulk lane',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'Document table' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the REST API (routes start with /v1)' });
    // Clients choose each file's upload route from the deployed limits, not from a checkout's config.
    new CfnOutput(this, UPLOAD_LIMIT_OUTPUTS.maxDirectUploadBytes, {
      value: String(config.api.maxDirectUploadBytes),
      description: 'Largest PDF POST /v1/documents takes in its body, in bytes',
    });
    new CfnOutput(this, UPLOAD_LIMIT_OUTPUTS.maxPresignedUploadBytes, {
      value: String(config.api.maxPresignedUploadBytes),
      description: 'Largest PDF a presigned POST from POST /v1/uploads takes, in bytes',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId, description: 'Cognito user pool of API users' });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.appClient.userPoolClientId, description: 'App client for sign-in' });
    if (this.auth.domain) {
      // `pdf-pipeline login` and browser apps send users here to sign in (hosted UI, /oauth2/*).
      new CfnOutput(this, 'AuthUrl', { value: this.auth.domain.baseUrl(), description: 'Cognito sign-in and token endpoint domain' });
    }
    if (site) new CfnOutput(this, 'WebUrl', { value: site.url, description: 'The web uploader (sign in with a user of the pool)' });
    if (this.api.usagePlan) {
      new CfnOutput(this, 'UsagePlanId', { value: this.api.usagePlan.usagePlanId, description: 'Usage plan API keys join' });
    }
    new CfnOutput(this, 'EventBusName', { value: this.documentEvents.bus.eventBusName, description: 'Bus of the document events' });
    new CfnOutput(this, 'FailedEventsQueueUrl', {
      value: this.documentEvents.failedEvents.queueUrl,
      description: 'Table-change batches given up without their document events',
    });
    new CfnOutput(this, 'WebhookQueueUrl', { value: this.webhooks.queue.queueUrl, description: 'Webhook deliveries: document events and delivery tasks' });
    new CfnOutput(this, 'WebhookDeadLetterQueueUrl', {
      value: this.webhooks.deadLetterQueue.queueUrl,
      description: 'Webhook messages that kept failing for reasons other than the receiver',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'Every alarm notifies this topic' });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName, description: 'CloudWatch dashboard' });

    acknowledgeNagFindings(this, { textract: config.ocr.engine === 'textract' });
  }
}

/** The alarms that exist, so a deployment group never names one Monitoring did not create. */
function definedAlarms(...alarms: (IAlarm | undefined)[]): IAlarm[] {
  return alarms.filter((alarm): alarm is IAlarm => alarm !== undefined);
}

/** CloudWatch Logs accepts only certain retention periods; a config typo fails here, not at deploy. */
function toRetentionDays(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((value): value is RetentionDays => typeof value === 'number');
  const match = allowed.find((value) => value === days);
  if (match === undefined) {
    throw new Error(`observability.logRetentionDays ${days} is not a CloudWatch Logs retention period`);
  }
  return match;
}
