import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a bundle's third-party licence notice is shipped, at the bundle's root. */
export const LICENSE_NOTICE_FILE = 'THIRD-PARTY-LICENSES.md';

/** Name of the alias every function serves through; CodeDeploy moves it from version to version. */
export const LIVE_ALIAS_NAME = 'live';

/** The repository root: entries, the lock file and `node_modules` are resolved from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** An extra ESM bundle built beside `index.mjs`, e.g. a worker thread's entry. */
export interface ExtraBundle {
  /** Entry file, relative to the project root. */
  readonly entry: string;
  /** Output file name inside the bundle, e.g. `extract-worker.mjs`. */
  readonly outfile: string;
  /**
   * Data more than code (a tokenizer's ranks): built without a source map, and with none of the
   * function's external modules left out (the main bundle leaves it out to load it from here).
   * @default false
   */
  readonly data?: boolean;
}

/** A directory copied into the bundle, e.g. data files a library loads at run time. */
export interface BundledAsset {
  /** Source file or directory, relative to the project root. */
  readonly from: string;
  /** Destination, relative to the bundle root. */
  readonly to: string;
}

export interface NodeFunctionProps {
  /** Handler entry file, relative to the project root; it must export `handler`. */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** Memory in MB. */
  readonly memorySize: number;
  /** Invocation timeout. */
  readonly timeout: Duration;
  /** How long the function's log group keeps logs. */
  readonly logRetention: logs.RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Environment variables.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Concurrency reserved for this function.
   * @default - none: the function draws on the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Modules left out of every bundle (the AWS SDK is bundled, so this is usually native code).
   * @default - none
   */
  readonly externalModules?: string[];
  /**
   * Further entries bundled with the same esbuild options, beside `index.mjs`.
   * @default - none
   */
  readonly extraBundles?: readonly ExtraBundle[];
  /**
   * Files and directories copied into the bundle (data the code reads from beside itself).
   * @default - none
   */
  readonly bundledAssets?: readonly BundledAsset[];
  /**
   * The third-party licence notice of the bundle (relative to the project root), shipped as
   * `THIRD-PARTY-LICENSES.md` at the bundle's root.
   * @default - none
   */
  readonly licenseNotice?: string;
}

/**
 * Lets a CommonJS dependency call `require` from the ESM bundle. The alias keeps the import
 * from clashing with a `createRequire` that esbuild hoists from the bundled code.
 */
const REQUIRE_SHIM =
  "import { createRequire as __pipelineCreateRequire } from 'node:module'; const require = __pipelineCreateRequire(import.meta.url);";

/**
 * Every bundle of a function is built with these options, so the pieces agree with each other
 * (and the licence list of `npm run licenses` sees what the functions ship).
 */
export const ESBUILD_TARGET = 'node22';
export const ESBUILD_MAIN_FIELDS = ['module', 'main'];

/**
 * A Node.js Lambda function with the pipeline's defaults, so every function is built and run
 * the same way:
 *
 * - Node.js 22 on ARM64 (Graviton), X-Ray tracing active.
 * - An ESM bundle (`index.mjs`) built locally by esbuild: `node22` target, `module` before
 *   `main`, minified, with source maps (no embedded sources) and a `require` shim for CommonJS
 *   dependencies. The AWS SDK is bundled, so the function runs the SDK versions it was tested with.
 * - Extra bundles (for worker threads) built with the same options, and data directories copied
 *   beside them.
 * - Its own log group with explicit retention, and a role that may write only to that group
 *   (no `AWSLambdaBasicExecutionRole`, which allows creating log groups anywhere).
 * - Each deploy publishes a version, and the `live` alias names the version in service: event
 *   sources and integrations point at the alias, so a deployment group can shift traffic to a new
 *   version gradually and move the alias back if it misbehaves.
 */
export class NodeFunction extends Construct {
  /** The Lambda function. */
  public readonly function: NodejsFunction;
  /** The function's execution role; grants to the function land here. */
  public readonly role: iam.Role;
  /** Where the function logs. */
  public readonly logGroup: logs.LogGroup;
  /** The `live` alias: what traffic should be sent to, never the unqualified function. */
  public readonly alias: lambda.Alias;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const externalModules = props.externalModules ?? [];

    // Logs: one group per function, written only by this function.
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);

    // Function: the handler bundle, plus extra bundles and data directories after it.
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: ESBUILD_MAIN_FIELDS,
        banner: REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        bundleAwsSDK: true,
        externalModules,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            ...(props.extraBundles ?? []).map((bundle) =>
              esbuildCommand(inputDir, join(inputDir, bundle.entry), join(outputDir, bundle.outfile), bundle.data ? [] : externalModules, !bundle.data),
            ),
            ...(props.bundledAssets ?? []).map((directory) =>
              copyCommand(join(inputDir, directory.from), join(outputDir, directory.to)),
            ),
            ...(props.licenseNotice ? [copyCommand(join(inputDir, props.licenseNotice), join(outputDir, LICENSE_NOTICE_FILE))] : []),
          ],
        },
      },
    });

    // Alias: the version published for this code and configuration, in service as `live`.
    this.alias = new lambda.Alias(this, 'LiveAlias', {
      aliasName: LIVE_ALIAS_NAME,
      version: this.function.currentVersion,
      description: `The version of ${props.description} in service`,
    });
  }
}

/** The esbuild call for an extra bundle, with the options NodejsFunction uses for `index.mjs`. */
function esbuildCommand(inputDir: string, entry: string, outfile: string, externalModules: readonly string[], sourceMap = true): string {
  return [
    join(inputDir, 'node_modules', '.bin', 'esbuild'),
    '--bundle',
    entry,
    '--platform=node',
    '--format=esm',
    `--target=${ESBUILD_TARGET}`,
    `--main-fields=${ESBUILD_MAIN_FIELDS.join(',')}`,
    '--minify',
    ...(sourceMap ? ['--sourcemap', '--sources-content=false'] : []),
    ...externalModules.map((module) => `--external:${module}`),
    `--banner:js=${REQUIRE_SHIM}`,
    `--outfile=${outfile}`,
  ]
    .map(shellQuote)
    .join(' ');
}

function copyCommand(from: string, to: string): string {
  return `mkdir -p ${shellQuote(dirname(to))} && cp -r ${shellQuote(from)} ${shellQuote(to)}`;
}

/** Quotes one argument for a POSIX shell (the hooks run under `bash -c`). */
function shellQuote(argument: string): string {
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}
