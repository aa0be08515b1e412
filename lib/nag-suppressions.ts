/**
 * Every cdk-nag (AwsSolutions) finding this app acknowledges, each with the reason it stands.
 *
 * cdk-nag v3 reads acknowledgements from `Validations.of(construct).acknowledge()`; a finding
 * with a detail (`IAM5[Resource::…]`) is acknowledged one detail at a time, so a new wildcard
 * added later is still reported.
 */
import { DefaultStackSynthesizer, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type { CfnUserPool } from 'aws-cdk-lib/aws-cognito';
import { KEY_PREFIXES, NOTIFIED_PREFIXES } from '../lambdas/shared/contract.js';
import type { PdfPipelineStack } from './pdf-pipeline-stack.js';

/** `textract`: the extractor reads scans with Amazon Textract (its grant is on "*"). */
export function acknowledgeNagFindings(stack: PdfPipelineStack, options: { readonly textract?: boolean } = {}): void {
  const { bucket, table } = stack.storage;
  const { extractor } = stack.extraction;
  const bucketArn = arnInFinding(bucket.node.defaultChild as CfnResource);
  const tableArn = arnInFinding(table.node.defaultChild as CfnResource);

  // Extractor: wildcards that scope access rather than widen it.
  const extractorPolicy = Validations.of(extractor.role);
  for (const prefix of NOTIFIED_PREFIXES) {
    extractorPolicy.acknowledge({
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`,
      reason: `Reads original PDFs, which arrive under any key below ${prefix}; access is limited to that prefix.`,
    });
  }
  extractorPolicy.acknowledge({
    id: `AwsSolutions-IAM5[Resource::${bucketArn}/${KEY_PREFIXES.results}*]`,
    reason: `Writes spilled page text and metadata under ${KEY_PREFIXES.results}<documentId>/; PutObject is limited to that prefix.`,
  });
  extractorPolicy.acknowledge({
    id: `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`,
    reason: "Table.grantReadWriteData covers the document table's own indexes (byOwner); no other table is reachable.",
  });
  extractorPolicy.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      options.textract
        ? 'Active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) and OCR with Amazon Textract (textract:DetectDocumentText, the page sent as bytes) support no resource-level permissions. The infra tests assert that no other action is granted on "*".'
        : 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions. The infra tests assert that no other action is granted on "*".',
  });
  Validations.of(extractor.function).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Pinned to nodejs22.x on purpose: the bundle targets node22 and the code is tested on Node 22 (the `node` devDependency); runtime, esbuild target and toolchain move together.',
  });

  // Document-event publisher: the same runtime choice and X-Ray wildcard as the extractor, and
  // the stream read grant's one account-wide action.
  const { publisher, failedEvents } = stack.documentEvents;
  Validations.of(publisher.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'xray:PutTraceSegments/PutTelemetryRecords (active tracing) and dynamodb:ListStreams (granted with stream read by the event source) support no resource-level permissions; the stream itself is read by its ARN only.',
  });
  Validations.of(publisher.function).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Pinned to nodejs22.x on purpose, like the extractor: the bundle targets node22 and the code is tested on Node 22 (the `node` devDependency).',
  });
  Validations.of(failedEvents).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself a dead-letter destination: the on-failure destination of the table-stream event source. A queue behind it would only hide failures from the EventPublishingFailed alarm.',
  });

  // Webhook delivery function: the same runtime choice and X-Ray wildcard; the table's indexes.
  const { deliverer } = stack.webhooks;
  const delivererPolicy = Validations.of(deliverer.role);
  delivererPolicy.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions. The infra tests assert that no other action is granted on "*".',
  });
  delivererPolicy.acknowledge({
    id: `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`,
    reason: "Table.grantReadWriteData covers the document table's own indexes (byOwner); webhooks live in that table, and no other table is reachable.",
  });
  Validations.of(deliverer.function).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'Pinned to nodejs22.x on purpose, like the extractor: the bundle targets node22 and the code is tested on Node 22 (the `node` devDependency).',
  });
  Validations.of(stack.webhooks.deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the webhook delivery queue (and of its EventBridge rule target); the WebhookDeadLetterQueueNotEmpty alarm watches it.',
  });

  acknowledgeApiNagFindings(stack);
  acknowledgeWebSiteNagFindings(stack);

  // CDK-managed custom resource: the function that puts the bucket's notification configuration.
  for (const handler of stack.node.children.filter((child) => child.node.id.startsWith('BucketNotificationsHandler'))) {
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK-managed BucketNotificationsHandler (runs only during deployment); CDK fixes its role to AWSLambdaBasicExecutionRole, which only lets it write its own logs.',
    });
  }
}

/**
 * The API's acknowledgements: its three functions (API, purge, sweeper), the public health
 * route, and the choices about MFA, the Cognito feature plan and WAF, each with its reason.
 */
function acknowledgeApiNagFindings(stack: PdfPipelineStack): void {
  const { bucket, table } = stack.storage;
  const bucketArn = arnInFinding(bucket.node.defaultChild as CfnResource);
  const tableArn = arnInFinding(table.node.defaultChild as CfnResource);
  const functions = [
    {
      fn: stack.api.handler,
      prefixes: {
        [KEY_PREFIXES.uploads]: 'Writes direct uploads (and signs presigned POSTs) under uploads/<ownerId>/<documentId>.pdf, reads originals there for downloads',
        [KEY_PREFIXES.bulkUploads]:
          'Writes uploads that asked for the bulk lane (and signs their presigned POSTs) under bulk-uploads/<ownerId>/<documentId>.pdf, reads originals there for downloads',
        [KEY_PREFIXES.incoming]: 'Signs download URLs of drop-folder originals, which live under any key below incoming/',
        [KEY_PREFIXES.results]: 'Reads page text, tables and metadata that spilled under results/<documentId>/ to inline them in answers',
      },
    },
    {
      fn: stack.cleanup.purger,
      prefixes: {
        [KEY_PREFIXES.uploads]: "Deletes every version of a deleted document's API upload",
        [KEY_PREFIXES.bulkUploads]: "Deletes every version of a deleted document's API upload made in the bulk lane",
        [KEY_PREFIXES.incoming]: "Deletes every version of a deleted drop-folder document's original",
        [KEY_PREFIXES.results]: "Deletes a deleted document's spilled results under results/<documentId>/",
      },
    },
    {
      fn: stack.cleanup.sweeper,
      prefixes: {
        [KEY_PREFIXES.uploads]: 'Checks whether an expired upload arrived (HeadObject) and removes uploads of documents deleted before they arrived',
        [KEY_PREFIXES.bulkUploads]:
          'Checks whether an expired bulk-lane upload arrived (HeadObject) and removes such uploads of documents deleted before they arrived',
        [KEY_PREFIXES.incoming]: 'Finishes purges whose request was lost: deletes every version of a deleted drop-folder original',
        [KEY_PREFIXES.results]: "Finishes purges whose request was lost: deletes a deleted document's spilled results",
      },
    },
  ];
  for (const { fn, prefixes } of functions) {
    const policy = Validations.of(fn.role);
    for (const [prefix, use] of Object.entries(prefixes)) {
      policy.acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`,
        reason: `${use}; object keys are chosen per document, so access is scoped to the ${prefix} prefix.`,
      });
    }
    policy.acknowledge({
      id: `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`,
      reason: "Table.grantReadWriteData covers the document table's own indexes (byOwner, which lists a caller's documents); no other table is reachable.",
    });
    policy.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
    Validations.of(fn.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose, like the extractor: the bundle targets node22 and the code is tested on Node 22 (the `node` devDependency).',
    });
  }

  // The one public route: load balancers and uptime checks call it without credentials.
  const health = stack.api.restApi.root.resourceForPath('/v1/health').node.tryFindChild('GET');
  if (health) {
    for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
      Validations.of(health).acknowledge({
        id,
        reason:
          'GET /v1/health is public by design (uptime checks carry no token); it reveals only ok/unavailable and is covered by stage throttling. Every other route uses the Cognito authorizer.',
      });
    }
  }

  Validations.of(stack.api.restApi.deploymentStage).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason:
      'No WAF web ACL: abuse is bounded by stage throttling, per-user upload quotas in DynamoDB and Cognito auth on every data route; a web ACL (priced per ACL and request) is an account-level choice operators can attach to the stage.',
  });

  // Safe deploys: CodeDeploy's role for shifting Lambda aliases.
  for (const group of Object.values(stack.deployment.deploymentGroups)) {
    Validations.of(group.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        "CodeDeploy's own policy for Lambda deployments, which the deployment group construct always attaches: it may only read and update aliases, invoke CodeDeployHook_* functions and publish to CodeDeployTopic_* topics. AWS keeps it in step with what a rollback needs; a copy of ours could lag behind and make a rollback fail.",
    });
  }

  const userPool = stack.auth.userPool.node.defaultChild as CfnUserPool | undefined;
  if (userPool) {
    if (userPool.mfaConfiguration !== 'ON') {
      Validations.of(userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is optional (TOTP) for consumer mobile and web users, per environment config (auth.mfa); set it to REQUIRED to force a second factor.',
      });
    }
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials feature plan: the Plus plan (threat protection) is priced per monthly active user and is a business decision; users are admin-created, self sign-up is off and passwords are strong.',
    });
  }
}

/**
 * The web uploader's acknowledgements: the distribution's certificate, WAF and geography, and
 * the function CDK's BucketDeployment runs to copy the page into the site bucket.
 */
function acknowledgeWebSiteNagFindings(stack: PdfPipelineStack): void {
  const site = stack.webSite;
  if (!site) return;
  const distribution = Validations.of(site.distribution);
  distribution.acknowledge({
    id: 'AwsSolutions-CFR4',
    reason:
      'The distribution uses its default *.cloudfront.net certificate, whose minimum TLS version CloudFront fixes; a custom domain with an ACM certificate would allow TLSv1.2_2021. Viewers are redirected to HTTPS and the page carries no secrets (tokens stay in the browser).',
  });
  distribution.acknowledge({
    id: 'AwsSolutions-CFR2',
    reason:
      'No WAF web ACL on the static page, as on the API stage: the page is public static files; the data behind it is protected by Cognito, stage throttling and per-user quotas. A web ACL is an account-level choice operators can attach.',
  });
  distribution.acknowledge({
    id: 'AwsSolutions-CFR1',
    reason: 'No geo restriction: users sign in from anywhere; access is decided by Cognito accounts, not by country.',
  });

  // CDK's BucketDeployment: one Lambda per stack (and memory size) that copies assets into buckets.
  const assetBucket = `arn:aws:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-${stack.region}/*`;
  const siteBucketArn = arnInFinding(site.bucket.node.defaultChild as CfnResource);
  for (const handler of stack.node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'))) {
    const deployer = Validations.of(handler);
    deployer.acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'CDK-managed BucketDeployment handler (runs only during deployment); CDK fixes its role to AWSLambdaBasicExecutionRole, which only lets it write its own logs.',
    });
    for (const detail of ['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', `Resource::${assetBucket}`]) {
      deployer.acknowledge({
        id: `AwsSolutions-IAM5[${detail}]`,
        reason: "CDK's asset grant: the BucketDeployment handler reads the built page from the CDK asset bucket of this account and region, nothing else.",
      });
    }
    for (const detail of ['Action::s3:Abort*', 'Action::s3:DeleteObject*', `Resource::${siteBucketArn}/*`]) {
      deployer.acknowledge({
        id: `AwsSolutions-IAM5[${detail}]`,
        reason: "CDK's write grant on the site bucket only: the handler replaces the page's files and prunes the ones a new build no longer has.",
      });
    }
    deployer.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudfront:CreateInvalidation and GetInvalidation, which CDK grants on "*" so the handler can invalidate the site\'s cache after a deploy.',
    });
    deployer.acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'CDK-managed BucketDeployment handler: aws-cdk-lib chooses and updates its runtime (it runs the AWS CLI layer), not this app.',
    });
  }
}

/** How cdk-nag writes a resource's `Fn::GetAtt Arn` inside a finding, e.g. `<StorageBucket5CB7C8EA.Arn>`. */
function arnInFinding(resource: CfnResource): string {
  return `<${Stack.of(resource).getLogicalId(resource)}.Arn>`;
}
