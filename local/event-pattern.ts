/**
 * Lambda event filtering for the local event sources: the subset of the EventBridge pattern
 * syntax the stack's filters use. A pattern is an object whose leaves are arrays of allowed
 * values; a record matches when every leaf's field holds one of them (or, for an array field,
 * contains one). Anything richer (prefix, anything-but, numeric, exists) is refused loudly, so a
 * filter added to the stack that the local runtime cannot honour fails at start, not silently.
 */

export type EventPattern = { readonly [key: string]: EventPattern | readonly (string | number | boolean | null)[] };

/** Throws when the pattern uses syntax this matcher does not implement. */
export function assertSupportedPattern(pattern: unknown, path = ''): asserts pattern is EventPattern {
  if (!pattern || typeof pattern !== 'object' || Array.isArray(pattern)) {
    throw new Error(`Unsupported filter pattern at "${path || '.'}": expected an object`);
  }
  for (const [key, value] of Object.entries(pattern)) {
    const where = path ? `${path}.${key}` : key;
    if (Array.isArray(value)) {
      const rich = value.find((item) => item !== null && typeof item === 'object');
      if (rich !== undefined) {
        throw new Error(`Unsupported filter pattern at "${where}": ${JSON.stringify(rich)} (only exact values are emulated)`);
      }
    } else {
      assertSupportedPattern(value, where);
    }
  }
}

/** Whether `value` matches `pattern`. */
export function matchesPattern(pattern: EventPattern, value: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(expected)) return matchesPattern(expected as EventPattern, actual);
    const candidates = Array.isArray(actual) ? actual : [actual];
    return candidates.some((candidate) => candidate !== undefined && expected.includes(candidate as never));
  });
}

/** Lambda's rule: a record passes when it matches any of the filters (or there are none). */
export function passesFilters(filters: readonly EventPattern[], value: unknown): boolean {
  return filters.length === 0 || filters.some((filter) => matchesPattern(filter, value));
}
