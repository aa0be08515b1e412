/**
 * The stack of an environment that reads scans with Amazon Textract (no environment does by
 * default): the one grant it needs, its acknowledged wildcard, and nothing shipped for Tesseract.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_ENV } from '../../lambdas/shared/contract.js';
import { CONFIGS, type EnvironmentConfig } from '../../lib/config.js';
import { PdfPipelineStack } from '../../lib/pdf-pipeline-stack.js';
import { asList, CDK_JSON_CONTEXT, logicalId, propertiesOf, statementsOfRole } from './app-fixture.js';

const config: EnvironmentConfig = { ...CONFIGS.prod, ocr: { ...CONFIGS.prod.ocr, engine: 'textract', textractTps: 10 } };
let stack: PdfPipelineStack;
let template: Template;

beforeAll(() => {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, [BUNDLING_STACKS]: [] } });
  stack = new PdfPipelineStack(app, 'PdfPipeline-textract', { config, env: { region: config.region } });
  template = Template.fromStack(stack);
});

describe('an environment with Textract OCR', () => {
  it('grants DetectDocumentText, and nothing else on "*" but X-Ray', () => {
    // Arrange
    const statements = statementsOfRole(template, logicalId(stack.extraction.extractor.role));

    // Act
    const onEverything = statements.filter((statement) => asList(statement.Resource).includes('*'));

    // Assert
    expect(onEverything.flatMap((statement) => asList(statement.Action)).sort()).toEqual([
      'textract:DetectDocumentText',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('tells the function how far apart its workers send requests', () => {
    const fn = propertiesOf(template, logicalId(stack.extraction.extractor.function));

    expect((fn.Environment as { Variables: Record<string, string> }).Variables).toMatchObject({ [EXTRACT_ENV.ocrEngine]: 'textract', [EXTRACT_ENV.ocrTextractIntervalMs]: '2000' });
  });

  it('has no unacknowledged cdk-nag finding, the Textract wildcard acknowledged with its reason', () => {
    // Act
    const { violations } = new AwsSolutionsChecks().validateScope(stack);

    // Assert
    expect(violations.map((violation) => violation.ruleName)).toEqual([]);
    const reasons = stack.extraction.extractor.role.node.metadata.map((entry) => JSON.stringify(entry.data));
    expect(reasons.some((reason) => reason.includes('textract:DetectDocumentText') && reason.includes('no resource-level permissions'))).toBe(true);
  });
});
