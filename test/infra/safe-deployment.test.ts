/**
 * Safe deploys: every function serves through its `live` alias; the extractor's event sources and
 * the API's integration invoke the alias; CodeDeploy shifts the extractor's and the API
 * function's aliases as each environment says, rolling back on their alarms.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_ALIAS_NAME, NodeFunction } from '../../lib/constructs/node-function.js';
import { ENVIRONMENT_NAMES } from '../../lib/config.js';
import { asList, environment, logicalId, propertiesOf, render, synthesizeEnvironments } from './app-fixture.js';

beforeAll(synthesizeEnvironments);

/** How the deployment configs CodeDeploy predefines are named in a template. */
const CONFIG_NAME_IN_TEMPLATE = {
  ALL_AT_ONCE: 'CodeDeployDefault.LambdaAllAtOnce',
  CANARY_10PERCENT_5MINUTES: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
  LINEAR_10PERCENT_EVERY_1MINUTE: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
} as const;

describe.each(ENVIRONMENT_NAMES)('safe deployment (%s)', (envName) => {
  it('gives every function a live alias on the version this deploy published', () => {
    // Arrange
    const { stack, template } = environment(envName);
    const functions = stack.node.findAll().filter((construct): construct is NodeFunction => construct instanceof NodeFunction);

    // Act
    const aliases = functions.map((fn) => ({ functionId: logicalId(fn.function), alias: propertiesOf(template, logicalId(fn.alias)) }));

    // Assert
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const { functionId, alias } of aliases) {
      expect(alias, `alias of ${functionId}`).toMatchObject({ Name: LIVE_ALIAS_NAME, FunctionName: { Ref: functionId } });
      expect(render(alias.FunctionVersion)).toMatch(new RegExp(`^${functionId.replace(/[0-9A-F]{8}$/, '')}CurrentVersion[0-9a-fA-F]+\\.Version$`));
    }
  });

  it("points every one of the extractor's event sources at its alias", () => {
    // Arrange
    const { stack, template } = environment(envName);
    const aliasId = logicalId(stack.extraction.extractor.alias);
    const functionId = logicalId(stack.extraction.extractor.function);

    // Act: the mappings that name the extractor in any form
    const targets = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))
      .map((mapping) => JSON.stringify(mapping.Properties.FunctionName))
      .filter((target) => target.includes(aliasId) || target.includes(functionId));

    // Assert: `<function name>:live`, the name taken from the alias's ARN
    expect(targets.length).toBeGreaterThanOrEqual(1);
    for (const target of targets) {
      expect(target).toContain(`{"Ref":"${aliasId}"}`);
      expect(target).toContain(`":${LIVE_ALIAS_NAME}"`);
      expect(target).not.toContain(functionId);
    }
  });

  it("integrates every API method with the API function's alias", () => {
    // Arrange
    const { stack, template } = environment(envName);
    const aliasId = logicalId(stack.api.handler.alias);

    // Act
    const uris = Object.values(template.findResources('AWS::ApiGateway::Method'))
      .filter((method) => method.Properties.Integration?.Type === 'AWS_PROXY')
      .map((method) => render(method.Properties.Integration.Uri));

    // Assert
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) expect(uri).toContain(`${aliasId}/invocations`);
  });

  it('lets API Gateway invoke the alias, and only the alias', () => {
    // Arrange
    const { stack, template } = environment(envName);
    const aliasId = logicalId(stack.api.handler.alias);
    const functionId = logicalId(stack.api.handler.function);

    // Act
    const invokedByApiGateway = Object.values(template.findResources('AWS::Lambda::Permission', {
      Properties: { Principal: 'apigateway.amazonaws.com' },
    })).map((permission) => render(permission.Properties.FunctionName));

    // Assert
    expect(invokedByApiGateway.length).toBeGreaterThan(0);
    expect(invokedByApiGateway.every((target) => target === aliasId)).toBe(true);
    expect(invokedByApiGateway).not.toContain(`${functionId}.Arn`);
  });

  it("deploys the extractor and the API function with the environment's deployment config", () => {
    // Arrange
    const { config, stack, template } = environment(envName);
    const expected = CONFIG_NAME_IN_TEMPLATE[config.deployment.lambdaConfig as keyof typeof CONFIG_NAME_IN_TEMPLATE];

    // Act
    const groups = ['Extractor', 'Api'].map((name) => propertiesOf(template, logicalId(stack.deployment.deploymentGroups[name]!)));

    // Assert
    expect(expected).toBeDefined();
    for (const group of groups) {
      expect(render(group.DeploymentConfigName)).toBe(expected);
      expect(group).toMatchObject({
        DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' },
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM']),
        },
      });
    }
  });

  it('hands each alias to CodeDeploy to shift (an update policy on the alias)', () => {
    // Arrange
    const { stack, template } = environment(envName);

    // Act
    const aliases = [stack.extraction.extractor.alias, stack.api.handler.alias].map(
      (alias) => template.toJSON().Resources[logicalId(alias)],
    );

    // Assert
    for (const alias of aliases) {
      expect(alias.UpdatePolicy.CodeDeployLambdaAliasUpdate).toEqual({
        ApplicationName: { Ref: logicalId(stack.deployment.application) },
        DeploymentGroupName: { Ref: expect.stringMatching(/^Deployment(Extractor|Api)DeploymentGroup/) },
      });
    }
  });

  it("rolls the extractor back on its alias errors, error-rate and throttle alarms, and the API on its own", () => {
    // Arrange
    const { stack, template } = environment(envName);
    const alarmsOf = (name: string) =>
      asList(propertiesOf(template, logicalId(stack.deployment.deploymentGroups[name]!)).AlarmConfiguration as Record<string, unknown>)
        .flatMap((configuration) => (configuration as { Alarms: { Name: unknown }[] }).Alarms)
        .map((alarm) => render(alarm.Name));
    const { alarms } = stack.monitoring;

    // Act
    const extractorAlarms = alarmsOf('Extractor');
    const apiAlarms = alarmsOf('Api');

    // Assert
    expect(new Set(extractorAlarms)).toEqual(
      new Set([stack.deployment.aliasErrorAlarms.Extractor!, alarms.ExtractionErrorRate!, alarms.ExtractionThrottled!].map(logicalId)),
    );
    expect(new Set(apiAlarms)).toEqual(new Set([stack.deployment.aliasErrorAlarms.Api!, alarms.ApiServerErrorRate!].map(logicalId)));
  });

  it('alarms on the live alias errors per minute at the configured threshold', () => {
    // Arrange
    const { config, stack, template } = environment(envName);

    // Act
    const alarm = propertiesOf(template, logicalId(stack.deployment.aliasErrorAlarms.Extractor!));

    // Assert
    expect(alarm).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Period: 60,
      Threshold: config.deployment.aliasErrorsPerMinute,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    const dimensions = Object.fromEntries(
      (alarm.Dimensions as { Name: string; Value: unknown }[]).map((dimension) => [dimension.Name, render(dimension.Value)]),
    );
    expect(dimensions.Resource).toBe(`${logicalId(stack.extraction.extractor.function)}:${LIVE_ALIAS_NAME}`);
  });
});

describe('deployment configs per environment', () => {
  it('shifts dev all at once, staging linearly and prod through a canary', () => {
    // Act
    const configs = ENVIRONMENT_NAMES.map((envName) => environment(envName).config.deployment.lambdaConfig);

    // Assert
    expect(configs).toEqual(['ALL_AT_ONCE', 'LINEAR_10PERCENT_EVERY_1MINUTE', 'CANARY_10PERCENT_5MINUTES']);
  });
});
