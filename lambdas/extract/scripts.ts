/** Unicode scripts worth hinting at, with the ranges that identify them. */
const SCRIPTS: readonly [name: string, pattern: RegExp][] = [
  ['Latin', /\p{Script=Latin}/gu],
  ['Han', /\p{Script=Han}/gu],
  ['Hiragana', /\p{Script=Hiragana}/gu],
  ['Katakana', /\p{Script=Katakana}/gu],
  ['Hangul', /\p{Script=Hangul}/gu],
  ['Arabic', /\p{Script=Arabic}/gu],
  ['Hebrew', /\p{Script=Hebrew}/gu],
  ['Cyrillic', /\p{Script=Cyrillic}/gu],
  ['Greek', /\p{Script=Greek}/gu],
  ['Devanagari', /\p{Script=Devanagari}/gu],
  ['Thai', /\p{Script=Thai}/gu],
];

/** Scripts below this share of the letters are noise (a stray symbol, a name). */
const MIN_SHARE = 0.05;

/**
 * The writing systems of a text sample, most used first: a cheap hint for routing documents
 * (say, to OCR or translation) that needs no language model. Empty when there are no letters.
 */
export function detectScripts(sample: string): string[] {
  const counts = SCRIPTS.map(([name, pattern]) => [name, sample.match(pattern)?.length ?? 0] as const);
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return [];
  return counts
    .filter(([, count]) => count / total >= MIN_SHARE)
    .sort((a, b) => b[1] - a[1])
    .map(([name]) => name);
}
