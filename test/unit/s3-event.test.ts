import { describe, expect, it } from 'vitest';
import { compareSequencers, decodeS3Key, MalformedMessageError, parseS3Message } from '../../lambdas/extract/s3-event.js';

const record = (key: string, overrides: Record<string, unknown> = {}) => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'eu-west-1',
  eventTime: '2026-11-23T10:00:00.000Z',
  eventName: 'ObjectCreated:Put',
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'extract',
    bucket: { name: 'docs', arn: 'arn:aws:s3:::docs' },
    object: { key, size: 1234, eTag: 'abc', versionId: 'v1', sequencer: '0055AED6DCD90281E5' },
  },
  ...overrides,
});

describe('parseS3Message', () => {
  it('acknowledges the s3:TestEvent that S3 sends when notifications are configured', () => {
    const body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'docs', RequestId: 'r', HostId: 'h' });

    expect(parseS3Message(body)).toEqual({ kind: 'test-event' });
  });

  it('returns every ObjectCreated record of a message with several records', () => {
    const body = JSON.stringify({ Records: [record('incoming/u1/a.pdf'), record('incoming/u1/b.pdf')] });

    const message = parseS3Message(body);

    expect(message).toMatchObject({
      kind: 'objects-created',
      objects: [
        { bucket: 'docs', key: 'incoming/u1/a.pdf', size: 1234, versionId: 'v1', sequencer: '0055AED6DCD90281E5' },
        { key: 'incoming/u1/b.pdf' },
      ],
    });
  });

  it('decodes URL-encoded keys: + is a space, %xx escapes and unicode', () => {
    const encoded = 'incoming/user-1/Q3+report+%2B+notes+100%25+%E6%97%A5%E6%9C%AC.PDF';

    const message = parseS3Message(JSON.stringify({ Records: [record(encoded)] }));

    expect(message.kind === 'objects-created' && message.objects[0]?.key).toBe(
      'incoming/user-1/Q3 report + notes 100% 日本.PDF',
    );
  });

  it('skips records that are not ObjectCreated events', () => {
    const body = JSON.stringify({
      Records: [record('incoming/u1/a.pdf', { eventName: 'ObjectRemoved:Delete' }), record('incoming/u1/b.pdf')],
    });

    const message = parseS3Message(body);

    expect(message.kind === 'objects-created' && message.objects.map((o) => o.key)).toEqual(['incoming/u1/b.pdf']);
  });

  it('treats a zero-byte object (size 0) as a created object for the core to judge', () => {
    const zeroByte = record('incoming/u1/empty.pdf');
    zeroByte.s3.object.size = 0;

    const message = parseS3Message(JSON.stringify({ Records: [zeroByte] }));

    expect(message.kind === 'objects-created' && message.objects[0]?.size).toBe(0);
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['JSON without Records', JSON.stringify({ hello: 'world' })],
    ['a record without a sequencer', JSON.stringify({ Records: [{ ...record('k'), s3: { bucket: { name: 'b' }, object: { key: 'k' } } }] })],
  ])('rejects %s as malformed', (_name, body) => {
    expect(() => parseS3Message(body)).toThrow(MalformedMessageError);
  });
});

describe('decodeS3Key', () => {
  it('leaves a plain key unchanged', () => {
    expect(decodeS3Key('uploads/u1/doc.pdf')).toBe('uploads/u1/doc.pdf');
  });
});

describe('compareSequencers', () => {
  it('orders sequencers of equal length as hexadecimal strings', () => {
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6')).toBeLessThan(0);
    expect(compareSequencers('0055AED6DCD90281E6', '0055AED6DCD90281E5')).toBeGreaterThan(0);
    expect(compareSequencers('0055AED6DCD90281E5', '0055aed6dcd90281e5')).toBe(0);
  });

  it('right-pads the shorter sequencer with zeros before comparing, as AWS documents', () => {
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E500')).toBe(0);
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E501')).toBeLessThan(0);
  });
});
