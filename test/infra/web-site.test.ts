/**
 * The web uploader as deployed: a private bucket of its own behind CloudFront with origin access
 * control, HTTPS only, security headers, standard logs, the built page with a generated
 * `config.json`, the `WebUrl` output, and its URL among the API's origins and the app client's
 * callback URLs. Environments with `web.enabled: false` get none of it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIGS, ENVIRONMENT_NAMES, validateConfig } from '../../lib/config.js';
import { buildWebPageSync } from '../../web/build.js';
import { environment, logicalId, propertiesOf, render, synthesizeEnvironments } from './app-fixture.js';
import { API_ENV } from '../../lambdas/api/contract.js';

beforeAll(synthesizeEnvironments);

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

const enabled = ENVIRONMENT_NAMES.filter((envName) => environment(envName).config.web.enabled);
const disabled = ENVIRONMENT_NAMES.filter((envName) => !environment(envName).config.web.enabled);

describe('web.enabled', () => {
  it('is on for dev', () => {
    expect(enabled).toContain('dev');
  });

  it('needs a Cognito domain to sign in through: an existing user pool must name its domain prefix', () => {
    // Arrange
    const auth = { ...CONFIGS.dev.auth, existingUserPoolId: 'eu-west-1_AbCdEf123' };

    // Act & Assert
    expect(() => validateConfig({ ...CONFIGS.dev, auth })).toThrow('web.enabled signs in through a Cognito domain');
    expect(() => validateConfig({ ...CONFIGS.dev, auth: { ...auth, domainPrefix: 'my-app-dev' } })).not.toThrow();
    expect(() => validateConfig({ ...CONFIGS.dev, auth, web: { enabled: false } })).not.toThrow();
  });
});

describe.each(enabled)('web site (%s)', (envName) => {
  const { config, stack, template } = environment(envName);
  const site = stack.webSite!;
  const resources = template.toJSON().Resources as Resources;
  const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);
  const distribution = propertiesOf(template, logicalId(site.distribution)).DistributionConfig as Record<string, any>;
  const distributionDomain = `${logicalId(site.distribution)}.DomainName`;
  const siteUrl = `https://${distributionDomain}`;

  it('keeps the page in a private bucket of its own: public access blocked, encrypted, TLS only, access-logged', () => {
    const bucket = propertiesOf(template, logicalId(site.bucket)) as Record<string, any>;
    const policy = ofType('AWS::S3::BucketPolicy').find((candidate) => render(candidate.Properties.Bucket) === logicalId(site.bucket))!;
    const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>;

    expect(logicalId(site.bucket)).not.toBe(logicalId(stack.storage.bucket));
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(bucket.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logicalId(stack.storage.accessLogBucket) }, LogFilePrefix: 'web-site/' });
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(statements.filter((statement) => statement.Effect === 'Allow' && JSON.stringify(statement.Principal).includes('"*"'))).toEqual([]);
  });

  it('lets only this distribution read the bucket, through origin access control', () => {
    const [oac] = ofType('AWS::CloudFront::OriginAccessControl');
    const [origin] = distribution.Origins as Array<Record<string, any>>;
    const policy = ofType('AWS::S3::BucketPolicy').find((candidate) => render(candidate.Properties.Bucket) === logicalId(site.bucket))!;
    const read = (policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>).find(
      (statement) => statement.Principal?.Service === 'cloudfront.amazonaws.com',
    )!;

    expect(ofType('AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    expect(oac!.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    expect(render(origin!.DomainName)).toBe(`${logicalId(site.bucket)}.RegionalDomainName`);
    expect(origin!.OriginAccessControlId).toBeDefined();
    expect(origin!.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(read).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject' });
    expect(render(read.Condition.StringEquals['AWS:SourceArn'])).toContain(logicalId(site.distribution));
    expect(ofType('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
  });

  it('serves HTTPS only (HTTP is redirected), GET and HEAD only, with the page at the root', () => {
    expect(distribution.DefaultRootObject).toBe('index.html');
    expect(distribution.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      Compress: true,
    });
  });

  it('answers with security headers: a strict CSP, HSTS, no framing, no sniffing, no referrer', () => {
    const policy = propertiesOf(template, logicalId(site.responseHeadersPolicy)).ResponseHeadersPolicyConfig as Record<string, any>;
    const headers = policy.SecurityHeadersConfig;
    const csp = render(headers.ContentSecurityPolicy.ContentSecurityPolicy);

    expect(render(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId)).toBe(`${logicalId(site.responseHeadersPolicy)}`);
    for (const directive of ["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) expect(csp).toContain(directive);
    expect(csp).toContain(
      `connect-src 'self' https://*.execute-api.${config.region}.amazonaws.com https://*.s3.${config.region}.amazonaws.com https://*.auth.${config.region}.amazoncognito.com`,
    );
    expect(headers).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
  });

  it('writes CloudFront’s access logs to a log bucket with the configured retention', () => {
    const logBucket = propertiesOf(template, logicalId(site.logBucket)) as Record<string, any>;

    expect(render(distribution.Logging.Bucket)).toBe(`${logicalId(site.logBucket)}.RegionalDomainName`);
    expect(logBucket.LifecycleConfiguration.Rules).toEqual([
      { Id: 'expire-access-logs', ExpirationInDays: config.storage.accessLogRetentionDays, Status: 'Enabled' },
    ]);
    expect(logBucket.PublicAccessBlockConfiguration.BlockPublicAcls).toBe(true);
  });

  it('deploys the built page and a config.json naming the API, the Cognito domain and the app client, then invalidates the cache', () => {
    const [deployment] = ofType('Custom::CDKBucketDeployment');
    const markers = JSON.stringify(deployment!.Properties.SourceMarkers);

    expect(ofType('Custom::CDKBucketDeployment')).toHaveLength(1);
    expect(deployment!.Properties).toMatchObject({
      DestinationBucketName: { Ref: logicalId(site.bucket) },
      DistributionId: { Ref: logicalId(site.distribution) },
      DistributionPaths: ['/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      Prune: true,
    });
    expect(deployment!.Properties.SourceObjectKeys).toHaveLength(2);
    expect(markers).toContain(logicalId(stack.api.restApi));
    expect(markers).toContain(logicalId(stack.auth.appClient));
    expect(markers).toContain(logicalId(stack.auth.domain!));
    expect(markers).toContain(logicalId(site.distribution));
  });

  it('puts the site’s URL among the API’s origins, the bucket’s CORS origins and the app client’s redirect URLs', () => {
    const client = propertiesOf(template, logicalId(stack.auth.appClient)) as Record<string, any>;
    const apiFunction = propertiesOf(template, logicalId(stack.api.handler.function)) as Record<string, any>;
    const bucketCors = (propertiesOf(template, logicalId(stack.storage.bucket)) as Record<string, any>).CorsConfiguration.CorsRules as Array<Record<string, any>>;

    expect(client.CallbackURLs.map(render)).toEqual([...config.auth.callbackUrls, `${siteUrl}/`]);
    expect(client.LogoutURLs.map(render)).toEqual([...config.auth.logoutUrls, `${siteUrl}/`]);
    expect(render(apiFunction.Environment.Variables[API_ENV.allowedOrigins])).toBe([...config.api.allowedOrigins, siteUrl].join(','));
    expect(bucketCors[0]!.AllowedOrigins.map(render)).toEqual([...config.api.allowedOrigins, siteUrl]);
  });

  it('outputs WebUrl', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    expect(render(outputs.WebUrl!.Value)).toBe(siteUrl);
  });
});

describe.each(disabled)('no web site (%s)', (envName) => {
  it('creates no distribution, site bucket, page deployment or WebUrl', () => {
    const { stack, template } = environment(envName);

    expect(stack.webSite).toBeUndefined();
    expect(template.findResources('AWS::CloudFront::Distribution')).toEqual({});
    expect(template.findResources('Custom::CDKBucketDeployment')).toEqual({});
    expect(template.toJSON().Outputs.WebUrl).toBeUndefined();
  });
});

describe('the page asset', () => {
  it('is built into index.html, one script and one stylesheet, without config.json', () => {
    // Arrange
    const outDir = mkdtempSync(join(tmpdir(), 'pdf-pipeline-web-build-'));

    try {
      // Act
      buildWebPageSync(outDir);
      const html = readFileSync(join(outDir, 'index.html'), 'utf8');

      // Assert
      expect(html).toContain('src="/main.js"');
      expect(html).toContain('href="/styles.css"');
      expect(existsSync(join(outDir, 'main.js'))).toBe(true);
      expect(existsSync(join(outDir, 'styles.css'))).toBe(true);
      expect(existsSync(join(outDir, 'config.json'))).toBe(false);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
