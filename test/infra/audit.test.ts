/**
 * The admin group and the audit trail as synthesized for every environment: the Cognito group
 * (and none in an existing pool), the audit table's settings and retention, and an API role that
 * may only append to the trail and query it.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_GROUP, AUDIT_TABLE_LAYOUT, LANES } from '../../lambdas/shared/contract.js';
import { CONFIGS, ENVIRONMENT_NAMES, validateConfig, type EnvironmentConfig, type EnvironmentName } from '../../lib/config.js';
import { PdfPipelineStack } from '../../lib/pdf-pipeline-stack.js';
import { asList, CDK_JSON_CONTEXT, environment, logicalId, propertiesOf, render, statementsOfRole, synthesizeEnvironments } from './app-fixture.js';
import { API_ENV } from '../../lambdas/api/contract.js';

beforeAll(synthesizeEnvironments);

describe.each(ENVIRONMENT_NAMES)('admin group and audit trail (%s)', (envName: EnvironmentName) => {
  const { config, stack, template } = environment(envName);
  const auditTableId = logicalId(stack.auditTrail.table);
  const apiRoleId = logicalId(stack.api.handler.function.role!);
  const auditStatements = () =>
    statementsOfRole(template, apiRoleId).filter((statement) => asList(statement.Resource).some((resource) => render(resource).includes(auditTableId)));

  it('creates the admin group in the user pool', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: ADMIN_GROUP,
      UserPoolId: { Ref: logicalId(stack.auth.userPool) },
    });
  });

  it('keeps the audit trail in a table of its own: on demand, encrypted, point-in-time recovery, TTL', () => {
    const properties = propertiesOf(template, auditTableId);

    expect(properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: AUDIT_TABLE_LAYOUT.ttlAttribute, Enabled: true },
      KeySchema: [
        { AttributeName: AUDIT_TABLE_LAYOUT.partitionKey, KeyType: 'HASH' },
        { AttributeName: AUDIT_TABLE_LAYOUT.sortKey, KeyType: 'RANGE' },
      ],
    });
    expect(properties.StreamSpecification).toBeUndefined();
    const indexes = (properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: { AttributeName: string }[] }[]).map((index) => [
      index.IndexName,
      index.KeySchema.map((key) => key.AttributeName),
    ]);
    expect(indexes).toEqual([
      [AUDIT_TABLE_LAYOUT.documentIndex.name, [AUDIT_TABLE_LAYOUT.documentIndex.partitionKey, AUDIT_TABLE_LAYOUT.sortKey]],
      [AUDIT_TABLE_LAYOUT.actorIndex.name, [AUDIT_TABLE_LAYOUT.actorIndex.partitionKey, AUDIT_TABLE_LAYOUT.sortKey]],
    ]);
  });

  it('retains the table where the environment keeps its data', () => {
    const resource = template.toJSON().Resources[auditTableId];
    const retained = config.storage.removalPolicy === 'retain';

    expect(resource.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
    expect(resource.Properties.DeletionProtectionEnabled).toBe(retained);
  });

  it('tells the API function the table and the environment’s retention', () => {
    const variables = (propertiesOf(template, logicalId(stack.api.handler.function)).Environment as { Variables: Record<string, unknown> }).Variables;

    expect(variables[API_ENV.auditTableName]).toEqual({ Ref: auditTableId });
    expect(variables[API_ENV.auditRetentionDays]).toBe(String(config.audit.retentionDays));
  });

  it('lets the API role only put and query audit entries: no update, delete, batch write or scan', () => {
    const actions = auditStatements().flatMap((statement) => asList(statement.Action));
    const resources = auditStatements().flatMap((statement) => asList(statement.Resource).map(render));

    expect(new Set(actions)).toEqual(new Set(['dynamodb:PutItem', 'dynamodb:Query']));
    expect(auditStatements().every((statement) => statement.Effect === 'Allow')).toBe(true);
    expect(resources.filter((resource) => resource.includes('/index/')).sort()).toEqual(
      [AUDIT_TABLE_LAYOUT.actorIndex.name, AUDIT_TABLE_LAYOUT.documentIndex.name].map((name) => `${auditTableId}.Arn/index/${name}`),
    );
  });

  it('gives no other role any access to the audit table', () => {
    const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id !== apiRoleId);

    for (const roleId of roles) {
      const touching = statementsOfRole(template, roleId).filter((statement) =>
        asList(statement.Resource).some((resource) => render(resource).includes(auditTableId)),
      );
      expect(touching, roleId).toEqual([]);
    }
  });

  it.each(LANES)('lets the API role start and follow a move task from the %s dead-letter queue', (lane) => {
    const dlqId = logicalId(stack.ingestion.lanes[lane].deadLetterQueue);
    const onDlq = statementsOfRole(template, apiRoleId)
      .filter((statement) => asList(statement.Resource).some((resource) => render(resource).startsWith(`${dlqId}.`)))
      .flatMap((statement) => asList(statement.Action));

    expect(onDlq).toEqual(expect.arrayContaining(['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']));
  });
});

describe('audit retention per environment', () => {
  it('keeps entries 30, 90 and 365 days', () => {
    expect(ENVIRONMENT_NAMES.map((envName) => CONFIGS[envName].audit.retentionDays)).toEqual([30, 90, 365]);
  });

  it('refuses a retention of no days or a fraction', () => {
    for (const retentionDays of [0, 1.5, 100_000]) {
      expect(() => validateConfig({ ...CONFIGS.dev, audit: { retentionDays } })).toThrow(/audit.retentionDays/);
    }
  });
});

describe('an existing user pool', () => {
  it('gets no admin group: the group must exist in that pool already', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, [BUNDLING_STACKS]: [] } });
    // Without a domain of its own, the web uploader has nowhere to sign in: left out here.
    const config: EnvironmentConfig = {
      ...CONFIGS.dev,
      auth: { ...CONFIGS.dev.auth, existingUserPoolId: 'eu-west-1_AbCdEf123' },
      web: { enabled: false },
    };
    const template = Template.fromStack(new PdfPipelineStack(app, 'PdfPipeline-existing-pool', { config, env: { region: config.region } }));

    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 0);
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
  });
});
