/** The one cursor codec every listing uses: what it issues decodes to the same value; anything else is refused. */
import { describe, expect, it } from 'vitest';
import { CURSOR_VERSION, decodeCursor, encodeCursor, InvalidCursorError } from '../../lambdas/shared/cursor.js';

const readPage = ({ p }: Readonly<Record<string, unknown>>) => (typeof p === 'number' && Number.isInteger(p) && p >= 0 ? p : undefined);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('encodeCursor / decodeCursor', () => {
  it('gives back the fields it encoded, in an opaque URL-safe string', () => {
    // Act
    const cursor = encodeCursor({ c: '2026-01-02T03:04:05.000Z', d: 'doc-1' });
    const decoded = decodeCursor(cursor, ({ c, d }) => ({ c, d }));

    // Assert
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decoded).toEqual({ c: '2026-01-02T03:04:05.000Z', d: 'doc-1' });
  });

  it.each([
    ['not base64url JSON', '!!not*base64~~'],
    ['JSON that is not an object', base64url([1, 2])],
    ['JSON null', base64url(null)],
    ['another version', base64url({ v: CURSOR_VERSION + 1, p: 3 })],
    ['no version', base64url({ p: 3 })],
    ['fields the listing does not issue', base64url({ v: CURSOR_VERSION, p: -1 })],
    ['another listing’s cursor', encodeCursor({ k: 'SUB#1' })],
  ])('refuses %s with InvalidCursorError', (_, cursor) => {
    expect(() => decodeCursor(cursor, readPage)).toThrow(InvalidCursorError);
  });
});
