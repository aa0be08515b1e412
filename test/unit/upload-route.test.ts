/** The one rule for which way a file goes to the API, shared by the CLI, the web page and the load test. */
import { describe, expect, it } from 'vitest';
import { chooseUploadRoute } from '../../api-client/upload-route.js';
import { CONFIGS } from '../../lib/config.js';

const limits = { maxDirectUploadBytes: 1000, maxPresignedUploadBytes: 5000 };

describe('chooseUploadRoute', () => {
  it.each([
    [1, 'direct'],
    [1000, 'direct'],
    [1001, 'presigned'],
    [5000, 'presigned'],
    [5001, undefined],
    [0, 'direct'],
  ])('sends %i bytes %s', (size, expected) => {
    expect(chooseUploadRoute(size, limits)).toBe(expected);
  });

  it('sends a file just above the deployed direct limit through a presigned POST', () => {
    const { api } = CONFIGS.prod;

    expect(chooseUploadRoute(api.maxDirectUploadBytes, api)).toBe('direct');
    expect(chooseUploadRoute(api.maxDirectUploadBytes + 1, api)).toBe('presigned');
  });
});
