/**
 * Tesseract's TSV output as the page layout's lines and words, in page points.
 */
import { roundCoordinate, unionBoxes, type Box, type LayoutWord } from '../../shared/page-layout.js';
import { readingOf, type OcrReading } from './ocr-lines.js';
import type { GreyImage, PageSize, Rotation } from './grey-image.js';

/** TSV levels: 4 a text line, 5 a word. */
const WORD_LEVEL = '5';

/** What one recognition of a page gave, already in page points. */
export type Recognition = OcrReading;

/**
 * Words of `tsv` (recognised on `image` turned clockwise by `rotation`) grouped into lines, with
 * their boxes mapped back onto the unturned page and scaled from pixels to points.
 */
export function layoutFromTsv(tsv: string, image: GreyImage, rotation: Rotation, page: PageSize): Recognition {
  const lines = new Map<string, LayoutWord[]>();
  const toPage = pixelToPage(image, rotation, page);
  for (const row of tsv.split('\n')) {
    const cells = row.split('\t');
    if (cells[0] !== WORD_LEVEL || cells.length < 12) continue;
    const text = cells.slice(11).join('\t').trim();
    const confidence = Number(cells[10]);
    if (!text || !(confidence >= 0)) continue;
    const [left, top, width, height] = cells.slice(6, 10).map(Number) as [number, number, number, number];
    const key = cells.slice(1, 5).join('.');
    const words = lines.get(key) ?? [];
    words.push({ text, box: toPage([left, top, left + width, top + height]), confidence: Math.round(confidence * 10) / 10 });
    lines.set(key, words);
  }
  return readingOf([...lines.values()].map((words) => ({ box: unionBoxes(words.map((word) => word.box)), words })));
}

/**
 * Maps a box on the image turned clockwise by `rotation` back to the unturned image, then to
 * page points. `image` is the unturned image.
 */
function pixelToPage(image: GreyImage, rotation: Rotation, page: PageSize): (box: Box) => Box {
  const { width: w, height: h } = image;
  const unturn = (x: number, y: number): [number, number] =>
    rotation === 90 ? [y, h - x] : rotation === 180 ? [w - x, h - y] : rotation === 270 ? [w - y, x] : [x, y];
  const sx = page.width / w;
  const sy = page.height / h;
  return ([left, top, right, bottom]) => {
    const [x0, y0] = unturn(left, top);
    const [x1, y1] = unturn(right, bottom);
    return [
      roundCoordinate(Math.min(x0, x1) * sx),
      roundCoordinate(Math.min(y0, y1) * sy),
      roundCoordinate(Math.max(x0, x1) * sx),
      roundCoordinate(Math.max(y0, y1) * sy),
    ];
  };
}
