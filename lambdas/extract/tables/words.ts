import type { Box, LayoutWord, PageLayout } from '../../shared/page-layout.js';

export const centreX = (box: Box) => (box[0] + box[2]) / 2;
export const centreY = (box: Box) => (box[1] + box[3]) / 2;
export const heightOf = (box: Box) => box[3] - box[1];

/** Every word of the page with text and a finite box, whatever line the layout put it on. */
export function pageWords(layout: PageLayout): LayoutWord[] {
  return layout.lines.flatMap((line) => line.words).filter((word) => word.text.trim() !== '' && word.box.every(Number.isFinite) && word.box[3] > word.box[1]);
}

/**
 * Groups words into visual lines: words whose vertical centres lie within half a line height of
 * the line's are on it. The layout's own lines follow reading order, which in a table may run
 * down a column; tables need the rows as drawn. Lines come top to bottom, words left to right.
 */
export function visualLines(words: readonly LayoutWord[]): LayoutWord[][] {
  const sorted = [...words].sort((a, b) => centreY(a.box) - centreY(b.box));
  const lines: { words: LayoutWord[]; centre: number; height: number }[] = [];
  for (const word of sorted) {
    const line = lines[lines.length - 1];
    const centre = centreY(word.box);
    if (line && Math.abs(centre - line.centre) <= Math.min(line.height, heightOf(word.box)) * 0.4) {
      line.words.push(word);
      line.centre = (line.centre * (line.words.length - 1) + centre) / line.words.length;
      line.height = Math.max(line.height, heightOf(word.box));
    } else {
      lines.push({ words: [word], centre, height: heightOf(word.box) });
    }
  }
  return lines.map((line) => line.words.sort((a, b) => a.box[0] - b.box[0]));
}

/** A superscript is at most this share of the size of the word before it... */
const SUPERSCRIPT_SCALE = 0.8;
/** ...and its foot sits at least this share of that word's height above the word's foot. */
const SUPERSCRIPT_RISE = 0.2;

/**
 * Whether `word` is set as a superscript of `before` (a footnote mark, an exponent): markedly
 * smaller and raised off its baseline. Font sizes decide when both words have one (a glyph's box
 * varies with its shape: a CJK comma makes its word's box taller at the same size); box heights
 * otherwise. A subscript (lowered) or small capitals (on the baseline) are not raised.
 */
export function isSuperscript(word: LayoutWord, before: LayoutWord): boolean {
  const beforeHeight = heightOf(before.box);
  if (!(beforeHeight > 0)) return false;
  const scale = word.size !== undefined && before.size !== undefined && before.size > 0 ? word.size / before.size : heightOf(word.box) / beforeHeight;
  const rise = (before.box[3] - word.box[3]) / beforeHeight;
  return scale <= SUPERSCRIPT_SCALE && rise >= SUPERSCRIPT_RISE;
}

/**
 * Words that touch (a bracket or comma after its word) are one run of text. A superscript stays a
 * word of its own even when it touches: joined, a footnote mark would become the last digit of
 * the number it marks (`273.879.750` and its mark `1` read `273.879.7501`). Apart, it reads as the
 * page's text and the Markdown's paragraphs read it.
 */
function lineText(line: readonly LayoutWord[]): string {
  return line
    .map((word, index) => {
      const before = line[index - 1];
      if (!before) return word.text;
      const touching = word.box[0] - before.box[2] < 0.1 * Math.min(heightOf(word.box), heightOf(before.box));
      return touching && !isSuperscript(word, before) ? word.text : ` ${word.text}`;
    })
    .join('');
}

const HYPHENATED = /\p{Ll}[-\u00ad\u0002]$/u;

/** Leader dots that run a label out to its column (". . . . ." or "......"): layout, not text. */
const LEADER = /(?:\s*\.){3,}\s*$|\s+\.{2,}\s*$/;

/**
 * The text of a cell's words: visual lines top to bottom, words left to right, one space between,
 * words hyphenated at a line's end joined (soft hyphens dropped), without trailing leader dots.
 */
export function joinText(words: readonly LayoutWord[]): string {
  const lines = visualLines(words).map(lineText);
  let text = '';
  for (const line of lines) {
    // A word broken at the line's end by a hyphen goes on at the start of the next line.
    // A soft hyphen goes; a hyphen that was typed stays (non-hazardous), with no space after it.
    const broken = HYPHENATED.exec(text);
    if (broken && /^\p{Ll}/u.test(line)) text = text.slice(0, broken.index + 1) + (text.endsWith('-') ? '-' : '') + line;
    else text = text === '' ? line : `${text} ${line}`;
  }
  text = text.replace(/\s+/g, ' ').trim();
  const stripped = text.replace(LEADER, '');
  return stripped === '' ? text : stripped;
}

const NUMERIC = /^[(\-−–+△▲$€£¥]*[\d.,]*\d[\d.,]*%?\)?\*?$/;

/** Whether a cell's text is a number as tables print them (signs, currency, thousands, %, parentheses). */
export function isNumeric(text: string): boolean {
  return NUMERIC.test(text.replace(/\s+/g, ''));
}
