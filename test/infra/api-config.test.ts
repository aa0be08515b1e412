import { describe, expect, it } from 'vitest';
import { CONFIGS, ENVIRONMENT_NAMES, validateConfig, type EnvironmentConfig } from '../../lib/config.js';

const MB = 1024 * 1024;
const withApi = (api: Partial<EnvironmentConfig['api']>, auth: Partial<EnvironmentConfig['auth']> = {}): EnvironmentConfig => ({
  ...CONFIGS.dev,
  api: { ...CONFIGS.dev.api, ...api },
  auth: { ...CONFIGS.dev.auth, ...auth },
});

describe('API config rules', () => {
  it.each(ENVIRONMENT_NAMES)('accepts the %s config', (envName) => {
    expect(() => validateConfig(CONFIGS[envName])).not.toThrow();
  });

  it.each([
    ['a direct upload limit a Lambda payload cannot carry base64-encoded', withApi({ maxDirectUploadBytes: 6 * MB }), 'api.maxDirectUploadBytes'],
    ['presigned uploads the extractor would refuse', withApi({ maxPresignedUploadBytes: 200 * MB }), 'extraction.maxPdfBytes'],
    ['an origin with a path', withApi({ allowedOrigins: ['https://app.example.com/'] }), 'api.allowedOrigins'],
    ['a plain-http origin other than localhost', withApi({ allowedOrigins: ['http://app.example.com'] }), 'api.allowedOrigins'],
    ['a per-minute quota above the per-day one', withApi({ quotas: { uploadsPerMinute: 100, uploadsPerDay: 10 } }), 'api.quotas'],
    ['a presigned URL outliving SigV4', withApi({ presignedUrlTtlSeconds: 8 * 24 * 3600 }), 'api.presignedUrlTtlSeconds'],
    ['a domain prefix Cognito refuses', withApi({}, { domainPrefix: 'my-cognito-app' }), 'auth.domainPrefix'],
    ['no callback URL', withApi({}, { callbackUrls: [] }), 'auth.callbackUrls'],
  ])('refuses %s', (_name, config, problem) => {
    expect(() => validateConfig(config)).toThrow(problem);
  });
});
