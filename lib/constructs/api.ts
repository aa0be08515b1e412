import { Aws, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { GatewayResponseDefinition } from '../../lambdas/api/errors.js';
import type { RequestModelName, RouteDefinition } from '../../lambdas/api/routes.js';
import { KEY_PREFIXES, NOTIFIED_PREFIXES } from '../../lambdas/shared/contract.js';
import type { AuditTrail } from './audit-trail.js';
import { API_FUNCTION } from '../../lambdas/api/contract.js';
import { NodeFunction } from './node-function.js';

export interface ApiProps {
  /** The routes, from the shared route table; every one is served by the API function. */
  readonly routes: readonly RouteDefinition[];
  /** JSON Schemas (draft 4) of the request bodies the gateway validates, by model name. */
  readonly requestModels: Readonly<Record<RequestModelName, Record<string, unknown>>>;
  /** The gateway's own error answers, rendered in the API's error shape. */
  readonly gatewayResponses: readonly GatewayResponseDefinition[];
  /** Content types passed to the function base64-encoded. */
  readonly binaryMediaTypes: readonly string[];
  /** Name of the stage; the API's URL ends with it. */
  readonly stageName: string;
  /** The user pool whose access tokens the authorizer accepts. */
  readonly userPool: cognito.IUserPool;
  /** Scopes the authorizer accepts, any one of them (the handler then checks the route's own). */
  readonly authorizationScopes: readonly string[];
  /** Origins allowed to call the API from a browser; none turns CORS off. */
  readonly allowedOrigins: readonly string[];
  /** Request headers a browser may send cross-origin. */
  readonly corsAllowedHeaders: readonly string[];
  /** How long a browser may cache a preflight answer. */
  readonly corsMaxAge: Duration;
  /** Stage throttling: steady requests per second. */
  readonly throttlingRateLimit: number;
  /** Stage throttling: burst. */
  readonly throttlingBurstLimit: number;
  /**
   * API keys and a usage plan for machine clients; when set every authorized method needs a key.
   * @default - no keys
   */
  readonly apiKeys?: { readonly rateLimit: number; readonly burstLimit: number; readonly quotaPerDay: number };
  /** How long access logs are kept. */
  readonly accessLogRetention: logs.RetentionDays;
  /** Execution logging level of every method. */
  readonly executionLogLevel: apigateway.MethodLoggingLevel;
  /** Memory of the API function in MB. */
  readonly memorySize: number;
  /** Timeout of the API function; at most API Gateway's integration timeout (29 s). */
  readonly timeout: Duration;
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * What happens to the log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Environment of the API function. */
  readonly environment: Record<string, string>;
}

/**
 * The REST API in front of the pipeline: one resource and method per route of the shared route
 * table, all served by one function (a small router), behind a Cognito authorizer that accepts
 * access tokens with the API's scopes on every route but health.
 *
 * - Stage: throttling, X-Ray tracing, JSON access logs in a log group with retention, execution
 *   logs at the configured level. No `AWS::ApiGateway::Account`: the CloudWatch role API Gateway
 *   logs with is set once per account and region, not by every stack.
 * - Validation: required headers and JSON bodies (against models generated from the handlers'
 *   own schemas) are checked before the function runs.
 * - Errors: the gateway's own answers (401, 404 for unknown routes, 400, 413, 429 …) are in the
 *   API's one error shape, with CORS headers.
 */
export class Api extends Construct {
  public readonly restApi: apigateway.RestApi;
  /** The function behind every route. */
  public readonly handler: NodeFunction;
  public readonly accessLogGroup: logs.LogGroup;
  /** The API's URL with the stage and no trailing slash, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/api`. */
  public readonly url: string;
  /** The usage plan keys are attached to, when API keys are on. */
  public readonly usagePlan?: apigateway.UsagePlan;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const removalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;

    // Function: the router behind every route.
    this.handler = new NodeFunction(this, 'Handler', {
      entry: API_FUNCTION.entry,
      description: 'pdf-pipeline API: uploads, documents, pages, downloads and deletion',
      memorySize: props.memorySize,
      timeout: props.timeout,
      logRetention: props.logRetention,
      logRemovalPolicy: removalPolicy,
      environment: props.environment,
    });

    // API and stage: regional, throttled, traced, access-logged.
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: props.accessLogRetention, removalPolicy });
    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      restApiName: `${Stack.of(this).stackName}-api`,
      description: 'pdf-pipeline REST API',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      binaryMediaTypes: [...props.binaryMediaTypes],
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        throttlingRateLimit: props.throttlingRateLimit,
        throttlingBurstLimit: props.throttlingBurstLimit,
        loggingLevel: props.executionLogLevel,
        dataTraceEnabled: false,
        metricsEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = Fn.join('', ['https://', this.restApi.restApiId, '.execute-api.', Aws.REGION, '.', Aws.URL_SUFFIX, '/', props.stageName]);

    // Gateway responses: the gateway's own errors in the API's error shape, with CORS headers.
    const originHeader = corsOriginForGatewayResponses(props.allowedOrigins);
    for (const response of props.gatewayResponses) {
      const message = response.message === undefined ? '$context.error.messageString' : JSON.stringify(response.message);
      this.restApi.addGatewayResponse(`Response${response.type}`, {
        type: apigateway.ResponseType.of(response.type),
        statusCode: response.statusCode === undefined ? undefined : String(response.statusCode),
        responseHeaders: {
          ...(originHeader ? { 'Access-Control-Allow-Origin': originHeader, Vary: "'Origin'" } : {}),
          ...Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, value]) => [name, `'${value}'`])),
        },
        templates: { 'application/json': `{"error":{"code":${JSON.stringify(response.code)},"message":${message}}}` },
      });
    }

    // Validation and models: headers on every route, JSON bodies against the handlers' schemas.
    const parametersValidator = this.restApi.addRequestValidator('ParametersValidator', { validateRequestParameters: true });
    const bodyValidator = this.restApi.addRequestValidator('BodyValidator', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const models = Object.fromEntries(
      Object.entries(props.requestModels).map(([name, schema]) => [
        name,
        this.restApi.addModel(`${name}Model`, {
          contentType: 'application/json',
          modelName: name,
          schema: schema as apigateway.JsonSchema,
        }),
      ]),
    ) as Record<RequestModelName, apigateway.Model>;

    // Authorizer: Cognito access tokens that carry one of the API's scopes.
    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: apigateway.IdentitySource.header('Authorization'),
    });

    // Routes: one method per route, all proxied to the function.
    // The `live` alias, so a deployment group shifts requests between versions.
    const integration = new apigateway.LambdaIntegration(this.handler.alias, { proxy: true, allowTestInvoke: false });
    const corsResources = new Set<apigateway.Resource>();
    for (const route of props.routes) {
      const resource = this.restApi.root.resourceForPath(route.path);
      corsResources.add(resource);
      const secured = route.scope !== undefined;
      resource.addMethod(route.method, integration, {
        operationName: route.operationId,
        authorizationType: secured ? apigateway.AuthorizationType.COGNITO : apigateway.AuthorizationType.NONE,
        authorizer: secured ? authorizer : undefined,
        authorizationScopes: secured ? [...props.authorizationScopes] : undefined,
        apiKeyRequired: secured && props.apiKeys !== undefined,
        requestValidator: route.requestModel ? bodyValidator : parametersValidator,
        requestModels: route.requestModel ? { 'application/json': models[route.requestModel] } : undefined,
        requestParameters: requestParameters(route),
      });
    }

    // CORS preflights, answered by the gateway itself for the configured origins.
    if (props.allowedOrigins.length > 0) {
      for (const resource of corsResources) {
        resource.addCorsPreflight({
          allowOrigins: [...props.allowedOrigins],
          allowHeaders: [...props.corsAllowedHeaders],
          allowMethods: [...new Set(props.routes.filter((route) => route.path === resource.path).map((route) => route.method))],
          maxAge: props.corsMaxAge,
        });
      }
    }

    // Usage plan for machine clients; keys are created per client by an operator (docs/api.md, API keys).
    if (props.apiKeys) {
      this.usagePlan = this.restApi.addUsagePlan('UsagePlan', {
        description: 'Machine clients of the pdf-pipeline API',
        throttle: { rateLimit: props.apiKeys.rateLimit, burstLimit: props.apiKeys.burstLimit },
        quota: { limit: props.apiKeys.quotaPerDay, period: apigateway.Period.DAY },
        apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
      });
    }
  }

  /**
   * Lets the API function keep records and counters in the table; write uploads only under
   * `uploads/` and `bulk-uploads/`; read originals and spilled results; check each lane's queue
   * (health), send it reprocess notifications and read and redrive its dead letters; request
   * purges; queue webhook tests and redeliveries; append to and query the audit trail.
   */
  grantPipelineAccess(resources: PipelineAccess): void {
    const { bucket, table } = resources;
    const uploadPrefixes = [KEY_PREFIXES.uploads, KEY_PREFIXES.bulkUploads];
    const apiFunction = this.handler.function;
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
    for (const { queue, deadLetterQueue } of resources.lanes) {
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
    resources.purgeQueue.grantSendMessages(apiFunction);
    resources.webhookQueue.grantSendMessages(apiFunction);
    resources.auditTrail.grantAppendAndQuery(apiFunction);
  }
}

/** What the API function works on, for `grantPipelineAccess`. */
export interface PipelineAccess {
  readonly bucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  /** Each lane's queue and dead-letter queue. */
  readonly lanes: readonly { readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue }[];
  readonly purgeQueue: sqs.IQueue;
  readonly webhookQueue: sqs.IQueue;
  readonly auditTrail: AuditTrail;
}

/** What each access log line holds (JSON); `caller` is the token's `sub`. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  caller: '$context.authorizer.claims.sub',
  apiKeyId: '$context.identity.apiKeyId',
  method: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  xrayTraceId: '$context.xrayTraceId',
};

/**
 * The `Access-Control-Allow-Origin` of gateway responses. A gateway response cannot choose
 * from a list, so one origin is named literally and several are answered by echoing the
 * request's `Origin`; these answers are generic errors that carry no data.
 */
export function corsOriginForGatewayResponses(allowedOrigins: readonly string[]): string | undefined {
  if (allowedOrigins.length === 0) return undefined;
  return allowedOrigins.length === 1 ? `'${allowedOrigins[0]}'` : 'method.request.header.Origin';
}

/** Query strings and headers a method declares: required headers are validated, the rest are optional. */
function requestParameters(route: RouteDefinition): Record<string, boolean> | undefined {
  const parameters: Record<string, boolean> = {};
  for (const name of route.queryParameters ?? []) parameters[`method.request.querystring.${name}`] = false;
  for (const name of route.headerParameters ?? []) parameters[`method.request.header.${name}`] = false;
  for (const name of route.requiredHeaders ?? []) parameters[`method.request.header.${name}`] = true;
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}
