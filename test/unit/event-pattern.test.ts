import { describe, expect, it } from 'vitest';
import { assertSupportedPattern, matchesPattern, passesFilters } from '../../local/event-pattern.js';

describe('local event filtering', () => {
  it('matches nested exact values, any of a list', () => {
    const pattern = { a: { b: ['x', 'y'] }, c: [1] };

    expect(matchesPattern(pattern, { a: { b: 'y' }, c: 1, other: true })).toBe(true);
    expect(matchesPattern(pattern, { a: { b: 'z' }, c: 1 })).toBe(false);
    expect(matchesPattern(pattern, { a: { b: 'x' } })).toBe(false);
  });

  it('matches an array field when it contains an allowed value', () => {
    expect(matchesPattern({ tags: ['red'] }, { tags: ['blue', 'red'] })).toBe(true);
    expect(matchesPattern({ tags: ['red'] }, { tags: ['blue'] })).toBe(false);
  });

  it('passes everything without filters, and what matches any filter with several', () => {
    expect(passesFilters([], { anything: 1 })).toBe(true);
    expect(passesFilters([{ a: [1] }, { a: [2] }], { a: 2 })).toBe(true);
    expect(passesFilters([{ a: [1] }, { a: [2] }], { a: 3 })).toBe(false);
  });

  it('refuses pattern syntax it does not emulate, rather than matching wrongly', () => {
    expect(() => assertSupportedPattern({ a: [{ prefix: 'x' }] })).toThrow(/Unsupported filter pattern at "a"/);
    expect(() => assertSupportedPattern({ a: { b: [{ 'anything-but': ['x'] }] } })).toThrow(/"a.b"/);
    expect(() => assertSupportedPattern({ a: { b: ['x'] } })).not.toThrow();
  });
});
