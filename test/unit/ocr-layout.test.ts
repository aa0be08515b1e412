import { describe, expect, it } from 'vitest';
import { encodePgm, enlargeGrey, rotateGrey, type GreyImage } from '../../lambdas/extract/ocr/grey-image.js';
import { layoutFromTsv } from '../../lambdas/extract/ocr/tesseract-layout.js';

/** A 3 × 2 image whose pixels are numbered 1–6 in reading order. */
const SMALL: GreyImage = { width: 3, height: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };

/** Tesseract's TSV: a header, a line row (level 4) and word rows (level 5). */
function tsv(...words: [line: number, left: number, top: number, width: number, height: number, conf: number, text: string][]): string {
  const header = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';
  const rows = words.map(
    ([line, left, top, width, height, conf, text], index) => `5\t1\t1\t1\t${line}\t${index + 1}\t${left}\t${top}\t${width}\t${height}\t${conf}\t${text}`,
  );
  return [header, '4\t1\t1\t1\t1\t0\t0\t0\t10\t10\t-1\t', ...rows].join('\n');
}

describe('rotateGrey', () => {
  it('turns an image a quarter clockwise', () => {
    // Act
    const turned = rotateGrey(SMALL, 90);

    // Assert: the left column, read bottom to top, becomes the top row
    expect(turned.width).toBe(2);
    expect(turned.height).toBe(3);
    expect([...turned.data]).toEqual([4, 1, 5, 2, 6, 3]);
  });

  it('turns an image half round and three quarters', () => {
    expect([...rotateGrey(SMALL, 180).data]).toEqual([6, 5, 4, 3, 2, 1]);
    expect([...rotateGrey(SMALL, 270).data]).toEqual([3, 6, 2, 5, 1, 4]);
  });

  it('comes back to the image after four quarters', () => {
    const fourTimes = [90, 90, 90, 90].reduce((image) => rotateGrey(image, 90), SMALL);

    expect(fourTimes).toEqual(SMALL);
  });
});

describe('enlargeGrey', () => {
  it('repeats each pixel into a square of the factor', () => {
    const enlarged = enlargeGrey({ width: 2, height: 1, data: Uint8Array.from([10, 20]) }, 2);

    expect([enlarged.width, enlarged.height]).toEqual([4, 2]);
    expect([...enlarged.data]).toEqual([10, 10, 20, 20, 10, 10, 20, 20]);
  });
});

describe('encodePgm', () => {
  it('writes a binary PGM header before the pixels', () => {
    expect(new TextDecoder().decode(encodePgm(SMALL).subarray(0, 11))).toBe('P5\n3 2\n255\n');
    expect([...encodePgm(SMALL).subarray(11)]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('layoutFromTsv', () => {
  // A 1,275 × 1,650 px image of a letter page (150 DPI): one pixel is 0.48 pt.
  const image: GreyImage = { width: 1275, height: 1650, data: new Uint8Array(0) };
  const page = { width: 612, height: 792 };

  it('groups words into lines and scales their boxes from pixels to points', () => {
    // Act
    const result = layoutFromTsv(tsv([1, 100, 50, 200, 40, 93.25, 'Hello'], [1, 320, 50, 150, 40, 88, 'world'], [2, 100, 120, 90, 40, 91, 'Next']), image, 0, page);

    // Assert
    expect(result.text).toBe('Hello world\nNext');
    expect(result.lines).toHaveLength(2);
    expect(result.lines[0]!.words[0]).toEqual({ text: 'Hello', box: [48, 24, 144, 43.2], confidence: 93.3 });
    expect(result.lines[0]!.box).toEqual([48, 24, 225.6, 43.2]);
    expect(result.confidence).toBeCloseTo((93.3 + 88 + 91) / 3, 1);
  });

  it('maps boxes read on a turned image back onto the page as displayed', () => {
    // Arrange: the page was read turned a quarter clockwise (1,650 × 1,275 px); the word sat at
    // the top left of the turned image, which is the bottom left of the page.
    const result = layoutFromTsv(tsv([1, 0, 0, 100, 50, 90, 'Sideways']), image, 90, page);

    // Assert: x 0–50 px, y 1,550–1,650 px on the page's image
    expect(result.lines[0]!.words[0]!.box).toEqual([0, 744, 24, 792]);
  });

  it('skips empty and unrecognised entries and reads a page with no words as empty', () => {
    expect(layoutFromTsv(tsv([1, 0, 0, 10, 10, -1, ' ']), image, 0, page)).toEqual({ text: '', lines: [], confidence: 0 });
  });
});
