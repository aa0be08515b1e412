/**
 * Every cdk-nag (AwsSolutions) finding this app acknowledges, each with the reason it stands.
 *
 * cdk-nag v3 reads acknowledgements from `Validations.of(construct).acknowledge()`; a finding
 * with a detail (`IAM5[Resource::…]`) is acknowledged one detail at a time, so a new wildcard
 * added later is still reported.
 */
import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { KEY_PREFIXES, NOTIFIED_PREFIXES } from '../lambdas/shared/contract.js';
import type { PdfPipelineStack } from './pdf-pipeline-stack.js';

export function acknowledgeNagFindings(stack: PdfPipelineStack): void {
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
      'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions. The infra tests assert that no other action is granted on "*".',
  });
  Validations.of(extractor.function).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Pinned to nodejs22.x on purpose: the bundle targets node22 and the code is tested on Node 22 (the `node` devDependency); runtime, esbuild target and toolchain move together.',
  });

  // CDK-managed custom resource: the function that puts the bucket's notification configuration.
  for (const handler of stack.node.children.filter((child) => child.node.id.startsWith('BucketNotificationsHandler'))) {
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK-managed BucketNotificationsHandler (runs only during deployment); CDK fixes its role to AWSLambdaBasicExecutionRole, which only lets it write its own logs.',
    });
  }
}

/** How cdk-nag writes a resource's `Fn::GetAtt Arn` inside a finding, e.g. `<StorageBucket5CB7C8EA.Arn>`. */
function arnInFinding(resource: CfnResource): string {
  return `<${Stack.of(resource).getLogicalId(resource)}.Arn>`;
}
