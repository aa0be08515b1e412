import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../lambdas/api/operations/tables.js';

describe('table CSV', () => {
  it('quotes fields with commas, quotes or line breaks, doubling quotes, and leaves the rest bare', () => {
    expect(csvField('5,664')).toBe('"5,664"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('')).toBe('');
  });

  it('ends every row with CRLF, as RFC 4180 writes it', () => {
    expect(toCsv([['a', 'b'], ['1,5', '']])).toBe('a,b\r\n"1,5",\r\n');
  });
});
