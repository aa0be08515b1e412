/**
 * Builds the pdf-pipeline app for the infrastructure tests exactly as `cdk synth` does (same
 * `createApp`, same `cdk.json` context), except that function code is not bundled unless asked.
 */
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import { CONFIGS, ENVIRONMENT_NAMES, type EnvironmentConfig, type EnvironmentName } from '../../lib/config.js';
import { createApp, type PdfPipelineApp } from '../../lib/pdf-pipeline-app.js';
import type { PdfPipelineStack } from '../../lib/pdf-pipeline-stack.js';

/** The feature flags and other context `cdk synth` reads from `cdk.json`. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export interface BuildOptions {
  /** Stacks whose function code is bundled for real (esbuild); none by default, which is fast. */
  readonly bundlingStacks?: string[];
  /** Register cdk-nag as a validation plugin, as `bin/app.ts` does. Off by default. */
  readonly nagChecks?: boolean;
  /** Cloud assembly directory; a temporary one by default. */
  readonly outdir?: string;
}

export function buildApp(options: BuildOptions = {}): PdfPipelineApp {
  return createApp({
    context: { ...CDK_JSON_CONTEXT, [BUNDLING_STACKS]: options.bundlingStacks ?? [] },
    nagChecks: options.nagChecks ?? false,
    outdir: options.outdir,
  });
}

export interface EnvironmentUnderTest {
  readonly config: EnvironmentConfig;
  readonly stack: PdfPipelineStack;
  readonly template: Template;
}

let shared: PdfPipelineApp | undefined;
const templates = new Map<EnvironmentName, Template>();

/** One environment of an app built once per test file, without bundling or cdk-nag. */
export function environment(envName: EnvironmentName): EnvironmentUnderTest {
  shared ??= buildApp();
  const stack = shared.stacks[envName];
  let template = templates.get(envName);
  if (!template) {
    template = Template.fromStack(stack);
    templates.set(envName, template);
  }
  return { config: CONFIGS[envName], stack, template };
}

/**
 * Synthesizes every environment of the shared app, for a file's `beforeAll`. Synthesis takes
 * seconds on an idle machine and far longer on a busy one: done in a hook it runs under the hook
 * timeout, instead of counting against whichever test happens to ask for a template first.
 */
export function synthesizeEnvironments(): void {
  for (const envName of ENVIRONMENT_NAMES) environment(envName);
}

/** The logical ID of a construct's CloudFormation resource (its default child). */
export function logicalId(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement | undefined;
  if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource);
}

/** A resource's properties in the synthesized template. */
export function propertiesOf(template: Template, id: string): Record<string, unknown> {
  const resource = template.toJSON().Resources?.[id];
  if (!resource) throw new Error(`No resource ${id} in the template`);
  return resource.Properties ?? {};
}

/**
 * Renders a CloudFormation value as text, so ARNs built from intrinsics compare easily:
 * `{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/results/*']] }` → `Bucket.Arn/results/*`.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(render).join(',');
  if (value && typeof value === 'object') {
    const intrinsic = value as Record<string, unknown>;
    if ('Ref' in intrinsic) return String(intrinsic.Ref);
    if ('Fn::GetAtt' in intrinsic) return (intrinsic['Fn::GetAtt'] as string[]).join('.');
    if ('Fn::Join' in intrinsic) {
      const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(separator);
    }
  }
  return JSON.stringify(value);
}

export interface PolicyStatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of the identity policies attached to a role. */
export function statementsOfRole(template: Template, roleId: string): PolicyStatementJson[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleId }] },
  });
  return Object.values(policies).flatMap(
    (policy) => (policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]) ?? [],
  );
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
