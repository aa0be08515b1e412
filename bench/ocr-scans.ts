/**
 * A scanned set made from text PDFs: pages rendered by PDFium, then degraded the way scanners
 * and fax machines degrade them (noise, skew, pages fed sideways or upside down). The ground
 * truth is the source page's text layer. Deterministic: the same seed gives the same pixels.
 */
import { rotateGrey, type GreyImage, type PageSize, type Rotation } from '../lambdas/extract/ocr/grey-image.js';

export type Variant = 'clean' | 'noisy' | 'skewed' | 'sideways' | 'sideways-left' | 'upside-down';
/** `sideways`: turned a quarter clockwise (text running down); `sideways-left`: a quarter anticlockwise. */
export const VARIANTS: readonly Variant[] = ['clean', 'noisy', 'skewed', 'sideways', 'sideways-left', 'upside-down'];

export interface ScannedPage {
  readonly image: GreyImage;
  readonly page: PageSize;
}

/** `clean` rendered as it is; the others degraded from it. */
export function degrade(clean: ScannedPage, variant: Variant, seed = 1): ScannedPage {
  switch (variant) {
    case 'clean':
      return clean;
    case 'noisy':
      return { ...clean, image: speckle(blur(clean.image), seed) };
    case 'skewed':
      return { ...clean, image: skew(clean.image, 2.5) };
    case 'sideways':
      return turn(clean, 90);
    case 'sideways-left':
      return turn(clean, 270);
    case 'upside-down':
      return turn(clean, 180);
  }
}

function turn({ image, page }: ScannedPage, rotation: Rotation): ScannedPage {
  const turned = rotateGrey(image, rotation);
  return { image: turned, page: rotation === 180 ? page : { width: page.height, height: page.width } };
}

/** A 3 × 3 box blur: the softness of a cheap scanner's optics. */
function blur(image: GreyImage): GreyImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let sum = 0;
      let count = 0;
      for (let dy = -1; dy <= 1; dy += 1) {
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx >= 0 && ny >= 0 && nx < width && ny < height) {
            sum += data[ny * width + nx]!;
            count += 1;
          }
        }
      }
      out[y * width + x] = sum / count;
    }
  }
  return { width, height, data: out };
}

/** Grain (±24 grey levels) and 0.4 % of pixels flipped to black or white: dust and toner. */
function speckle(image: GreyImage, seed: number): GreyImage {
  const random = xorshift(seed);
  const data = image.data.map((value) => {
    const r = random();
    if (r < 0.002) return 0;
    if (r < 0.004) return 255;
    return Math.max(0, Math.min(255, value + (random() - 0.5) * 48));
  });
  return { ...image, data };
}

/** The page turned `degrees` (clockwise) about its centre, bilinear, white outside. */
function skew(image: GreyImage, degrees: number): GreyImage {
  const { width, height, data } = image;
  const angle = (degrees * Math.PI) / 180;
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const [cx, cy] = [width / 2, height / 2];
  const out = new Uint8Array(data.length);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= width || y >= height ? 255 : data[y * width + x]!);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      // Where this output pixel comes from in the source
      const sx = cos * (x - cx) + sin * (y - cy) + cx;
      const sy = -sin * (x - cx) + cos * (y - cy) + cy;
      const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
      const [fx, fy] = [sx - x0, sy - y0];
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return { width, height, data: out };
}

function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}
