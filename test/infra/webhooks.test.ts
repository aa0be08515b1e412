/**
 * Webhooks as synthesized: the rule from this environment's document events to the delivery
 * queue, the queue's dead-letter queue and receive count, the delivery function's event source,
 * environment and permissions, and the alarms on it.
 */
import { describe, expect, it } from 'vitest';
import { DOCUMENT_EVENT_TYPES } from '../../lambdas/shared/document-events.js';
import { webhookRulePattern } from '../../lambdas/shared/webhooks/events.js';
import { CONFIGS, deriveSettings, ENVIRONMENT_NAMES, validateConfig, type EnvironmentName } from '../../lib/config.js';
import { asList, environment, logicalId, propertiesOf, render, statementsOfRole } from './app-fixture.js';
import { WEBHOOK_DELIVERY, WEBHOOKS_ENV } from '../../lambdas/webhooks/contract.js';

function webhooksOf(envName: EnvironmentName) {
  const { config, stack, template } = environment(envName);
  const { webhooks } = stack;
  const functionId = logicalId(webhooks.deliverer.function);
  const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: functionId } } }));
  return {
    config,
    stack,
    template,
    queueId: logicalId(webhooks.queue),
    deadLetterId: logicalId(webhooks.deadLetterQueue),
    fn: propertiesOf(template, functionId) as Record<string, any>,
    mapping: mapping?.Properties as Record<string, any>,
    rule: propertiesOf(template, logicalId(webhooks.rule)) as Record<string, any>,
    statements: statementsOfRole(template, logicalId(webhooks.deliverer.role)),
  };
}

describe.each(ENVIRONMENT_NAMES)('webhooks (%s)', (envName) => {
  it('sends this environment’s Document Completed and Failed events to the delivery queue', () => {
    const { config, rule, queueId, deadLetterId } = webhooksOf(envName);

    expect(rule.EventPattern).toEqual({
      source: [deriveSettings(config).documentEventSource],
      'detail-type': Object.values(DOCUMENT_EVENT_TYPES),
    });
    // The local bus matches with the same pattern.
    expect(rule.EventPattern).toEqual(webhookRulePattern(deriveSettings(config).documentEventSource));
    expect(rule.Targets).toHaveLength(1);
    expect(render(rule.Targets[0].Arn)).toBe(`${queueId}.Arn`);
    expect(render(rule.Targets[0].DeadLetterConfig.Arn)).toBe(`${deadLetterId}.Arn`);
  });

  it('dead-letters a message only after more receives than a delivery has attempts', () => {
    const { config, template, queueId, deadLetterId } = webhooksOf(envName);

    const queue = propertiesOf(template, queueId) as Record<string, any>;

    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] },
      maxReceiveCount: config.webhooks.maxAttempts + WEBHOOK_DELIVERY.extraReceives,
    });
    expect(queue.VisibilityTimeout).toBe(6 * WEBHOOK_DELIVERY.timeoutSeconds(config));
    expect(queue.SqsManagedSseEnabled).toBe(true);
    // The queue keeps a message longer than the retry schedule spans (about 15 hours).
    expect(queue.MessageRetentionPeriod).toBe(WEBHOOK_DELIVERY.retentionDays * 86_400);
  });

  it('feeds the delivery function in batches with partial batch responses', () => {
    const { mapping, queueId } = webhooksOf(envName);

    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: WEBHOOK_DELIVERY.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('tells the function its table, queue, the API URL, the URL policy and the attempt limits', () => {
    const { config, fn, stack, queueId } = webhooksOf(envName);

    const variables = fn.Environment.Variables as Record<string, unknown>;

    expect(render(variables[WEBHOOKS_ENV.tableName])).toBe(logicalId(stack.storage.table));
    expect(render(variables[WEBHOOKS_ENV.queueUrl])).toBe(queueId);
    expect(render(variables[WEBHOOKS_ENV.apiUrl])).toContain(logicalId(stack.api.restApi));
    expect(variables[WEBHOOKS_ENV.urlPolicy]).toBe('deployed');
    expect(variables[WEBHOOKS_ENV.timeoutSeconds]).toBe(String(config.webhooks.timeoutSeconds));
    expect(variables[WEBHOOKS_ENV.maxAttempts]).toBe(String(config.webhooks.maxAttempts));
    expect(fn.Timeout).toBe(WEBHOOK_DELIVERY.timeoutSeconds(config));
  });

  it('lets the function send tasks and set the retry wait on its own queue only, and grants nothing else on "*" but X-Ray', () => {
    const { statements, queueId } = webhooksOf(envName);

    const resourcesOf = (action: string) =>
      statements.filter((statement) => asList(statement.Action).includes(action)).flatMap((statement) => asList(statement.Resource).map(render));
    const onEverything = statements.filter((statement) => asList(statement.Resource).includes('*'));

    expect(resourcesOf('sqs:SendMessage')).toEqual([`${queueId}.Arn`]);
    expect(resourcesOf('sqs:ChangeMessageVisibility')).toEqual([`${queueId}.Arn`]);
    expect(onEverything.flatMap((statement) => asList(statement.Action)).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('alarms on the dead-letter queue and on failing invocations', () => {
    const { stack } = webhooksOf(envName);

    expect(stack.monitoring.alarms.WebhookDeadLetterQueueNotEmpty).toBeDefined();
    expect(stack.monitoring.alarms.WebhookDeliveryErrors).toBeDefined();
  });
});

describe('webhook settings', () => {
  it.each([
    [{ maxPerUser: 0 }, /webhooks.maxPerUser must be 1–100/],
    [{ timeoutSeconds: 120 }, /webhooks.timeoutSeconds must be 1–60/],
    [{ maxAttempts: 21 }, /webhooks.maxAttempts must be 1–20/],
    [{ deliveryRetentionDays: 0 }, /webhooks.deliveryRetentionDays must be 1–365/],
  ])('refuses %o', (change, message) => {
    expect(() => validateConfig({ ...CONFIGS.prod, webhooks: { ...CONFIGS.prod.webhooks, ...change } })).toThrow(message);
  });
});
