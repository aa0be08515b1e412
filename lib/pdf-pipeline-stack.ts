import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_ENV, API_FUNCTION, apiEnvironment, apiWebhookEnvironment } from '../lambdas/api/contract.js';
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
import { DOCUMENT_EVENTS_FUNCTION, documentEventsEnvironment } from '../lambdas/document-events/contract.js';
import { extractionEnvironment, SHARD_EVENT_SOURCE } from '../lambdas/extract/contract.js';
import { PURGE_FUNCTION, purgeEnvironment } from '../lambdas/purge/contract.js';
import { ADMIN_GROUP, KEY_PREFIXES, LANE_PREFIXES, LANES, NOTIFIED_PREFIXES } from '../lambdas/shared/contract.js';
import { DOCUMENT_EVENT_TYPES } from '../lambdas/shared/document-events.js';
import { SWEEP_FUNCTION, sweepEnvironment } from '../lambdas/sweep/contract.js';
import { WEBHOOK_DELIVERY, webhookDeliveryEnvironment, WEBHOOKS_ENV } from '../lambdas/webhooks/contract.js';
import { deriveSettings, type EnvironmentConfig } from './config.js';
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
import { addStackOutputs } from './stack-outputs.js';

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
      markdownTokenizer: config.markdown.enabled ? config.markdown.tokenizer : undefined,
      environment: extractionEnvironment(config, {
        tableName: table.tableName,
        bucketName: bucket.bucketName,
        shardQueueUrls: { interactive: lanes.interactive.shardQueue.queueUrl, bulk: lanes.bulk.shardQueue.queueUrl },
      }),
    });

    // Grants: the extractor records documents, reads originals (and, where identical uploads
    // are reused, earlier results), writes spilled results, sends a long document's shards to its
    // lane's shard queue and, with that engine, asks Textract.
    this.extraction.grantDocumentAccess({
      bucket,
      table,
      shardQueues: LANES.map((lane) => lanes[lane].shardQueue),
      readsResults: config.usage.reuseIdenticalDocuments || config.markdown.enabled,
      textract: config.ocr.engine === 'textract',
    });

    // Document events: terminal changes in the table become EventBridge events.
    this.documentEvents = new DocumentEvents(this, 'DocumentEvents', {
      table,
      eventBusName: config.events.busName,
      maxRecordAge: Duration.hours(config.events.maxRecordAgeHours),
      batchSize: DOCUMENT_EVENTS_FUNCTION.batchSize,
      retryAttempts: DOCUMENT_EVENTS_FUNCTION.retryAttempts,
      memorySize: DOCUMENT_EVENTS_FUNCTION.memoryMb,
      timeout: Duration.seconds(DOCUMENT_EVENTS_FUNCTION.timeoutSeconds),
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
    const documentLocation = { tableName: table.tableName, bucketName: bucket.bucketName };
    this.cleanup = new DocumentCleanup(this, 'Cleanup', {
      sweepInterval: Duration.minutes(config.api.sweepIntervalMinutes),
      purge: {
        memorySize: PURGE_FUNCTION.memoryMb,
        timeout: Duration.seconds(PURGE_FUNCTION.timeoutSeconds),
        batchSize: PURGE_FUNCTION.batchSize,
        maxConcurrency: PURGE_FUNCTION.maxConcurrency,
        maxReceiveCount: PURGE_FUNCTION.maxReceiveCount,
        retentionPeriod: Duration.days(PURGE_FUNCTION.retentionDays),
        deadLetterRetentionPeriod: Duration.days(PURGE_FUNCTION.deadLetterRetentionDays),
      },
      sweeper: {
        memorySize: SWEEP_FUNCTION.memoryMb,
        timeout: Duration.seconds(SWEEP_FUNCTION.timeoutSeconds),
      },
      purgeEnvironment: purgeEnvironment(config, documentLocation),
      sweepEnvironment: sweepEnvironment(config, documentLocation),
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
      timeout: Duration.seconds(API_FUNCTION.timeoutSeconds),
      logRetention: toRetentionDays(config.observability.logRetentionDays),
      logRemovalPolicy: removalPolicy,
      environment: {
        ...apiEnvironment(config),
        [API_ENV.tableName]: table.tableName,
        [API_ENV.bucketName]: bucket.bucketName,
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

    // Grants for the API: documents, uploads, lane queues and their dead letters, purge requests,
    // webhook tasks and the audit trail.
    this.api.grantPipelineAccess({
      bucket,
      table,
      lanes: LANES.map((lane) => lanes[lane]),
      purgeQueue: this.cleanup.purgeQueue,
      webhookQueue: this.webhooks.queue,
      auditTrail: this.auditTrail,
    });
    // Grants for the purge and the sweeper: records, pages and tasks; every version of originals
    // and spilled results deleted; the sweeper also checks whether an upload arrived.
    this.cleanup.grantDocumentCleanup(bucket, table);

    // Monitoring: alarms to one topic, and the dashboard, the API's included.
    this.monitoring = new Monitoring(this, 'Monitoring', {
      thresholds: config.observability.alarms,
      alarmEmail: config.observability.alarmEmail,
      metricsNamespace: derived.metricsNamespace,
      lanes,
      extractor: this.extraction.extractor.function,
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
    this.monitoring.monitorCleanup({
      purger: this.cleanup.purger.function,
      purgeDeadLetterQueue: this.cleanup.purgeDeadLetterQueue,
      sweeper: this.cleanup.sweeper.function,
      sweepInterval: Duration.minutes(config.api.sweepIntervalMinutes),
    });

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
    addStackOutputs(this, config);

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
