/**
 * Cuts a page's ordered lines into groups a reader sees as units: paragraphs (joined across line
 * breaks), list items, and runs of same-styled lines that may be headings. A group ends at extra
 * vertical space, a jump up or across the page, a change of font size or weight, a first-line
 * indent, a short line ending a sentence, or a list marker.
 */
import type { TextLine } from './text-lines.js';

export interface LineGroup {
  readonly lines: TextLine[];
  /** The list marker the group starts with (`•`, `3.`, `(a)`), if it is a list item. */
  readonly marker?: string;
}

/** What segmentation needs of the document as a whole. */
export interface DocumentMetrics {
  readonly bodySize: number;
  /** The usual space between two lines of a paragraph, in points. */
  readonly lineGap: number;
}

const BULLET = /^[•◦▪▫●○■□‣⁃∙·\-–—*+➢►▸✓✔]$/;
const BULLET_PREFIX = /^[•◦▪▫●○■□‣⁃∙➢►▸✓✔](?=\S)/;
const NUMBERED = /^(?:\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])$/i;
const ENDS_SENTENCE = /[.!?:;][)"'”’]?$/;

/** Whether a line's style sets it apart from body text: larger, or bold. */
export function standsOut(line: TextLine, metrics: DocumentMetrics): boolean {
  return line.bold || (line.size > 0 && metrics.bodySize > 0 && line.size >= metrics.bodySize * 1.15);
}

/** The list marker a line starts with, if it starts a list item. */
export function listMarker(line: TextLine, previous: TextLine | undefined, previousIsItem: boolean): string | undefined {
  const size = line.size || 10;
  const first = line.words[0] ?? '';
  if (line.words.length > 1 && BULLET.test(first)) return first;
  if (BULLET_PREFIX.test(first)) return first[0];
  // A number at the start of a wrapped sentence line is not a list: it needs a sentence ending before it.
  if (line.words.length > 1 && NUMBERED.test(first)) {
    if (previous === undefined || previousIsItem || ENDS_SENTENCE.test(previous.text)) return first;
    if (Math.abs(line.box[0] - previous.box[0]) > 1 || line.box[1] - previous.box[3] > size) return first;
  }
  return undefined;
}

/** The median vertical space between consecutive body lines: paragraphs' own leading. */
export function typicalLineGap(pages: readonly (readonly TextLine[])[], bodySize: number): number {
  const gaps: number[] = [];
  for (const lines of pages) {
    for (let index = 1; index < lines.length; index += 1) {
      const [previous, line] = [lines[index - 1]!, lines[index]!];
      if (previous.size !== bodySize || line.size !== bodySize) continue;
      const gap = line.box[1] - previous.box[3];
      if (gap >= -bodySize / 2 && gap <= bodySize) gaps.push(gap);
    }
  }
  gaps.sort((a, b) => a - b);
  return Math.max(0, gaps[Math.floor(gaps.length / 2)] ?? 0);
}

export function groupLines(lines: readonly TextLine[], metrics: DocumentMetrics): LineGroup[] {
  const groups: { lines: TextLine[]; marker?: string }[] = [];
  let current: { lines: TextLine[]; marker?: string } | undefined;
  lines.forEach((line, index) => {
    const previous = current?.lines.at(-1);
    const marker = standsOut(line, metrics) ? undefined : listMarker(line, previous, current?.marker !== undefined);
    if (current === undefined || previous === undefined || marker !== undefined || breaksBefore(line, previous, lines[index + 1], current, metrics)) {
      current = marker === undefined ? { lines: [line] } : { lines: [line], marker };
      groups.push(current);
    } else {
      current.lines.push(line);
    }
  });
  return groups;
}

function breaksBefore(line: TextLine, previous: TextLine, next: TextLine | undefined, group: { lines: TextLine[]; marker?: string }, metrics: DocumentMetrics): boolean {
  const size = line.size || metrics.bodySize || 10;
  // Weight changes matter at the body size and above; small print (figures, notes) flips it freely.
  const weightChanged = line.bold !== previous.bold && Math.max(line.size, previous.size) >= metrics.bodySize - 0.5;
  if (Math.abs(line.size - previous.size) >= 1 || weightChanged) return true;
  // A sentence running on into the next column (back up the page, or beside) is one paragraph.
  const movedColumn = line.box[1] < previous.box[1] - size / 2 || line.box[0] > previous.box[2] || line.box[2] < previous.box[0];
  if (movedColumn) return !(group.marker === undefined && !standsOut(line, metrics) && runsOn(previous, line));
  if (line.box[1] - previous.box[3] > metrics.lineGap + size * 0.5) return true;
  // A heading wrapped over lines may be centred: indentation says nothing there.
  if (standsOut(line, metrics)) return false;
  const first = group.lines[0]!;
  if (group.marker !== undefined) {
    // A list item's lines hang under its text; a line back at the marker is the next thing.
    return line.box[0] < first.box[0] + size * 0.3;
  }
  const second = group.lines[1];
  const hanging = second !== undefined && second.box[0] > first.box[0] + size * 0.6;
  // A hanging indent (references, definitions): the entry's lines stay indented; the next entry starts back out.
  if (hanging) return line.box[0] < second.box[0] - size * 0.6;
  const indented = line.box[0] > previous.box[0] + size * 0.6 && line.box[0] < previous.box[0] + size * 6;
  if (indented) {
    const staysIndented = next !== undefined && Math.abs(next.box[0] - line.box[0]) <= 1 && group.lines.length === 1;
    const brokenWord = /\p{L}-$/u.test(previous.text) && /^\p{Ll}/u.test(line.text);
    return !(staysIndented || brokenWord);
  }
  // A line that ends a sentence with room left for the next line's first word ended the paragraph.
  let right = line.box[2];
  for (const each of group.lines) if (each.box[2] > right) right = each.box[2];
  const firstWord = line.source[0];
  const firstWordWidth = firstWord ? firstWord.box[2] - firstWord.box[0] : 0;
  return right - previous.box[2] > firstWordWidth + size * 0.5 && ENDS_SENTENCE.test(previous.text);
}

/** The previous line stops mid-sentence and the line carries on in lower case. */
function runsOn(previous: TextLine, line: TextLine): boolean {
  return !ENDS_SENTENCE.test(previous.text) && /^\p{Ll}/u.test(line.text);
}

/** A group's lines as one text: a word broken by a hyphen at a line end is joined again. */
export function joinLines(lines: readonly TextLine[]): string {
  let text = '';
  for (const line of lines) {
    if (text === '') text = line.text;
    // Only the text's end is looked at: a paragraph grows line by line, and a search from its start would cost its square.
    else if (/\p{L}-$/u.test(text.slice(-3)) && /^\p{Ll}/u.test(line.text)) text = text.slice(0, -1) + line.text;
    else text += ` ${line.text}`;
  }
  return text;
}
