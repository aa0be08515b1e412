/**
 * The environment the stack gives the API function, with test values: unit tests build the
 * API's settings from it (through the real `loadApiSettings`), overriding only what they are about.
 */
export const TEST_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/extract';

export function apiTestEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    TABLE_NAME: 'documents',
    BUCKET_NAME: 'docs',
    QUEUE_URL: TEST_QUEUE_URL,
    DEAD_LETTER_QUEUE_URL: `${TEST_QUEUE_URL}-dlq`,
    PURGE_QUEUE_URL: `${TEST_QUEUE_URL}-purge`,
    MAX_DIRECT_UPLOAD_BYTES: '4000000',
    MAX_PRESIGNED_UPLOAD_BYTES: '100000000',
    PRESIGNED_URL_TTL_SECONDS: '900',
    DOWNLOAD_URL_TTL_SECONDS: '300',
    UPLOAD_EXPIRY_GRACE_SECONDS: '600',
    UPLOADS_PER_MINUTE: '10',
    UPLOADS_PER_DAY: '100',
    IDEMPOTENCY_TTL_SECONDS: '86400',
    DELETED_RETENTION_SECONDS: '604800',
    AUDIT_TABLE_NAME: 'audit',
    AUDIT_RETENTION_DAYS: '30',
    ...overrides,
  };
}
