import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildWebPageSync, WEB_ROOT } from '../../web/build.js';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../../web/site-headers.js';
import { PAGE_CONFIG_FILE, type PageConfig } from '../../web/src/page-config.js';

export interface WebSiteProps {
  /** Receives the S3 server access logs of the site bucket and of the CloudFront log bucket. */
  readonly serverAccessLogsBucket: s3.IBucket;
  /**
   * How long CloudFront's access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
  /**
   * What happens to the CloudFront log bucket when it leaves the stack. The site bucket holds
   * only the build, which every deploy writes again, so it is always emptied and deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** What the deployed page's `config.json` tells it: where the API is and how to sign in. */
export interface WebPageSettings {
  /** The API's base URL, no trailing slash. */
  readonly apiUrl: string;
  readonly maxDirectUploadBytes: number;
  readonly maxUploadBytes: number;
  /** The user pool's hosted UI and token endpoint, e.g. `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly cognitoDomain: string;
  /** The public app client the page signs in with; its callback and sign-out URLs must include `callbackUrl`. */
  readonly clientId: string;
  /** The API's scopes, requested at sign-in. */
  readonly scopes: readonly string[];
}

/**
 * The web uploader on CloudFront: a private bucket of its own read through origin access
 * control, HTTPS only, security headers on every answer, standard logs kept in a log bucket.
 * `deployPage` uploads the built page and its `config.json` once the API and the app client
 * exist; the stack creates the site first, because both of those need its URL.
 */
export class WebSite extends Construct {
  /** Private bucket of the built page; only the distribution reads it. */
  public readonly bucket: s3.Bucket;
  /** CloudFront's standard access logs. */
  public readonly logBucket: s3.Bucket;
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  public readonly distribution: cloudfront.Distribution;
  /** `https://<id>.cloudfront.net`, no trailing slash: the page's origin. */
  public readonly url: string;
  /** Where Cognito returns after sign-in and sign-out: the page itself. */
  public readonly callbackUrl: string;
  private pageDeployment?: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;

    // Site bucket: the build only, private, readable by the distribution alone.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: 'web-site/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    // CloudFront's logs: delivered through an ACL grant, which needs ACLs on this bucket.
    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: 'web-site-logs/',
      lifecycleRules: [{ id: 'expire-access-logs', expiration: props.accessLogRetention ?? Duration.days(365) }],
      removalPolicy: logRemovalPolicy,
      autoDeleteObjects: logRemovalPolicy === RemovalPolicy.DESTROY,
    });

    // Security headers. The page connects to the API, the document bucket (presigned uploads,
    // spilled pages) and the Cognito domain, named by the region's endpoints: naming the API
    // itself would make a cycle, since the API's CORS names this distribution.
    const region = Stack.of(this).region;
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'pdf-pipeline web uploader: CSP, HSTS and friends',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy([
            `https://*.execute-api.${region}.amazonaws.com`,
            `https://*.s3.${region}.amazonaws.com`,
            `https://*.auth.${region}.amazoncognito.com`,
          ]),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(SECURITY_HEADERS.strictTransportSecurityMaxAgeSeconds),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: SECURITY_HEADERS.permissionsPolicy, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: SECURITY_HEADERS.crossOriginOpenerPolicy, override: true },
        ],
      },
    });

    // Distribution: HTTPS only, the bucket through origin access control.
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'pdf-pipeline web uploader',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    this.callbackUrl = `${this.url}/`;
  }

  /** The deployment of the page, once `deployPage` has run. */
  public get deployment(): s3deploy.BucketDeployment | undefined {
    return this.pageDeployment;
  }

  /**
   * Uploads the built page and a `config.json` naming the API and the app client, replacing
   * what the bucket held, and invalidates the distribution's cache. Every file is served
   * `no-cache`: browsers revalidate (a 304 when unchanged), so a deploy shows at once.
   */
  public deployPage(settings: WebPageSettings): s3deploy.BucketDeployment {
    if (this.pageDeployment) throw new Error('The web page is already deployed');
    const config: PageConfig = {
      apiUrl: settings.apiUrl,
      maxDirectUploadBytes: settings.maxDirectUploadBytes,
      maxUploadBytes: settings.maxUploadBytes,
      auth: {
        mode: 'cognito',
        domain: settings.cognitoDomain,
        clientId: settings.clientId,
        redirectUri: this.callbackUrl,
        logoutUri: this.callbackUrl,
        scopes: settings.scopes,
      },
    };
    this.pageDeployment = new s3deploy.BucketDeployment(this, 'Page', {
      sources: [pageAsset(), s3deploy.Source.jsonData(PAGE_CONFIG_FILE, config)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      cacheControl: [s3deploy.CacheControl.noCache()],
      memoryLimit: 256,
    });
    return this.pageDeployment;
  }
}

/**
 * The page, built by esbuild at synth time on this machine (no Docker: the image below is
 * never pulled, since local bundling always succeeds). Hashed by source, so an unchanged page
 * is not uploaded again.
 */
function pageAsset(): s3deploy.ISource {
  return s3deploy.Source.asset(WEB_ROOT, {
    assetHashType: AssetHashType.SOURCE,
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      local: {
        tryBundle(outputDir: string): boolean {
          buildWebPageSync(outputDir);
          return true;
        },
      },
    },
  });
}
