/** A page of a listing and the error for a cursor a listing did not issue: shared by every store that lists. */

/** One page of a listing, with an opaque cursor for the next page (absent on the last). */
export interface Listing<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

// Listings refuse cursors they did not issue with the one codec's error.
export { InvalidCursorError } from './cursor.js';
