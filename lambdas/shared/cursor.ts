/**
 * The one codec of the API's cursors. Every listing (documents, pages, audit entries, webhooks)
 * hands out an opaque string: a versioned JSON object, base64url-encoded. Each listing says what
 * its fields must be; a cursor that does not decode to them (forged, truncated, from another
 * listing or an older version) is refused the same way everywhere, before it reaches a query.
 */

/** Bumped when a listing's cursor fields change meaning: older cursors are then refused, not misread. */
export const CURSOR_VERSION = 1;

/** A cursor this API did not issue (or that was tampered with); the API answers 400 INVALID_CURSOR. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';

  constructor(message = 'The cursor is not one this API issued.') {
    super(message);
  }
}

export type CursorFields = Readonly<Record<string, string | number>>;

export function encodeCursor(fields: CursorFields): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, ...fields })).toString('base64url');
}

/**
 * The value a cursor stands for: `read` gets the decoded fields and returns the value, or
 * `undefined` when they are not what its listing issues.
 */
export function decodeCursor<T>(cursor: string, read: (fields: Readonly<Record<string, unknown>>) => T | undefined): T {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new InvalidCursorError();
  const fields = payload as Record<string, unknown>;
  const value = fields.v === CURSOR_VERSION ? read(fields) : undefined;
  if (value === undefined) throw new InvalidCursorError();
  return value;
}
