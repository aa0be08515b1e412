/**
 * The one builder of S3 notifications (the local runtime's, a reprocess's, a test's): what it
 * writes is what the extractor reads back, and it carries S3's own fields only when given them.
 */
import { describe, expect, it } from 'vitest';
import { parseS3Message } from '../../lambdas/extract/s3-event.js';
import { objectCreatedEvent, objectCreatedMessage } from '../../lambdas/shared/s3-notification.js';

const OBJECT = { bucket: 'docs', key: 'incoming/user 1/Rapport été (v2).pdf', size: 1234, sequencer: '0055AED6DCD90281E5' };
const EVENT_TIME = new Date('2026-03-04T05:06:07.000Z');

describe('objectCreatedMessage', () => {
  it('is read back by the extractor as the same object, whatever the key holds', () => {
    // Act
    const message = objectCreatedMessage({ ...OBJECT, eTag: 'abc', versionId: 'v1' }, { configurationId: 'rule', eventTime: EVENT_TIME });

    // Assert
    expect(parseS3Message(message)).toEqual({
      kind: 'objects-created',
      objects: [{ ...OBJECT, eTag: 'abc', versionId: 'v1', eventTime: EVENT_TIME.toISOString() }],
    });
  });

  it('encodes the key as S3 does: + for a space, %XX for the rest, / kept', () => {
    const [record] = objectCreatedEvent(OBJECT, { configurationId: 'rule', eventTime: EVENT_TIME }).Records;

    expect(record?.s3?.object.key).toBe('incoming/user+1/Rapport+%C3%A9t%C3%A9+%28v2%29.pdf');
  });

  it('leaves out the fields only S3 knows unless given them, and carries them when it is', () => {
    // Act
    const [sent] = objectCreatedEvent(OBJECT, { configurationId: 'pdf-pipeline-reprocess', eventTime: EVENT_TIME }).Records;
    const [forwarded] = objectCreatedEvent(OBJECT, {
      configurationId: 'rule',
      eventTime: EVENT_TIME,
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      region: 'eu-west-1',
      origin: { principalId: 'AWS:000000000000', bucketOwnerId: '000000000000', sourceIpAddress: '127.0.0.1', requestId: 'R', hostId: 'H' },
    }).Records;

    // Assert
    expect(sent).not.toHaveProperty('awsRegion');
    expect(sent).not.toHaveProperty('userIdentity');
    expect(sent?.eventName).toBe('ObjectCreated:Put');
    expect(sent?.s3?.configurationId).toBe('pdf-pipeline-reprocess');
    expect(forwarded).toMatchObject({
      awsRegion: 'eu-west-1',
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      userIdentity: { principalId: 'AWS:000000000000' },
      responseElements: { 'x-amz-request-id': 'R', 'x-amz-id-2': 'H' },
      s3: { bucket: { name: 'docs', ownerIdentity: { principalId: '000000000000' }, arn: 'arn:aws:s3:::docs' } },
    });
  });
});
