import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIGS, deriveSettings, ENVIRONMENT_NAMES, validateConfig, type EnvironmentName } from './config.js';
import { PdfPipelineStack } from './pdf-pipeline-stack.js';

export interface CreateAppOptions {
  /**
   * Context for the app, such as feature flags or `aws:cdk:bundling-stacks`. The CDK CLI passes
   * `cdk.json`'s context itself; tests pass it here.
   * @default - none beyond what the CLI provides
   */
  readonly context?: Record<string, unknown>;
  /**
   * Where the cloud assembly is written.
   * @default - the CLI's output directory, or a temporary directory
   */
  readonly outdir?: string;
  /**
   * Run cdk-nag's AwsSolutions pack as a validation plugin, failing synthesis on any finding
   * that is not acknowledged.
   * @default true
   */
  readonly nagChecks?: boolean;
}

export interface PdfPipelineApp {
  readonly app: App;
  /** One stack per environment, named `PdfPipeline-<env>`. */
  readonly stacks: Readonly<Record<EnvironmentName, PdfPipelineStack>>;
}

const PROJECT = 'pdf-pipeline';

/**
 * Builds the pdf-pipeline app: every environment's config is validated, then one stack per
 * environment is created from it. `bin/app.ts` and the infrastructure tests both use this.
 */
export function createApp(options: CreateAppOptions = {}): PdfPipelineApp {
  for (const envName of ENVIRONMENT_NAMES) validateConfig(CONFIGS[envName]);

  const app = new App({ context: options.context, outdir: options.outdir });
  if (options.nagChecks ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }

  const stack = (envName: EnvironmentName): PdfPipelineStack => {
    const config = CONFIGS[envName];
    return new PdfPipelineStack(app, deriveSettings(config).stackName, {
      config,
      // No account lookup: synthesis works offline; deploy uses the CLI's account.
      env: { account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
      description: `pdf-pipeline (${envName}): PDF ingestion and extraction`,
      tags: { project: PROJECT, environment: envName },
    });
  };
  const stacks = { dev: stack('dev'), staging: stack('staging'), prod: stack('prod') };
  return { app, stacks };
}
