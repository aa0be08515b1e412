/**
 * Retrieval chunks cut from a document's blocks: each within a token budget, inside one section
 * (a heading starts a new chunk and always travels with the text after it), cut between
 * sentences, list items or table rows (never inside a row: a table's header rows open every
 * chunk its rows fall in), with the previous chunk's last sentences repeated as overlap. Each
 * chunk says where it comes from: its heading path, pages and boxes. Pure; the token counter is
 * given (see tokenizer.ts).
 */
import { createHash } from 'node:crypto';
import type { Box } from '../../shared/page-layout.js';
import { tableMarkdown } from './tables.js';
import { JoinedCount, type CountedText, type WordCounter } from './tokenizer.js';
import type { Block } from './types.js';

export interface ChunkOptions {
  readonly documentId: string;
  /** The extraction's generation: chunk ids change when the document is extracted again. */
  readonly generation: number;
  /** Most tokens in a chunk's text. */
  readonly maxTokens: number;
  /** Tokens of the previous chunk's end repeated at the start of the next, within a section. */
  readonly overlapTokens: number;
  /** A word-by-word counter (`loadTokenCounter`): chunks are counted from their units' pieces. */
  readonly countTokens: WordCounter;
}

export interface ChunkBox {
  readonly pageNumber: number;
  readonly box: Box;
}

export interface Chunk {
  /** Stable: a hash of the document id, generation, index and text. */
  readonly id: string;
  readonly index: number;
  /** The headings the chunk is under, outermost first. */
  readonly headingPath: readonly string[];
  readonly pageNumbers: readonly number[];
  readonly boxes: readonly ChunkBox[];
  readonly tokenCount: number;
  /** Markdown. */
  readonly text: string;
}

/** Pieces a too-long sentence is cut into leave room for a heading to travel with them. */
const PIECE_SHARE = 0.75;
const SMALLEST_BUDGET = 16;

/** A unit is counted once, piece by piece: a chunk's count is made from its units' pieces. */
interface Unit extends CountedText {
  readonly kind: 'heading' | 'sentence' | 'item' | 'row';
  /** Units of one block: sentences of one paragraph join with a space, items and rows with a line break. */
  readonly block: number;
  readonly pageNumber: number;
  readonly boxes: readonly Box[];
  /** For rows: the table's header lines, which open each chunk the table's rows are in. */
  readonly tableHeader?: CountedText;
}

/** What a chunk's units are joined with (see `written`), counted once for each document. */
interface Joints {
  readonly sentence: CountedText;
  readonly line: CountedText;
  readonly block: CountedText;
}

interface Section {
  readonly path: readonly string[];
  readonly units: Unit[];
}

export function chunkBlocks(blocks: readonly Block[], options: ChunkOptions): Chunk[] {
  if (!(options.maxTokens >= SMALLEST_BUDGET)) throw new RangeError(`The chunk budget must be at least ${SMALLEST_BUDGET} tokens; it is ${options.maxTokens}.`);
  if (!(options.overlapTokens >= 0 && options.overlapTokens < options.maxTokens / 2)) {
    throw new RangeError(`The chunk overlap must be between 0 and half the budget (${options.maxTokens / 2}); it is ${options.overlapTokens}.`);
  }
  const pieceLimit = Math.max(8, Math.floor(options.maxTokens * PIECE_SHARE));
  const count = options.countTokens;
  const joints: Joints = { sentence: count.pieces(' '), line: count.pieces('\n'), block: count.pieces('\n\n') };
  const pieces = toSections(blocks, count, pieceLimit).flatMap((section) =>
    packSection(section.units, options, joints).map((piece) => ({ path: section.path, ...piece })),
  );
  return pieces.map(({ path, units, text, tokenCount }, index) => {
    return {
      id: chunkId(options.documentId, options.generation, index, text),
      index,
      headingPath: path,
      ...provenance(units),
      tokenCount,
      text,
    };
  });
}

export function chunkId(documentId: string, generation: number, index: number, text: string): string {
  return createHash('sha256').update(`${documentId}\n${generation}\n${index}\n${text}`).digest('hex').slice(0, 32);
}

/** Chunks as JSON Lines, one chunk a line. */
export function chunksToJsonl(chunks: readonly Chunk[]): string {
  return chunks.map((chunk) => `${JSON.stringify(chunk)}\n`).join('');
}

function toSections(blocks: readonly Block[], count: WordCounter, pieceLimit: number): Section[] {
  const sections: Section[] = [{ path: [], units: [] }];
  const path: { level: number; text: string }[] = [];
  blocks.forEach((block, index) => {
    const unit = (kind: Unit['kind'], text: string, boxes = block.boxes): Unit => ({ ...count.pieces(text), kind, block: index, pageNumber: block.pageNumber, boxes });
    if (block.type === 'heading') {
      const level = block.level ?? 1;
      while (path.length > 0 && path.at(-1)!.level >= level) path.pop();
      path.push({ level, text: block.text });
      // Headings with nothing between them (a chapter's title, then its first section's) open one section together.
      const previous = sections.at(-1)!;
      const bare = previous.units.length > 0 && previous.units.every((each) => each.kind === 'heading');
      if (bare) sections.pop();
      sections.push({ path: path.map((entry) => entry.text), units: [...(bare ? previous.units : []), unit('heading', block.markdown)] });
      return;
    }
    const units = sections.at(-1)!.units;
    if (block.type === 'paragraph') {
      for (const sentence of splitSentences(block.markdown)) units.push(...splitLong(unit('sentence', sentence), count, pieceLimit));
    } else if (block.type === 'list') {
      const lines = block.markdown.split('\n');
      lines.forEach((line, item) => units.push(...splitLong(unit('item', line, block.boxes[item] ? [block.boxes[item]!] : block.boxes), count, pieceLimit)));
    } else {
      const rows = block.rows ?? [];
      const headerRows = block.headerRows ?? 1;
      const lines = tableMarkdown({ rows, headerRows }).split('\n');
      const header = lines.slice(0, 2).join('\n');
      const tableHeader = count.pieces(header);
      const body = lines.slice(2);
      if (body.length === 0) units.push(unit('sentence', header));
      for (const row of body) units.push(...splitLong({ ...unit('row', row), tableHeader }, count, pieceLimit - tableHeader.tokens));
    }
  });
  return sections.filter((section) => section.units.length > 0);
}

/** Sentences: a full stop, question or exclamation mark followed by space and a capital or digit. */
function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?][)"'”’]?)\s+(?=[\p{Lu}\p{N}"“(\[])/u).filter((sentence) => sentence !== '');
}

/** Text whose words are one space apart, with nothing around them: its pieces are its words. */
const SINGLE_SPACED = /^\S+(?: \S+)*$/;

/**
 * A unit longer than the limit, cut between words (the last resort, for run-on text and giant
 * cells), its words one space apart. Such a text's pieces are its words, each but the first with
 * the space before it (see tokenizer.ts): a cut's count is the sum of its words' counts, its
 * first word counted again without the space, and no word is read twice.
 */
function splitLong(unit: Unit, count: WordCounter, limit: number): Unit[] {
  if (unit.tokens <= limit) return [unit];
  // Other blanks between words (tabs, runs of spaces) become one space, as the cut text is written.
  const spaced = SINGLE_SPACED.test(unit.text) ? unit : count.pieces(unit.text.split(/\s+/).filter((word) => word !== '').join(' '));
  const { text, starts, counts } = spaced;
  if (text === '') return [];
  const endOf = (index: number) => (index + 1 < starts.length ? starts[index + 1]! : text.length);
  const pieces: Unit[] = [];
  let piece: { from: number; to: number; starts: number[]; counts: number[]; tokens: number } | undefined;
  const push = () => {
    if (piece) pieces.push({ ...unit, text: text.slice(piece.from, piece.to), starts: piece.starts, counts: piece.counts, tokens: piece.tokens });
    piece = undefined;
  };
  for (let index = 0; index < starts.length; index += 1) {
    if (piece !== undefined && piece.tokens + counts[index]! > limit) push();
    if (piece === undefined) {
      const from = index === 0 ? 0 : starts[index]! + 1;
      const tokens = index === 0 ? counts[0]! : count(text.slice(from, endOf(index)));
      piece = { from, to: endOf(index), starts: [0], counts: [tokens], tokens };
    } else {
      piece.starts.push(starts[index]! - piece.from);
      piece.counts.push(counts[index]!);
      piece.tokens += counts[index]!;
      piece.to = endOf(index);
    }
  }
  push();
  return pieces;
}

/** Tokens a unit adds after `previous`: its own, a joint, and a table's header when it opens one. */
function cost(unit: Unit, previous: Unit | undefined): number {
  const header = unit.tableHeader && (previous === undefined || previous.block !== unit.block) ? unit.tableHeader.tokens + 1 : 0;
  return unit.tokens + header + (previous === undefined ? 0 : 1);
}

function packSection(units: readonly Unit[], options: ChunkOptions, joints: Joints): Fitted[] {
  const chunks: Unit[][] = [];
  let current: Unit[] = [];
  let tokens = 0;
  for (let index = 0; index < units.length; index += 1) {
    // Headings and the unit after them go in together.
    let end = index;
    while (end < units.length && units[end]!.kind === 'heading') end += 1;
    const step = units.slice(index, Math.min(units.length, Math.max(end, index) + 1));
    const stepCost = (after: Unit | undefined) => step.reduce((sum, unit, at) => sum + cost(unit, at === 0 ? after : step[at - 1]), 0);
    if (current.length > 0 && tokens + stepCost(current.at(-1)) > options.maxTokens) {
      chunks.push(current);
      current = overlapOf(current, options.overlapTokens);
      while (current.length > 0 && tokensOf(current) + stepCost(current.at(-1)) > options.maxTokens) current.shift();
      tokens = tokensOf(current);
    }
    current.push(...step);
    tokens += stepCost(current.length > step.length ? current[current.length - step.length - 1] : undefined);
    index += step.length - 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks.flatMap((chunk) => fitExactly(chunk, options, joints));
}

const tokensOf = (units: readonly Unit[]) => units.reduce((sum, unit, index) => sum + cost(unit, units[index - 1]), 0);

/** The previous chunk's last sentences or items, up to the overlap budget; never a heading or a table row. */
function overlapOf(chunk: readonly Unit[], overlapTokens: number): Unit[] {
  const overlap: Unit[] = [];
  let tokens = 0;
  for (let index = chunk.length - 1; index >= 0; index -= 1) {
    const unit = chunk[index]!;
    if (unit.kind === 'heading' || unit.kind === 'row' || tokens + unit.tokens + 1 > overlapTokens) break;
    overlap.unshift(unit);
    tokens += unit.tokens + 1;
  }
  return overlap;
}

/**
 * Counts are summed per unit, which a joint can put one token off; the written text's count is
 * exact (made from its units' pieces), and a chunk over budget hands its last units to a chunk
 * of their own.
 */
function fitExactly(chunk: Unit[], options: ChunkOptions, joints: Joints): Fitted[] {
  const result: Fitted[] = [];
  let rest = chunk;
  while (rest.length > 0) {
    // Written once: the text of its first units is the start of its text.
    const { text, ends, counts } = written(rest, options.countTokens, joints);
    let end = rest.length;
    while (end > 1 && counts[end - 1]! > options.maxTokens) end -= 1;
    result.push({ units: rest.slice(0, end), text: text.slice(0, ends[end - 1]), tokenCount: counts[end - 1]! });
    rest = rest.slice(end);
  }
  return result;
}

/** A chunk's units, its text and the text's exact count. */
interface Fitted {
  readonly units: Unit[];
  readonly text: string;
  readonly tokenCount: number;
}

/**
 * A chunk's text: sentences of one paragraph a space apart, items and rows of one block a line
 * apart, blocks a blank line apart, a table's header rows before its first row. With where each
 * unit ends in it and the exact count of the text up to there.
 */
function written(units: readonly Unit[], count: WordCounter, joints: Joints): { text: string; ends: number[]; counts: number[] } {
  const joined = new JoinedCount(count);
  let text = '';
  const ends: number[] = [];
  const counts: number[] = [];
  units.forEach((unit, index) => {
    const previous = units[index - 1];
    const sameBlock = previous !== undefined && previous.block === unit.block;
    const parts = [previous === undefined ? undefined : sameBlock ? (unit.kind === 'sentence' ? joints.sentence : joints.line) : joints.block];
    if (unit.tableHeader && !sameBlock) parts.push(unit.tableHeader, joints.line);
    parts.push(unit);
    for (const part of parts) {
      if (part === undefined) continue;
      text += part.text;
      joined.append(part);
    }
    ends.push(text.length);
    counts.push(joined.tokens);
  });
  return { text, ends, counts };
}

function provenance(units: readonly Unit[]): { pageNumbers: number[]; boxes: ChunkBox[] } {
  const pageNumbers = [...new Set(units.map((unit) => unit.pageNumber))].sort((a, b) => a - b);
  const seen = new Set<string>();
  const boxes: ChunkBox[] = [];
  for (const unit of units) {
    for (const box of unit.boxes) {
      const key = `${unit.pageNumber}:${box.join(',')}`;
      if (!seen.has(key)) boxes.push({ pageNumber: unit.pageNumber, box });
      seen.add(key);
    }
  }
  return { pageNumbers, boxes };
}
