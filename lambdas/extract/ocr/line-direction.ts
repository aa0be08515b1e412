/**
 * Whether a rendered page's lines of text run down it rather than across: a page scanned
 * sideways. Lines of text leave blank rows of pixels between them and few blank columns
 * inside the text block; a page turned a quarter shows the same pattern turned. Cheap (one pass
 * over the pixels) and deliberately cautious: only a clear pattern says sideways, so a table, a
 * drawing or a skewed scan reads as upright, as before. It cannot tell upside down from upright.
 */
import type { GreyImage } from './grey-image.js';

/** Pixels darker than this are ink. */
const INK = 128;
/** A row or column with fewer ink pixels than this share of its length is blank (scanner dust is not ink). */
const BLANK_SHARE = 0.004;
/** Blank columns inside the text block must be at least this share of it... */
const MIN_BLANK_SHARE = 0.2;
/** ...and this many times the share of blank rows, for the page to read as sideways. */
const DOMINANCE = 2;
/** Lines of text a sideways page shows at least (a line or two of words leaves blank columns between them). */
const MIN_LINES = 5;
/** The lines must run along this share of the page at least. */
const MIN_LINE_LENGTH_SHARE = 0.25;

/** A line with less ink than this share of a typical inked line's (the upper quartile) is a gap. */
const RELATIVE_BLANK = 0.12;

/** The upper quartile of the ink counts of lines that hold any ink worth the name. */
function typicalInk(profile: Uint32Array, length: number): number {
  const floor = length * BLANK_SHARE;
  const inked = Array.from(profile).filter((ink) => ink >= floor);
  if (inked.length === 0) return 0;
  inked.sort((a, b) => a - b);
  return inked[Math.floor(inked.length * 0.75)]!;
}

interface Profile {
  /** Blank lines between the first and last inked one, as a share of them. */
  readonly blankShare: number;
  /** Runs of inked lines: text lines, on the profile across them. */
  readonly bands: number;
  /** First to last inked line, as a share of the profile. */
  readonly spanShare: number;
}

/** Reads a profile of ink counts (per row or per column) of lines `length` pixels long. */
function readProfile(profile: Uint32Array, length: number): Profile {
  // Dense print leaves a little ink between lines (descenders, a column's rule): a line with far
  // less ink than a typical inked one counts as blank too.
  const blank = Math.max(1, Math.ceil(length * BLANK_SHARE), Math.ceil(RELATIVE_BLANK * typicalInk(profile, length)));
  let first = -1;
  let last = -1;
  for (let index = 0; index < profile.length; index += 1) {
    if (profile[index]! >= blank) {
      if (first < 0) first = index;
      last = index;
    }
  }
  if (first < 0) return { blankShare: 0, bands: 0, spanShare: 0 };
  let blanks = 0;
  let bands = 0;
  for (let index = first; index <= last; index += 1) {
    if (profile[index]! < blank) blanks += 1;
    else if (index === first || profile[index - 1]! < blank) bands += 1;
  }
  return { blankShare: blanks / (last - first + 1), bands, spanShare: (last - first + 1) / profile.length };
}

export function looksSideways(image: GreyImage): boolean {
  const { width, height, data } = image;
  const rows = new Uint32Array(height);
  const columns = new Uint32Array(width);
  for (let y = 0; y < height; y += 1) {
    const offset = y * width;
    let ink = 0;
    for (let x = 0; x < width; x += 1) {
      if (data[offset + x]! < INK) {
        ink += 1;
        columns[x]! += 1;
      }
    }
    rows[y] = ink;
  }
  const across = readProfile(rows, width);
  const down = readProfile(columns, height);
  return (
    down.blankShare >= MIN_BLANK_SHARE &&
    down.blankShare >= DOMINANCE * across.blankShare &&
    down.bands >= MIN_LINES &&
    across.spanShare >= MIN_LINE_LENGTH_SHARE
  );
}
