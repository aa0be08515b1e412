/**
 * Turns a page's characters, in PDFium's order, into the page's text and its layout (lines of
 * words with boxes). Pure: the characters come through `PageChars`, so tests can hand-make them.
 *
 * PDFium already orders characters as they are read and marks line ends with generated `\r\n`;
 * a word broken by a hyphen at a line end comes joined, with the hyphen marked (U+0002 here,
 * U+FFFE in its text API). The text therefore reads `extraction` where the page shows
 * `extrac-⏎tion`, as pdftotext has it, while the layout keeps the two lines as drawn.
 */
import { roundCoordinate, unionBoxes, type Box, type LayoutLine, type LayoutWord } from '../shared/page-layout.js';

/** What the layout needs of one character; boxes in layout coordinates (see page-layout.ts). */
export interface PageChars {
  readonly count: number;
  /** The character's Unicode code point (0 when unknown). */
  unicode(index: number): number;
  /**
   * The font maps the glyph to no trustworthy Unicode (PDFium guessed it from the glyph's code):
   * such characters are noise, like `ϲΒϴΒ` for an Arabic word. Asked only of non-ASCII characters.
   */
  unmapped(index: number): boolean;
  box(index: number): Box;
  fontSize(index: number): number;
  /** Bold and italic hints of the character's font. */
  style(index: number): FontStyle;
  /**
   * The character is drawn invisibly (text render mode 3 or 7), as the OCR layer a scanner or
   * ocrmypdf lays over a scan is. Asked once per word. @default never
   */
  invisible?(index: number): boolean;
}

export interface FontStyle {
  readonly bold: boolean;
  readonly italic: boolean;
}

export interface LaidOutPage {
  readonly text: string;
  readonly lines: readonly LayoutLine[];
  /** The words drawn invisibly, space-separated: a scan's OCR layer, if it has one. Part of `text` too. */
  readonly invisibleText: string;
}

/** PDFium's mark for a hyphen at a line end, where it joins the word's two halves. */
const SOFT_HYPHEN_MARKS = new Set([0x02, 0xfffe]);
/**
 * Words on one line further apart than this many times their font size are separate cells:
 * the text joins them with a tab rather than a space, so columns stay apparent in plain text.
 */
const CELL_GAP_EMS = 1.2;
const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const SPACE = 0x20;

function isSpace(code: number): boolean {
  return code <= 0x20 || code === 0xa0 || (code >= 0x2000 && code <= 0x200b) || code === 0x3000;
}

/** Presentation forms (ligatures such as `ﬁ`, Arabic contextual forms) are folded to the letters they stand for. */
function isPresentationForm(code: number): boolean {
  return code >= 0xfb00 && code <= 0xfeff;
}

/** UTF-16 code units to a string, in chunks small enough for the argument list. */
function codeUnitsToString(units: readonly number[]): string {
  const CHUNK = 8192;
  let text = '';
  for (let start = 0; start < units.length; start += CHUNK) text += String.fromCharCode(...units.slice(start, start + CHUNK));
  return text;
}

interface WordInProgress {
  /** Where the word starts and ends in the page's text (code units). */
  start: number;
  end: number;
  first: number;
  last: number;
  /** Its first half ends a line with a hyphen the text leaves out. */
  hyphenated: boolean;
}

interface PendingWord {
  readonly start: number;
  readonly end: number;
  readonly hyphenated: boolean;
  readonly box: Box;
  readonly size: number;
  readonly style: FontStyle;
  readonly invisible: boolean;
}

/**
 * Lays out the characters of one page as text and lines of words. Built for speed: this runs
 * for every character of every page, so the text is gathered as code units and each word's
 * text is cut from it at the end; boxes and fonts are read once per word, not per character.
 */
export function layOutPage(chars: PageChars): LaidOutPage {
  const units: number[] = [];
  const pendingLines: PendingWord[][] = [];
  let words: PendingWord[] = [];
  let word: WordInProgress | undefined;
  /** A space seen since the last word: the separator is chosen when the next word starts. */
  let spaceBefore = false;

  const push = (code: number) => {
    if (isPresentationForm(code)) {
      const folded = String.fromCharCode(code).normalize('NFKC');
      for (let index = 0; index < folded.length; index += 1) units.push(folded.charCodeAt(index));
    } else if (code > 0xffff) {
      units.push(0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff));
    } else {
      units.push(code);
    }
  };
  const endWord = () => {
    if (!word) return;
    const first = chars.box(word.first);
    const last = word.last === word.first ? first : chars.box(word.last);
    words.push({
      start: word.start,
      end: word.end,
      hyphenated: word.hyphenated,
      box: [Math.min(first[0], last[0]), Math.min(first[1], last[1]), Math.max(first[2], last[2]), Math.max(first[3], last[3])],
      size: chars.fontSize(word.first),
      style: chars.style(word.first),
      invisible: chars.invisible?.(word.first) ?? false,
    });
    word = undefined;
  };
  const endLine = () => {
    endWord();
    if (words.length > 0) pendingLines.push(words);
    words = [];
    spaceBefore = false;
  };

  const count = chars.count;
  for (let index = 0; index < count; index += 1) {
    const code = chars.unicode(index);
    if (code === CR || code === LF) {
      if (code === CR && index + 1 < count && chars.unicode(index + 1) === LF) index += 1;
      endLine();
      units.push(LF);
    } else if (SOFT_HYPHEN_MARKS.has(code)) {
      // The word goes on in the text; in the layout, its first half ends this line.
      if (word) word.hyphenated = true;
      endLine();
    } else if (code === 0 || isSpace(code) || (code >= 0x80 && chars.unmapped(index))) {
      endWord();
      spaceBefore = words.length > 0;
    } else {
      if (!word) {
        if (spaceBefore) {
          const previous = words[words.length - 1]!;
          const gap = chars.box(index)[0] - previous.box[2];
          units.push(gap > CELL_GAP_EMS * (previous.size > 0 ? previous.size : chars.fontSize(index)) ? TAB : SPACE);
        }
        spaceBefore = false;
        word = { start: units.length, end: units.length, first: index, last: index, hyphenated: false };
      }
      push(code);
      word.end = units.length;
      word.last = index;
    }
  }
  endLine();

  while (units.length > 0 && units[units.length - 1] === LF) units.pop();
  const text = codeUnitsToString(units);
  const invisibleWords: string[] = [];
  const lines = pendingLines.map((pending): LayoutLine => {
    const lineWords = pending.map(toLayoutWord(text));
    pending.forEach((word, index) => word.invisible && invisibleWords.push(lineWords[index]!.text));
    return { box: unionBoxes(lineWords.map((each) => each.box)), words: lineWords };
  });
  return { text, lines, invisibleText: invisibleWords.join(' ') };
}

function toLayoutWord(text: string): (word: PendingWord) => LayoutWord {
  return (word) => {
    const size = roundCoordinate(word.size);
    return {
      text: text.slice(word.start, word.end) + (word.hyphenated ? '-' : ''),
      box: word.box.map(roundCoordinate) as unknown as Box,
      ...(size > 0 ? { size } : {}),
      ...(word.style.bold ? { bold: true as const } : {}),
      ...(word.style.italic ? { italic: true as const } : {}),
    };
  };
}
