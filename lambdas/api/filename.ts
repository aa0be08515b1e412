/** Longest stored filename, in UTF-8 bytes (what most file systems allow). */
export const MAX_FILENAME_BYTES = 255;

/**
 * Control characters, bidirectional overrides and isolates (which can make `evil\u202Efdp.exe`
 * read as `evilexe.pdf`), and the byte-order mark. Joiners (ZWJ, ZWNJ) are kept: scripts and
 * emoji need them.
 */
const UNSAFE_CHARACTERS = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu;

/**
 * A display name from a client's filename: unicode kept (NFC), control and direction-override
 * characters removed, any path stripped (after the last `/` or `\`), trimmed and shortened to
 * 255 UTF-8 bytes without splitting a character. `undefined` when nothing usable is left.
 *
 * The name is never part of an object key; keys are chosen by the server.
 */
export function sanitizeFilename(raw: string): string | undefined {
  const cleaned = raw.normalize('NFC').replace(UNSAFE_CHARACTERS, '');
  const base = (cleaned.split(/[\\/]/).at(-1) ?? '').trim();
  if (base === '' || base === '.' || base === '..') return undefined;
  let name = '';
  for (const character of base) {
    if (Buffer.byteLength(name + character) > MAX_FILENAME_BYTES) break;
    name += character;
  }
  return name.trim() || undefined;
}

/** `Content-Disposition` for a download: an ASCII fallback plus the exact name (RFC 6266 / 8187). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
