/**
 * Word-overlap fidelity: how much of a reference text's words another extraction reproduces.
 *
 * Definition (also written into the report):
 * - Both texts are NFKC-normalized (ligatures such as "ﬁ" and Arabic presentation forms become
 *   their plain letters; full-width Latin becomes ASCII) and lower-cased.
 * - A token is either a single CJK character (Han, Hiragana, Katakana, Bopomofo, "ー"), since
 *   Chinese and Japanese put no spaces between words and whole runs would match all or nothing,
 *   or a maximal run of other letters, combining marks and digits. Punctuation and whitespace
 *   separate tokens and are not tokens themselves, so layout differences (line breaks, tabs,
 *   column order within a line) do not count, but words glued together or split apart do.
 * - Tokens are compared as multisets, ignoring order: matched = Σ over tokens of
 *   min(count in reference, count in candidate).
 *   recall = matched / reference tokens, precision = matched / candidate tokens,
 *   F1 = 2 · precision · recall / (precision + recall). Fidelity is F1.
 */

export const WORD_OVERLAP_DEFINITION =
  'F1 of multiset word overlap between our text and pdftotext (plain mode), after NFKC normalization and lower-casing; ' +
  'tokens are single CJK characters (Han, Hiragana, Katakana, Bopomofo, ー) or maximal runs of other letters/marks/digits; ' +
  'matched = Σ min(count in pdftotext, count in ours); recall = matched / pdftotext tokens; precision = matched / our tokens. ' +
  'Mean is over files where both succeed and pdftotext yields at least 20 tokens, each file weighted equally.';

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\u30FC`;
const TOKEN = new RegExp(String.raw`[${CJK}]|(?:(?![${CJK}])[\p{L}\p{M}\p{N}])+`, 'gu');

export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(TOKEN) ?? [];
}

export interface WordOverlap {
  readonly referenceTokens: number;
  readonly candidateTokens: number;
  readonly matchedTokens: number;
  readonly recall: number;
  readonly precision: number;
  readonly f1: number;
  /** The reference tokens most often missing from the candidate, with how many are missing. */
  readonly mostMissing: readonly (readonly [string, number])[];
  /** The candidate tokens most often absent from the reference, with how many are extra. */
  readonly mostExtra: readonly (readonly [string, number])[];
}

function countTokens(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/** Tokens of `from` in excess of `other`, most frequent first. */
function surplus(from: Map<string, number>, other: Map<string, number>, limit: number): [string, number][] {
  return [...from]
    .map(([token, count]): [string, number] => [token, count - (other.get(token) ?? 0)])
    .filter(([, excess]) => excess > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit);
}

export function wordOverlap(reference: string, candidate: string, sampleSize = 8): WordOverlap {
  const referenceCounts = countTokens(tokenize(reference));
  const candidateCounts = countTokens(tokenize(candidate));
  const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, count) => sum + count, 0);
  const referenceTokens = total(referenceCounts);
  const candidateTokens = total(candidateCounts);

  let matchedTokens = 0;
  for (const [token, count] of referenceCounts) matchedTokens += Math.min(count, candidateCounts.get(token) ?? 0);

  const recall = referenceTokens === 0 ? 0 : matchedTokens / referenceTokens;
  const precision = candidateTokens === 0 ? 0 : matchedTokens / candidateTokens;
  const f1 = recall + precision === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    referenceTokens,
    candidateTokens,
    matchedTokens,
    recall,
    precision,
    f1,
    mostMissing: surplus(referenceCounts, candidateCounts, sampleSize),
    mostExtra: surplus(candidateCounts, referenceCounts, sampleSize),
  };
}
