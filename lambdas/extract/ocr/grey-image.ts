/** An 8-bit grey image, as PDFium renders a page for OCR: one byte per pixel, rows packed. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A page's size in points, as displayed. */
export interface PageSize {
  readonly width: number;
  readonly height: number;
}

/** A quarter turn count, clockwise. */
export type Rotation = 0 | 90 | 180 | 270;

/** `image` turned clockwise by `rotation`. */
export function rotateGrey(image: GreyImage, rotation: Rotation): GreyImage {
  if (rotation === 0) return image;
  const { width, height, data } = image;
  const turned = rotation !== 180;
  const out = new Uint8Array(data.length);
  const outWidth = turned ? height : width;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [tx, ty] =
        rotation === 90 ? [height - 1 - y, x] : rotation === 180 ? [width - 1 - x, height - 1 - y] : [y, width - 1 - x];
      out[ty * outWidth + tx] = data[y * width + x]!;
    }
  }
  return { width: outWidth, height: turned ? width : height, data: out };
}

/**
 * The image as a binary PGM (P5): the simplest format Leptonica reads, so the pixels reach
 * Tesseract without a PNG encoder or decoder in between.
 */
export function encodePgm(image: GreyImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${image.width} ${image.height}\n255\n`);
  const out = new Uint8Array(header.length + image.data.length);
  out.set(header);
  out.set(image.data, header.length);
  return out;
}


/** `image` enlarged `factor` times, each pixel repeated. */
export function enlargeGrey(image: GreyImage, factor: number): GreyImage {
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) {
    const source = Math.floor(y / factor) * image.width;
    for (let x = 0; x < width; x += 1) data[y * width + x] = image.data[source + Math.floor(x / factor)]!;
  }
  return { width, height, data };
}
