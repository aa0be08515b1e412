import { createHash } from 'node:crypto';

/**
 * The id of a drop-folder document, derived from where its bytes live so that a redelivered
 * or duplicated event finds the same record. Formatted as an RFC 9562 version-8 UUID, the
 * layout reserved for name-based ids of one's own, so it looks like the API's random ids.
 */
export function deriveDocumentId(bucket: string, key: string, versionId: string | undefined): string {
  const digest = createHash('sha256').update(`${bucket}\n${key}\n${versionId ?? 'null'}`).digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
