import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { Construct } from 'constructs';
import type { LambdaDeploymentConfigName } from '../config.js';
import type { NodeFunction } from './node-function.js';

/** A function whose new versions go out through CodeDeploy. */
export interface DeployedFunction {
  /** Names the deployment group and its alarm within this construct, e.g. `Extractor`. */
  readonly name: string;
  /** The function; its `live` alias is what CodeDeploy shifts. */
  readonly function: NodeFunction;
  /**
   * Alarms that already watch the function (error rate, throttles): any of them in ALARM stops
   * a deployment and rolls it back, beside the alias's own errors alarm.
   * @default - only the alias's errors alarm
   */
  readonly alarms?: readonly cloudwatch.IAlarm[];
}

export interface SafeDeploymentProps {
  /** How traffic shifts from the version in service to the new one. */
  readonly deploymentConfig: LambdaDeploymentConfigName;
  /** Failed invocations of a `live` alias within one minute that roll a deployment back. */
  readonly aliasErrorsPerMinute: number;
  /** The functions deployed this way. */
  readonly functions: readonly DeployedFunction[];
}

/**
 * Safe deploys: one CodeDeploy application, and for each function a deployment group that moves
 * its `live` alias to the version a deploy published, as the configured deployment shifts
 * traffic (all at once, a canary, or linear steps), and moves it back automatically when the
 * deployment fails, is stopped, or one of the function's alarms fires meanwhile.
 *
 * During a canary or linear step the alias is weighted between the two versions. Lambda applies
 * the weight to every invocation through the alias, whatever invokes it: API Gateway requests
 * and the batches an SQS event source mapping delivers alike. So with the extractor's event
 * sources on the alias, the new version extracts its share of real documents during the canary,
 * and the alarms below judge it on real traffic.
 *
 * Each function also gets an alarm on the errors of its alias per minute: the functions' own
 * error-rate alarms look at five-minute periods, slower than a five-minute canary.
 */
export class SafeDeployment extends Construct {
  public readonly application: codedeploy.LambdaApplication;
  /** Deployment groups by function name. */
  public readonly deploymentGroups: Readonly<Record<string, codedeploy.LambdaDeploymentGroup>>;
  /** The alias errors alarms by function name. */
  public readonly aliasErrorAlarms: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: SafeDeploymentProps) {
    super(scope, id);
    this.application = new codedeploy.LambdaApplication(this, 'Application');
    const deploymentConfig = codedeploy.LambdaDeploymentConfig[props.deploymentConfig];

    const groups: Record<string, codedeploy.LambdaDeploymentGroup> = {};
    const aliasAlarms: Record<string, cloudwatch.Alarm> = {};
    for (const deployed of props.functions) {
      const { alias } = deployed.function;

      // Alarm: invocations of the alias that failed as a whole, per minute.
      aliasAlarms[deployed.name] = new cloudwatch.Alarm(this, `${deployed.name}AliasErrors`, {
        alarmDescription: `${props.aliasErrorsPerMinute}+ failed invocations of ${deployed.name}'s live alias in a minute: rolls back a deployment in progress.`,
        metric: alias.metricErrors({ statistic: 'Sum', period: Duration.minutes(1) }),
        threshold: props.aliasErrorsPerMinute,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // Lambda publishes nothing for a minute without invocations: nothing failed.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

      // Deployment group: shifts the alias, rolls back on failure, stop or alarm.
      groups[deployed.name] = new codedeploy.LambdaDeploymentGroup(this, `${deployed.name}DeploymentGroup`, {
        application: this.application,
        alias,
        deploymentConfig,
        alarms: [aliasAlarms[deployed.name]!, ...(deployed.alarms ?? [])],
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      });
    }
    this.deploymentGroups = groups;
    this.aliasErrorAlarms = aliasAlarms;
  }
}
