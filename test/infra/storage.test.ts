import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_LAYOUT } from '../../lambdas/shared/contract.js';
import { ENVIRONMENT_NAMES } from '../../lib/config.js';
import { environment, logicalId, propertiesOf, synthesizeEnvironments } from './app-fixture.js';

beforeAll(synthesizeEnvironments);

const BLOCK_ALL = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};
const S3_MANAGED_ENCRYPTION = {
  ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
};

describe.each(ENVIRONMENT_NAMES)('storage (%s)', (envName) => {
  describe('document bucket', () => {
    it('is private, S3-encrypted and versioned', () => {
      // Arrange
      const { stack, template } = environment(envName);

      // Act
      const bucket = propertiesOf(template, logicalId(stack.storage.bucket));

      // Assert
      expect(bucket).toMatchObject({
        PublicAccessBlockConfiguration: BLOCK_ALL,
        BucketEncryption: S3_MANAGED_ENCRYPTION,
        VersioningConfiguration: { Status: 'Enabled' },
      });
    });

    it('expires noncurrent versions and aborts incomplete multipart uploads as configured', () => {
      // Arrange
      const { config, stack, template } = environment(envName);

      // Act
      const { LifecycleConfiguration } = propertiesOf(template, logicalId(stack.storage.bucket));

      // Assert
      expect(LifecycleConfiguration).toEqual({
        Rules: expect.arrayContaining([
          expect.objectContaining({
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: config.storage.noncurrentVersionExpirationDays },
          }),
          expect.objectContaining({
            Status: 'Enabled',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: config.storage.abortIncompleteMultipartUploadDays },
          }),
        ]),
      });
    });

    it('writes server access logs to the access-log bucket', () => {
      // Arrange
      const { stack, template } = environment(envName);

      // Act
      const { LoggingConfiguration } = propertiesOf(template, logicalId(stack.storage.bucket));

      // Assert
      expect(LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logicalId(stack.storage.accessLogBucket) } });
    });
  });

  describe('access-log bucket', () => {
    it('is private, S3-encrypted and expires logs as configured', () => {
      // Arrange
      const { config, stack, template } = environment(envName);

      // Act
      const logBucket = propertiesOf(template, logicalId(stack.storage.accessLogBucket));

      // Assert
      expect(logBucket).toMatchObject({
        PublicAccessBlockConfiguration: BLOCK_ALL,
        BucketEncryption: S3_MANAGED_ENCRYPTION,
        LifecycleConfiguration: {
          Rules: [expect.objectContaining({ Status: 'Enabled', ExpirationInDays: config.storage.accessLogRetentionDays })],
        },
      });
    });
  });

  it.each([
    ['document bucket', 'bucket'],
    ['access-log bucket', 'accessLogBucket'],
  ] as const)('%s denies requests without TLS', (_name, member) => {
    // Arrange
    const { stack, template } = environment(envName);
    const bucketId = logicalId(stack.storage[member]);

    // Assert
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  describe('document table', () => {
    it('uses the shared key layout, on-demand billing, PITR, AWS-managed encryption and TTL', () => {
      // Arrange
      const { stack, template } = environment(envName);

      // Act
      const table = propertiesOf(template, logicalId(stack.storage.table));

      // Assert
      expect(table).toMatchObject({
        KeySchema: [
          { AttributeName: TABLE_LAYOUT.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_LAYOUT.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: TABLE_LAYOUT.ttlAttribute, Enabled: true },
      });
      expect(table.AttributeDefinitions).toEqual(
        expect.arrayContaining(
          [TABLE_LAYOUT.partitionKey, TABLE_LAYOUT.sortKey, TABLE_LAYOUT.ownerIndex.partitionKey, TABLE_LAYOUT.ownerIndex.sortKey].map(
            (name) => ({ AttributeName: name, AttributeType: 'S' }),
          ),
        ),
      );
    });

    it('lists an owner\'s documents through the byOwner index, projecting everything, and finds them by content through byContent', () => {
      // Arrange
      const { stack, template } = environment(envName);

      // Act
      const { GlobalSecondaryIndexes } = propertiesOf(template, logicalId(stack.storage.table));

      // Assert
      expect(GlobalSecondaryIndexes).toEqual([
        {
          IndexName: TABLE_LAYOUT.ownerIndex.name,
          KeySchema: [
            { AttributeName: TABLE_LAYOUT.ownerIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_LAYOUT.ownerIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: TABLE_LAYOUT.contentIndex.name,
          KeySchema: [
            { AttributeName: TABLE_LAYOUT.contentIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_LAYOUT.contentIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ]);
    });
  });

  describe('removal policy', () => {
    it('follows the config for both buckets and the table', () => {
      // Arrange
      const { config, stack, template } = environment(envName);
      const expected = config.storage.removalPolicy === 'retain' ? 'Retain' : 'Delete';
      const resources = template.toJSON().Resources;

      // Assert
      for (const construct of [stack.storage.bucket, stack.storage.accessLogBucket, stack.storage.table]) {
        expect(resources[logicalId(construct)]).toMatchObject({ DeletionPolicy: expected, UpdateReplacePolicy: expected });
      }
    });

    it('empties the buckets on deletion only where data is destroyed with the stack', () => {
      // Arrange
      const { config, stack, template } = environment(envName);
      const autoDeletes = template.findResources('Custom::S3AutoDeleteObjects');
      const emptiedBuckets = Object.values(autoDeletes).map((resource) => resource.Properties.BucketName);

      // Assert
      if (config.storage.removalPolicy === 'destroy') {
        expect(emptiedBuckets).toEqual(
          expect.arrayContaining([{ Ref: logicalId(stack.storage.bucket) }, { Ref: logicalId(stack.storage.accessLogBucket) }]),
        );
      } else {
        expect(emptiedBuckets).toEqual([]);
      }
    });

    it('protects the table from deletion where data is retained', () => {
      // Arrange
      const { config, stack, template } = environment(envName);

      // Act
      const { DeletionProtectionEnabled } = propertiesOf(template, logicalId(stack.storage.table));

      // Assert
      expect(DeletionProtectionEnabled).toBe(config.storage.removalPolicy === 'retain');
    });
  });
});

describe('removal policy of prod', () => {
  it('retains the bucket, the access logs and the table', () => {
    // Arrange
    const { stack, template } = environment('prod');
    const resources = template.toJSON().Resources;

    // Assert
    for (const construct of [stack.storage.bucket, stack.storage.accessLogBucket, stack.storage.table]) {
      expect(resources[logicalId(construct)].DeletionPolicy).toBe('Retain');
    }
  });
});
