import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AUDIT_TABLE_LAYOUT } from '../../lambdas/shared/contract.js';

export interface AuditTrailProps {
  /**
   * What happens to the table when it leaves the stack; `RETAIN` also turns on deletion
   * protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The audit trail's store: a table of its own, so it keeps its own retention (TTL), its own
 * backups (point-in-time recovery) and its own permissions, apart from the documents it is about.
 * The key layout (a partition per day, indexes by document and by actor) is `AUDIT_TABLE_LAYOUT`.
 *
 * Append-only by permission: writers get `grantAppendAndQuery`, which allows `PutItem` (the code
 * writes with a condition that no item has the key) and `Query`, and nothing that updates or
 * deletes. Only DynamoDB TTL removes entries.
 */
export class AuditTrail extends Construct {
  /** Audit entries: on demand, encrypted, point-in-time recovery, TTL on `expiresAt`. */
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: AuditTrailProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const { partitionKey, sortKey, documentIndex, actorIndex, ttlAttribute } = AUDIT_TABLE_LAYOUT;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: ttlAttribute,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    for (const index of [documentIndex, actorIndex]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /**
   * Lets `grantee` append entries and query the table and its two indexes, by name (no index
   * wildcard), and nothing else: no `UpdateItem`, `DeleteItem`, `BatchWriteItem` or `Scan`.
   */
  grantAppendAndQuery(grantee: iam.IGrantable): iam.Grant {
    const { documentIndex, actorIndex } = AUDIT_TABLE_LAYOUT;
    const append = iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:PutItem'], resourceArns: [this.table.tableArn] });
    const query = iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [this.table.tableArn, ...[documentIndex, actorIndex].map((index) => `${this.table.tableArn}/index/${index.name}`)],
    });
    return append.combine(query);
  }
}
