/**
 * cdk-nag v3 runs as a CDK validation plugin: its findings fail synthesis and land in the
 * validation report rather than in construct annotations, so they are collected here by running
 * the AwsSolutions pack over each stack after synthesis.
 */
import { Validations } from 'aws-cdk-lib';
import type { PolicyViolation } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES } from '../../lib/config.js';
import type { PdfPipelineApp } from '../../lib/pdf-pipeline-app.js';
import { buildApp } from './app-fixture.js';

/** `AwsSolutions-IAM5[…] at PdfPipeline-dev/…` for each unacknowledged finding of a severity. */
function describeFindings(violations: PolicyViolation[], severity: 'error' | 'warning'): string[] {
  return violations
    .filter((violation) => violation.severity === severity)
    .flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath ?? resource.resourceLogicalId}`),
    );
}

describe('cdk-nag AwsSolutions', () => {
  let pipeline: PdfPipelineApp;
  let synthesisError: unknown;

  beforeAll(() => {
    // Arrange & Act: the app as `bin/app.ts` builds it, with the AwsSolutions plugin registered.
    pipeline = buildApp({ nagChecks: true });
    try {
      pipeline.app.synth();
    } catch (error) {
      synthesisError = error;
    }
  });

  it('lets the app synthesize with the plugin registered', () => {
    expect(synthesisError).toBeUndefined();
  });

  describe.each(ENVIRONMENT_NAMES)('%s', (envName) => {
    it('has no unacknowledged errors', () => {
      // Act
      const { violations } = new AwsSolutionsChecks().validateScope(pipeline.stacks[envName]);

      // Assert
      expect(describeFindings(violations, 'error')).toEqual([]);
    });

    it('has no unacknowledged warnings', () => {
      // Act
      const { violations } = new AwsSolutionsChecks().validateScope(pipeline.stacks[envName]);

      // Assert
      expect(describeFindings(violations, 'warning')).toEqual([]);
    });

    it('gives a specific reason for every acknowledgement', () => {
      // Arrange
      const acknowledgements = pipeline.stacks[envName].node
        .findAll()
        .flatMap((construct) => construct.node.metadata)
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>));

      // Assert
      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const [id, reason] of acknowledgements) {
        expect(id).toMatch(/AwsSolutions-/);
        expect(reason.length, `reason for ${id}`).toBeGreaterThanOrEqual(60);
      }
    });
  });
});
