/**
 * The REST API, its authorizer and the functions behind it, as synthesized for every
 * environment: auth on every route but health, scopes, throttling, logs, tracing, gateway
 * responses, CORS, validation, outputs, cleanup, and no per-stack `AWS::ApiGateway::Account`.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_RESPONSES } from '../../lambdas/api/errors.js';
import { ALL_FULL_SCOPES, API_STAGE_NAME, ROUTES } from '../../lambdas/api/routes.js';
import { CONFIGS, ENVIRONMENT_NAMES, type EnvironmentConfig, type EnvironmentName } from '../../lib/config.js';
import { PdfPipelineStack } from '../../lib/pdf-pipeline-stack.js';
import { templateMethods } from '../support/api-template.js';
import { asList, CDK_JSON_CONTEXT, environment, logicalId, propertiesOf, render, statementsOfRole, synthesizeEnvironments } from './app-fixture.js';
import { API_FUNCTION, apiEnvironment } from '../../lambdas/api/contract.js';
import { PURGE_FUNCTION } from '../../lambdas/purge/contract.js';

beforeAll(synthesizeEnvironments);

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: unknown }>;

function customStack(api: Partial<EnvironmentConfig['api']>): Template {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, [BUNDLING_STACKS]: [] } });
  // Without the web uploader, whose site URL the stack adds to the origins.
  const config: EnvironmentConfig = { ...CONFIGS.dev, api: { ...CONFIGS.dev.api, ...api }, web: { enabled: false } };
  return Template.fromStack(new PdfPipelineStack(app, 'PdfPipeline-custom', { config, env: { region: config.region } }));
}

describe.each(ENVIRONMENT_NAMES)('API (%s)', (envName: EnvironmentName) => {
  const { config, stack, template } = environment(envName);
  const resources = template.toJSON().Resources as Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const methods = templateMethods(template);
  const authorizerId = ofType('AWS::ApiGateway::Authorizer')[0]?.[0];
  // Where the web uploader is deployed, the stack adds its URL to the configured origins and redirects.
  const site = stack.webSite;
  const browserOrigins = [...config.api.allowedOrigins, ...(site ? [site.url] : [])];

  it('has exactly the routes of the shared route table, plus CORS preflights', () => {
    const routes = [...methods.keys()].filter((key) => !key.startsWith('OPTIONS '));

    expect(routes.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    const preflights = [...methods.keys()].filter((key) => key.startsWith('OPTIONS ')).map((key) => key.slice('OPTIONS '.length));
    expect(preflights.sort()).toEqual([...new Set(ROUTES.map((route) => route.path))].sort());
  });

  it('puts a Cognito authorizer accepting the API’s access-token scopes on every route but health', () => {
    const [, authorizer] = ofType('AWS::ApiGateway::Authorizer')[0]!;
    expect(authorizer.Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': [logicalId(stack.auth.userPool), 'Arn'] }],
    });

    for (const route of ROUTES) {
      const method = methods.get(`${route.method} ${route.path}`)!;
      if ('scope' in route) {
        expect(method, route.path).toMatchObject({
          AuthorizationType: 'COGNITO_USER_POOLS',
          AuthorizerId: { Ref: authorizerId },
          AuthorizationScopes: [...ALL_FULL_SCOPES],
          ApiKeyRequired: false,
        });
      } else {
        expect(method.AuthorizationType).toBe('NONE');
        expect(route.path).toBe('/v1/health');
      }
      expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    }
  });

  it('creates the scopes on a resource server and a public app client that may request them', () => {
    const [, server] = ofType('AWS::Cognito::UserPoolResourceServer')[0]!;
    const [, client] = ofType('AWS::Cognito::UserPoolClient')[0]!;
    const [, pool] = ofType('AWS::Cognito::UserPool')[0]!;

    expect(server.Properties).toMatchObject({ Identifier: 'pdf-pipeline' });
    expect(server.Properties.Scopes.map((scope: { ScopeName: string }) => `pdf-pipeline/${scope.ScopeName}`).sort()).toEqual([...ALL_FULL_SCOPES].sort());
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: stack.resolve([...config.auth.callbackUrls, ...(site ? [site.callbackUrl] : [])]),
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    expect(JSON.stringify(client.Properties.AllowedOAuthScopes)).toContain('/documents.read');
    expect(JSON.stringify(client.Properties.AllowedOAuthScopes)).toContain('/documents.write');
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: config.auth.mfa === 'REQUIRED' ? 'ON' : 'OPTIONAL',
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: true } },
    });
  });

  it('throttles the stage, traces it, and writes JSON access logs to a log group with the configured retention', () => {
    const [, stage] = ofType('AWS::ApiGateway::Stage')[0]!;
    expect(stage.Properties).toMatchObject({
      StageName: API_STAGE_NAME,
      TracingEnabled: true,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: config.api.throttle.rateLimit,
          ThrottlingBurstLimit: config.api.throttle.burstLimit,
          LoggingLevel: config.api.executionLogLevel,
          DataTraceEnabled: false,
        },
      ],
    });
    expect(render(stage.Properties.AccessLogSetting.DestinationArn)).toBe(
      `arn:aws:logs:${config.region}:AWS::AccountId:log-group:${logicalId(stack.api.accessLogGroup)}`,
    );
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', caller: '$context.authorizer.claims.sub', status: '$context.status' });
    expect(propertiesOf(template, logicalId(stack.api.accessLogGroup)).RetentionInDays).toBe(config.api.accessLogRetentionDays);
  });

  it('creates no AWS::ApiGateway::Account or CloudWatch role: that is set once per account and region', () => {
    expect(ofType('AWS::ApiGateway::Account')).toEqual([]);
    const apiGatewayRoles = ofType('AWS::IAM::Role').filter(([, role]) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('apigateway.amazonaws.com'),
    );
    expect(apiGatewayRoles).toEqual([]);
  });

  it('answers the gateway’s own errors in the API’s error shape, with CORS and Retry-After', () => {
    const responses = ofType('AWS::ApiGateway::GatewayResponse').map(([, resource]) => resource.Properties);
    // One origin is named; several are echoed from the request (see 'API options' below).
    const expectedOrigin =
      config.api.allowedOrigins.length === 1 ? `'${config.api.allowedOrigins[0]}'` : 'method.request.header.Origin';

    expect(responses.map((response) => response.ResponseType).sort()).toEqual(GATEWAY_RESPONSES.map((response) => response.type).sort());
    for (const definition of GATEWAY_RESPONSES) {
      const response = responses.find((candidate) => candidate.ResponseType === definition.type)!;
      expect(response.StatusCode).toBe(definition.statusCode === undefined ? undefined : String(definition.statusCode));
      const template = response.ResponseTemplates['application/json'] as string;
      const rendered = JSON.parse(template.replace('$context.error.messageString', '"gateway message"')) as unknown;
      expect(rendered).toEqual({ error: { code: definition.code, message: definition.message ?? 'gateway message' } });
      expect(response.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe(expectedOrigin);
    }
    const find = (type: string) => responses.find((response) => response.ResponseType === type)!;
    expect(find('MISSING_AUTHENTICATION_TOKEN').StatusCode).toBe('404');
    expect(find('THROTTLED').ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'1'");
    expect(find('UNAUTHORIZED').ResponseParameters['gatewayresponse.header.WWW-Authenticate']).toBe("'Bearer'");
  });

  it('validates the upload request body against a model that rejects unknown fields, and requires Content-Type on uploads', () => {
    const uploads = methods.get('POST /v1/uploads')!;
    const direct = methods.get('POST /v1/documents')!;
    const validator = propertiesOf(template, uploads.RequestValidatorId.Ref);
    const model = propertiesOf(template, uploads.RequestModels['application/json'].Ref);

    expect(validator).toMatchObject({ ValidateRequestBody: true, ValidateRequestParameters: true });
    expect(model.Schema).toMatchObject({ type: 'object', additionalProperties: false, required: ['filename', 'size'] });
    expect(uploads.RequestParameters['method.request.header.Content-Type']).toBe(true);
    expect(direct.RequestParameters).toMatchObject({ 'method.request.header.Content-Type': true, 'method.request.querystring.filename': false });
    for (const [, method] of methods) if (method.HttpMethod !== 'OPTIONS') expect(method.RequestValidatorId).toBeDefined();
  });

  it('passes PDFs to the function base64-encoded, on a regional endpoint', () => {
    const [, api] = ofType('AWS::ApiGateway::RestApi')[0]!;

    expect(api.Properties).toMatchObject({ BinaryMediaTypes: ['application/pdf'], EndpointConfiguration: { Types: ['REGIONAL'] } });
  });

  it('lets only the configured origins preflight, and lets them POST uploads to the bucket', () => {
    const preflight = methods.get('OPTIONS /v1/documents')!;
    const origin = preflight.Integration.IntegrationResponses[0].ResponseParameters['method.response.header.Access-Control-Allow-Origin'];
    const bucketCors = propertiesOf(template, logicalId(stack.storage.bucket)).CorsConfiguration as { CorsRules: unknown[] };

    expect(origin).toBe(`'${config.api.allowedOrigins[0]}'`);
    expect(preflight.AuthorizationType).toBe('NONE');
    expect(bucketCors.CorsRules).toEqual([
      expect.objectContaining({ AllowedOrigins: stack.resolve(browserOrigins), AllowedMethods: expect.arrayContaining(['POST']) }),
    ]);
  });

  it('outputs ApiUrl without a trailing slash, and the user pool and its client', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const url = render(outputs.ApiUrl!.Value);

    expect(url).toMatch(new RegExp(`^https://${logicalId(stack.api.restApi)}\\.execute-api\\.AWS::Region\\.AWS::URLSuffix/${API_STAGE_NAME}$`));
    expect(outputs.UserPoolId!.Value).toEqual({ Ref: logicalId(stack.auth.userPool) });
    expect(outputs.UserPoolClientId!.Value).toEqual({ Ref: logicalId(stack.auth.appClient) });
  });

  it('gives the API function the config’s limits and where the table, bucket and queues are', () => {
    const fn = propertiesOf(template, logicalId(stack.api.handler.function)) as { Timeout: number; Environment: { Variables: Record<string, unknown> } };
    const variables = fn.Environment.Variables as Record<string, unknown>;

    expect(fn.Timeout).toBe(API_FUNCTION.timeoutSeconds);
    expect(variables).toMatchObject({ ...apiEnvironment(config), ALLOWED_ORIGINS: stack.resolve(browserOrigins.join(',')) });
    expect(variables).toMatchObject({
      TABLE_NAME: { Ref: logicalId(stack.storage.table) },
      BUCKET_NAME: { Ref: logicalId(stack.storage.bucket) },
      QUEUE_URL: { Ref: logicalId(stack.ingestion.lanes.interactive.queue) },
      DEAD_LETTER_QUEUE_URL: { Ref: logicalId(stack.ingestion.lanes.interactive.deadLetterQueue) },
      BULK_QUEUE_URL: { Ref: logicalId(stack.ingestion.lanes.bulk.queue) },
      BULK_DEAD_LETTER_QUEUE_URL: { Ref: logicalId(stack.ingestion.lanes.bulk.deadLetterQueue) },
      PURGE_QUEUE_URL: { Ref: logicalId(stack.cleanup.purgeQueue) },
    });
  });

  it('lets the API function write objects only under uploads/ and bulk-uploads/ and grants nothing else on "*" but X-Ray', () => {
    const statements = statementsOfRole(template, logicalId(stack.api.handler.role));
    const granting = (action: string) =>
      statements.filter((statement) => asList(statement.Action).includes(action)).flatMap((statement) => asList(statement.Resource).map(render));

    expect(granting('s3:PutObject').sort()).toEqual(
      [`${logicalId(stack.storage.bucket)}.Arn/uploads/*`, `${logicalId(stack.storage.bucket)}.Arn/bulk-uploads/*`].sort(),
    );
    expect(granting('s3:DeleteObject')).toEqual([]);
    const onEverything = statements.filter((statement) => asList(statement.Resource).includes('*'));
    expect(onEverything.flatMap((statement) => asList(statement.Action)).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('routes POST /v1/documents/{id}/reprocess and GET /v1/health/detail through the authorizer', () => {
    for (const key of ['POST /v1/documents/{id}/reprocess', 'GET /v1/health/detail']) {
      expect(methods.get(key), key).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: authorizerId },
        AuthorizationScopes: [...ALL_FULL_SCOPES],
      });
    }
  });

  it('lets the API function send reprocess notifications to each lane’s extraction queue, webhook tasks to the delivery queue, and read every lane’s queues’ depth', () => {
    const statements = statementsOfRole(template, logicalId(stack.api.handler.role));
    const granting = (action: string) =>
      statements.filter((statement) => asList(statement.Action).includes(action)).flatMap((statement) => asList(statement.Resource).map(render));
    const { interactive, bulk } = stack.ingestion.lanes;
    const queueArns = [interactive.queue, bulk.queue].map((queue) => `${logicalId(queue)}.Arn`);
    const deadLetterArns = [interactive.deadLetterQueue, bulk.deadLetterQueue].map((queue) => `${logicalId(queue)}.Arn`);

    const otherQueues = [stack.cleanup.purgeQueue, stack.webhooks.queue].map((queue) => `${logicalId(queue)}.Arn`);
    expect(granting('sqs:SendMessage').sort()).toEqual([...queueArns, ...otherQueues].sort());
    expect(granting('sqs:GetQueueAttributes').sort()).toEqual(expect.arrayContaining([...queueArns, ...deadLetterArns]));
  });

  it('purges deleted documents from a dead-lettered queue and sweeps on a schedule', () => {
    const queue = propertiesOf(template, logicalId(stack.cleanup.purgeQueue));
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(
      ([, resource]) => resource.Properties.FunctionName?.Ref === logicalId(stack.cleanup.purger.function),
    )!;
    const [, rule] = ofType('AWS::Events::Rule')
      .filter(([, resource]) => JSON.stringify(resource.Properties.Targets ?? []).includes(logicalId(stack.cleanup.sweeper.function)))[0]!;

    expect(queue).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * PURGE_FUNCTION.timeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.cleanup.purgeDeadLetterQueue), 'Arn'] },
        maxReceiveCount: PURGE_FUNCTION.maxReceiveCount,
      },
    });
    expect(mapping.Properties).toMatchObject({ BatchSize: PURGE_FUNCTION.batchSize, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(rule.Properties.ScheduleExpression).toBe(`rate(${config.api.sweepIntervalMinutes} minutes)`);
  });

  it('lets the purge delete object versions only under the document prefixes', () => {
    const statements = statementsOfRole(template, logicalId(stack.cleanup.purger.role));
    const deletes = statements
      .filter((statement) => asList(statement.Action).includes('s3:DeleteObjectVersion'))
      .flatMap((statement) => asList(statement.Resource).map(render));

    expect(deletes.sort()).toEqual(
      ['bulk-uploads/*', 'incoming/*', 'results/*', 'uploads/*'].map((prefix) => `${logicalId(stack.storage.bucket)}.Arn/${prefix}`),
    );
  });
});

describe('API options', () => {
  it('with API keys on, requires a key on every route but health and meters keys with a usage plan', () => {
    const template = customStack({ apiKeys: { rateLimit: 5, burstLimit: 10, quotaPerDay: 1000 } });
    const methods = templateMethods(template);

    for (const route of ROUTES) expect(methods.get(`${route.method} ${route.path}`)!.ApiKeyRequired).toBe('scope' in route);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 5, BurstLimit: 10 },
      Quota: { Limit: 1000, Period: 'DAY' },
    });
    template.hasOutput('UsagePlanId', {});
  });

  it('with several origins, gateway responses echo the request’s Origin (a gateway response cannot choose from a list)', () => {
    const template = customStack({ allowedOrigins: ['https://a.example.com', 'https://b.example.com'] });
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'));

    for (const response of responses) {
      expect(response.Properties.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe('method.request.header.Origin');
    }
  });

  it('with no browser origins, configures no CORS at all', () => {
    const template = customStack({ allowedOrigins: [] });

    expect([...templateMethods(template).keys()].filter((key) => key.startsWith('OPTIONS'))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('Access-Control-Allow-Origin');
  });
});
