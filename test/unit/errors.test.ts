import { describe, expect, it } from 'vitest';
import { isTransientAwsError } from '../../lambdas/shared/errors.js';

const awsError = (name: string, httpStatusCode?: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

describe('isTransientAwsError', () => {
  it.each([
    ['DynamoDB throttling', awsError('ProvisionedThroughputExceededException', 400)],
    ['S3 SlowDown', awsError('SlowDown', 503)],
    ['an unnamed 500', awsError('UnknownError', 500)],
    ['a 429', awsError('Whatever', 429)],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['an SDK timeout', awsError('TimeoutError')],
  ])('treats %s as transient', (_name, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    ['access denied', awsError('AccessDenied', 403)],
    ['a validation error', awsError('ValidationException', 400)],
    ['a plain error', new Error('boom')],
    ['a non-error', 'boom'],
  ])('treats %s as not transient', (_name, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });
});
