/**
 * `deployment`: how new function code reaches traffic. Every function serves through its `live`
 * alias; CodeDeploy shifts the extractor's and the API function's alias to a new version, rolling
 * back when one of their alarms fires.
 */
import { z } from 'zod';
import { atLeast, oneOf } from '../rules.js';

/** CodeDeploy's predefined ways of shifting a Lambda alias to a new version. */
export const LAMBDA_DEPLOYMENT_CONFIGS = [
  'ALL_AT_ONCE',
  'CANARY_10PERCENT_5MINUTES',
  'CANARY_10PERCENT_10MINUTES',
  'CANARY_10PERCENT_15MINUTES',
  'CANARY_10PERCENT_30MINUTES',
  'LINEAR_10PERCENT_EVERY_1MINUTE',
  'LINEAR_10PERCENT_EVERY_2MINUTES',
  'LINEAR_10PERCENT_EVERY_3MINUTES',
  'LINEAR_10PERCENT_EVERY_10MINUTES',
] as const;
export type LambdaDeploymentConfigName = (typeof LAMBDA_DEPLOYMENT_CONFIGS)[number];

export const deploymentSchema = z.strictObject({
  lambdaConfig: oneOf(LAMBDA_DEPLOYMENT_CONFIGS).describe("how CodeDeploy shifts the extractor's and the API's `live` alias to a new version"),
  aliasErrorsPerMinute: atLeast(1).describe("failed invocations of a `live` alias in a minute that roll a deployment back"),
});
export type DeploymentConfig = z.infer<typeof deploymentSchema>;
