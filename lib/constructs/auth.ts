import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface AuthProps {
  /** Identifier of the API's resource server; scopes are `<identifier>/<scope>`. */
  readonly resourceServerIdentifier: string;
  /** The API's scopes (short names) with what each allows. */
  readonly scopes: Readonly<Record<string, string>>;
  /**
   * Use this user pool instead of creating one; the resource server and app client are still
   * created in it, the admin group is not (it must exist there: the pool's owner manages it).
   * @default - a new user pool
   */
  readonly existingUserPoolId?: string;
  /**
   * The group whose members the API treats as administrators; access tokens carry it in
   * `cognito:groups`. Created in a new user pool.
   */
  readonly adminGroupName: string;
  /**
   * Prefix of the Cognito domain (`<prefix>.auth.<region>.amazoncognito.com`) serving sign-in
   * and the token endpoint; globally unique per region.
   * @default - no domain (an existing pool usually has one)
   */
  readonly domainPrefix?: string;
  /** Where the authorization code flow may return to. */
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  /**
   * Whether users must set up a second factor (TOTP).
   * @default cognito.Mfa.OPTIONAL
   */
  readonly mfa?: cognito.Mfa;
  /**
   * Lifetime of access tokens.
   * @default Duration.hours(1)
   */
  readonly accessTokenValidity?: Duration;
  /**
   * What happens to a created user pool when it leaves the stack; `RETAIN` also turns on
   * deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Who may call the API: a Cognito user pool (created, or an existing one), a resource server
 * with the API's OAuth scopes, a public app client for mobile and web apps (authorization code
 * with PKCE; no secret) whose access tokens carry those scopes, the administrators' group, and
 * the hosted sign-in domain.
 *
 * Users are created by an administrator (self sign-up is off); see docs/api.md, Users and tokens.
 */
export class Auth extends Construct {
  public readonly userPool: cognito.IUserPool;
  public readonly resourceServer: cognito.UserPoolResourceServer;
  public readonly appClient: cognito.UserPoolClient;
  /** The hosted sign-in and token endpoint domain, when one is created here. */
  public readonly domain?: cognito.UserPoolDomain;
  /** Every scope of the API as a token carries it, e.g. `pdf-pipeline/documents.read`. */
  public readonly fullScopes: readonly string[];
  /** The administrators' group, when the user pool is created here. */
  public readonly adminGroup?: cognito.CfnUserPoolGroup;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // User pool: email sign-in, strong passwords, optional or required TOTP, admin-created users.
    this.userPool = props.existingUserPoolId
      ? cognito.UserPool.fromUserPoolId(this, 'UserPool', props.existingUserPoolId)
      : new cognito.UserPool(this, 'UserPool', {
          selfSignUpEnabled: false,
          signInAliases: { email: true },
          autoVerify: { email: true },
          standardAttributes: { email: { required: true, mutable: true } },
          passwordPolicy: {
            minLength: 12,
            requireLowercase: true,
            requireUppercase: true,
            requireDigits: true,
            requireSymbols: true,
            tempPasswordValidity: Duration.days(3),
          },
          mfa: props.mfa ?? cognito.Mfa.OPTIONAL,
          mfaSecondFactor: { otp: true, sms: false },
          accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
          featurePlan: cognito.FeaturePlan.ESSENTIALS,
          deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
          removalPolicy,
        });

    // Resource server: the API's scopes.
    const scopes = Object.entries(props.scopes).map(
      ([scopeName, scopeDescription]) => new cognito.ResourceServerScope({ scopeName, scopeDescription }),
    );
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: props.resourceServerIdentifier,
      userPoolResourceServerName: props.resourceServerIdentifier,
      scopes,
    });
    this.fullScopes = scopes.map((resourceScope) => `${props.resourceServerIdentifier}/${resourceScope.scopeName}`);

    // App client: public (mobile and browser apps keep no secret), code grant with PKCE.
    this.appClient = this.userPool.addClient('AppClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [
          cognito.OAuthScope.OPENID,
          cognito.OAuthScope.EMAIL,
          ...scopes.map((resourceScope) => cognito.OAuthScope.resourceServer(this.resourceServer, resourceScope)),
        ],
        callbackUrls: [...props.callbackUrls],
        logoutUrls: [...props.logoutUrls],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: props.accessTokenValidity ?? Duration.hours(1),
      idTokenValidity: props.accessTokenValidity ?? Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });

    // Administrators: a group, so that membership is managed in Cognito and travels in the token.
    if (!props.existingUserPoolId) {
      this.adminGroup = new cognito.CfnUserPoolGroup(this, 'AdminGroup', {
        userPoolId: this.userPool.userPoolId,
        groupName: props.adminGroupName,
        description: "Administrators of the pdf-pipeline API: read and act on any owner's documents, read the audit trail, redrive the dead-letter queues",
      });
    }

    // Domain: where apps send users to sign in and exchange codes for tokens.
    if (props.domainPrefix) {
      this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    }
  }
}
