import { describe, expect, it } from 'vitest';
import { pageGeometry } from '../../lambdas/extract/page-geometry.js';
import { layOutPage, type PageChars } from '../../lambdas/extract/text-layout.js';
import type { Box } from '../../lambdas/shared/page-layout.js';

/** Characters as PDFium hands them over: one per code point, 6 points wide, on lines 12 points apart. */
function charsOf(source: string, options: { readonly size?: number; readonly boldFrom?: number; readonly invisibleFrom?: number } = {}): PageChars {
  const codes = [...source].map((char) => (char === '¬' ? 0x02 : char.codePointAt(0)!));
  const boxes: Box[] = [];
  let [x, line] = [0, 0];
  for (const code of codes) {
    if (code === 0x0a) {
      [x, line] = [0, line + 1];
    }
    boxes.push([x, line * 12, x + 6, line * 12 + 10]);
    if (code !== 0x0d && code !== 0x0a) x += 6;
    if (code === 0x02) [x, line] = [0, line + 1];
  }
  return {
    count: codes.length,
    unicode: (index) => codes[index] ?? 0,
    unmapped: (index) => codes[index] === 0x3f2, // ϲ stands for a glyph with no Unicode mapping here
    box: (index) => boxes[index]!,
    fontSize: () => options.size ?? 10,
    style: (index) => ({ bold: options.boldFrom !== undefined && index >= options.boldFrom, italic: false }),
    invisible: (index) => options.invisibleFrom !== undefined && index >= options.invisibleFrom,
  };
}

describe('layOutPage', () => {
  it('normalises CRLF line ends to LF and keeps lines apart in the layout', () => {
    const page = layOutPage(charsOf('first line\r\nsecond line'));

    expect(page.text).toBe('first line\nsecond line');
    expect(page.lines.map((line) => line.words.map((word) => word.text))).toEqual([
      ['first', 'line'],
      ['second', 'line'],
    ]);
  });

  it("joins a word PDFium marks as hyphenated at a line end in the text, and keeps both halves in the layout", () => {
    const page = layOutPage(charsOf('the extrac¬tion works'));

    expect(page.text).toBe('the extraction works');
    expect(page.lines.map((line) => line.words.map((word) => word.text))).toEqual([['the', 'extrac-'], ['tion', 'works']]);
  });

  it('gives each word a box around its characters and each line a box around its words', () => {
    const page = layOutPage(charsOf('ab cd'));

    expect(page.lines[0]!.words.map((word) => word.box)).toEqual([
      [0, 0, 12, 10],
      [18, 0, 30, 10],
    ]);
    expect(page.lines[0]!.box).toEqual([0, 0, 30, 10]);
  });

  it('separates words far apart on one line with a tab, as cells', () => {
    const page = layOutPage(charsOf('Name                Total'));

    expect(page.text).toBe('Name\tTotal');
  });

  it('carries the font size and a bold hint on each word', () => {
    const page = layOutPage(charsOf('plain bold', { size: 11.04, boldFrom: 6 }));

    expect(page.lines[0]!.words).toEqual([
      { text: 'plain', box: [0, 0, 30, 10], size: 11 },
      { text: 'bold', box: [36, 0, 60, 10], size: 11, bold: true },
    ]);
  });

  it('folds ligatures to their letters, as search needs them', () => {
    expect(layOutPage(charsOf('ﬁnal')).text).toBe('final');
  });

  it('keeps characters outside the Basic Multilingual Plane whole', () => {
    expect(layOutPage(charsOf('𝐀 ok')).text).toBe('𝐀 ok');
  });

  it('leaves out characters whose font maps them to no trustworthy Unicode', () => {
    expect(layOutPage(charsOf('habibi ϲϲ ok')).text).toMatch(/^habibi\sok$/);
  });

  it('keeps the words of an invisible OCR layer in the text, and says which they are', () => {
    // Arrange: a visible stamp, then a scan's invisible OCR layer from character 9 on
    const chars = charsOf('APPROVED\nquarterly report', { invisibleFrom: 9 });

    // Act
    const page = layOutPage(chars);

    // Assert
    expect(page.text).toBe('APPROVED\nquarterly report');
    expect(page.invisibleText).toBe('quarterly report');
  });

  it('reads an empty page as no text and no lines', () => {
    expect(layOutPage(charsOf(''))).toEqual({ text: '', lines: [], invisibleText: '' });
  });
});

describe('pageGeometry', () => {
  const bounds = { left: 10, bottom: 20, right: 110, top: 220 };

  it('puts the origin at the top left, y downwards, for an unrotated page', () => {
    const geometry = pageGeometry(bounds, 0);

    expect([geometry.width, geometry.height]).toEqual([100, 200]);
    expect(geometry.point(10, 220)).toEqual([0, 0]);
    expect(geometry.box(20, 200, 30, 210)).toEqual([10, 10, 20, 20]);
  });

  it('turns a page with /Rotate 90 a quarter clockwise: its user-space bottom left becomes the top left', () => {
    const geometry = pageGeometry(bounds, 1);

    expect([geometry.width, geometry.height]).toEqual([200, 100]);
    expect(geometry.point(10, 20)).toEqual([0, 0]);
    expect(geometry.point(110, 220)).toEqual([200, 100]);
  });

  it('turns pages with /Rotate 180 and 270 so that every corner stays on the page', () => {
    for (const rotation of [2, 3]) {
      const geometry = pageGeometry(bounds, rotation);
      const corners = [geometry.point(10, 20), geometry.point(110, 220), geometry.point(10, 220), geometry.point(110, 20)];

      expect(corners.every(([x, y]) => x >= 0 && x <= geometry.width && y >= 0 && y <= geometry.height)).toBe(true);
      expect(new Set(corners.map((corner) => corner.join()))).toHaveProperty('size', 4);
    }
  });
});
