/**
 * What `pdf-pipeline login --env <env>` needs of a deployed stack: the Cognito domain as the
 * output `AuthUrl`, and an app client that lets the sign-in return to the CLI's loopback URL.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_LOGIN_CALLBACK_URL, ENVIRONMENT_NAMES } from '../../lib/config.js';
import { environment, logicalId, synthesizeEnvironments } from '../infra/app-fixture.js';

beforeAll(synthesizeEnvironments);

describe.each(ENVIRONMENT_NAMES)('the %s stack, for login', (envName) => {
  it('outputs the Cognito domain as AuthUrl', () => {
    const { stack, template } = environment(envName);

    const outputs = template.findOutputs('AuthUrl');

    expect(Object.keys(outputs)).toEqual(['AuthUrl']);
    expect(JSON.stringify(outputs.AuthUrl!.Value)).toContain(logicalId(stack.auth.domain!));
  });

  it('allows the CLI’s loopback callback on the app client', () => {
    const { template } = environment(envName);

    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: Match.arrayWith([CLI_LOGIN_CALLBACK_URL]),
      AllowedOAuthFlows: ['code'],
    });
  });
});
