/**
 * Token counters for chunk budgets, from `gpt-tokenizer`, whose encodings ship inside the package
 * (nothing is fetched). An encoding's ranks take a second or so to load, so each is imported only
 * when first asked for, once per process. In the extractor's bundle, the configured encoding is a
 * module of its own beside `index.mjs` (`tokenizer-<name>.mjs`, from `encodings/`), without a
 * source map: its ranks are megabytes of data, and only the configured one ships.
 *
 * Counting is most of the chunker's time, and the same words come back in every sentence and
 * chunk. Both encodings cut text into pieces before merging bytes, and no piece ever holds a
 * non-space character followed by a space: so a text's count is the sum of the counts of its
 * pieces cut before each space that follows a non-space, and each such word is counted once and
 * remembered. The chunker keeps each unit's pieces and counts a chunk from them (`JoinedCount`),
 * so no text is read a second time. Text that looks like a special token (`<|endoftext|>`) is
 * counted as the plain text it is in a document.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The encodings chunks may be counted with (one ships in the bundle: the configured one). */
export const TOKENIZERS = ['o200k_base', 'cl100k_base'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];
export type TokenCounter = (text: string) => number;

/**
 * A text cut into the pieces it is counted in (before each space that follows a non-space), each
 * piece's count kept: whatever is written from such texts is counted from these counts (see
 * `JoinedCount`), the texts not read again.
 */
export interface CountedText {
  readonly text: string;
  /** Where each piece starts: 0, then each cut. */
  readonly starts: readonly number[];
  readonly counts: readonly number[];
  /** The sum of `counts`: the text's count. */
  readonly tokens: number;
}

/** A counter of texts that also tells their pieces (`wordByWord`'s). */
export interface WordCounter extends TokenCounter {
  readonly pieces: (text: string) => CountedText;
}

/** Words remembered per encoding; past this the memory starts afresh (a warm function reads many documents). */
const REMEMBERED_WORDS = 200_000;
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const loaded = new Map<TokenizerName, Promise<WordCounter>>();

type Encoding = { readonly countTokens: (text: string, options: typeof AS_PLAIN_TEXT) => number };

/** The encoding's module: beside the bundle when it ships there, else from the package. */
async function importEncoding(name: TokenizerName): Promise<Encoding> {
  const beside = new URL(`./tokenizer-${name}.mjs`, import.meta.url);
  if (beside.protocol === 'file:' && existsSync(fileURLToPath(beside))) return (await import(beside.href)) as Encoding;
  return name === 'cl100k_base' ? import('gpt-tokenizer/encoding/cl100k_base') : import('gpt-tokenizer/encoding/o200k_base');
}

export function loadTokenCounter(name: TokenizerName = 'cl100k_base'): Promise<WordCounter> {
  let counter = loaded.get(name);
  if (counter === undefined) {
    counter = importEncoding(name).then((encoding) => wordByWord((text) => encoding.countTokens(text, AS_PLAIN_TEXT)));
    loaded.set(name, counter);
  }
  return counter;
}

/** The count of a text as the sum of its words' counts, each word counted once. */
export function wordByWord(count: TokenCounter): WordCounter {
  const words = new WordCounts();
  /**
   * Cuts before each space that follows a non-space, hashing each word's characters as they are
   * scanned: a word seen before is found without being copied out of the text (a scan: a
   * regular expression, or a slice per word looked up in a Map, costs several times more here).
   * `each` hears of every piece, its start and count.
   */
  const scan = (text: string, each?: (start: number, tokens: number) => void): number => {
    if (text.length === 0) {
      const tokens = count(text);
      each?.(0, tokens);
      return tokens;
    }
    let total = 0;
    let start = 0;
    let hash = HASH_SEED;
    let previous = -1;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (code === SPACE && index > 0 && !isSpace(previous)) {
        const tokens = words.count(text, start, index, hash, count);
        each?.(start, tokens);
        total += tokens;
        start = index;
        hash = HASH_SEED;
      }
      hash = Math.imul(hash ^ code, HASH_PRIME);
      previous = code;
    }
    const tokens = words.count(text, start, text.length, hash, count);
    each?.(start, tokens);
    return total + tokens;
  };
  const counter = (text: string) => scan(text);
  counter.pieces = (text: string): CountedText => {
    const starts: number[] = [];
    const counts: number[] = [];
    const tokens = scan(text, (start, pieceTokens) => {
      starts.push(start);
      counts.push(pieceTokens);
    });
    return { text, starts, counts, tokens };
  };
  return counter;
}

/**
 * Counts a text written part after part exactly as the counter counts it whole: each part's
 * pieces keep their counts, and only the pieces where two parts meet are counted again. A cut
 * depends on a character and the one before it alone, so a part's pieces are the text's, but
 * for its first (which a cut at the part's start closes, or the text's last piece runs on into)
 * and its last (which the next part may run on).
 */
export class JoinedCount {
  /** Tokens of the pieces before `open`. */
  private closed = 0;
  /** The text since its last cut: the piece the next part may run on. */
  private open = '';
  /** The text's last character, -1 while it is empty. */
  private last = -1;

  constructor(private readonly count: TokenCounter) {}

  append(part: CountedText): void {
    const { text, starts, counts } = part;
    if (text.length === 0) return;
    if (text.charCodeAt(0) === SPACE && this.last >= 0 && !isSpace(this.last)) {
      this.closed += this.count(this.open);
      this.open = '';
    }
    const pieces = starts.length;
    if (pieces === 1) {
      this.open += text;
    } else {
      const first = this.open === '' ? counts[0]! : this.count(this.open + text.slice(0, starts[1]));
      this.closed += first + part.tokens - counts[0]! - counts[pieces - 1]!;
      this.open = text.slice(starts[pieces - 1]);
    }
    this.last = text.charCodeAt(text.length - 1);
  }

  /** The count of the text written so far. */
  get tokens(): number {
    return this.closed + this.count(this.open);
  }
}

/** FNV-1a over UTF-16 code units. */
const HASH_SEED = 0x811c9dc5 | 0;
const HASH_PRIME = 0x01000193;

/**
 * Words and their counts in an open-addressing table keyed by the words' hashes. A word is
 * compared in place in the text it was scanned from, and copied out only the first time.
 */
class WordCounts {
  private size = 0;
  private mask = 1023;
  private hashes = new Int32Array(this.mask + 1);
  private keys: (string | undefined)[] = new Array<string | undefined>(this.mask + 1);
  private counts = new Int32Array(this.mask + 1);

  /** The count of `text.slice(start, end)`, whose hash is `hash`, counted with `count` once. */
  count(text: string, start: number, end: number, hash: number, count: TokenCounter): number {
    const length = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const key = this.keys[slot];
      if (key === undefined) break;
      if (this.hashes[slot] === hash && key.length === length && text.startsWith(key, start)) return this.counts[slot]!;
      slot = (slot + 1) & this.mask;
    }
    const word = text.slice(start, end);
    const tokens = count(word);
    if (this.size >= REMEMBERED_WORDS) this.clear();
    else if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    this.insert(word, hash, tokens);
    return tokens;
  }

  private insert(word: string, hash: number, tokens: number): void {
    let slot = hash & this.mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.keys[slot] = word;
    this.hashes[slot] = hash;
    this.counts[slot] = tokens;
    this.size += 1;
  }

  private grow(): void {
    const { keys, hashes, counts } = this;
    this.mask = this.mask * 2 + 1;
    this.hashes = new Int32Array(this.mask + 1);
    this.keys = new Array<string | undefined>(this.mask + 1);
    this.counts = new Int32Array(this.mask + 1);
    this.size = 0;
    keys.forEach((key, slot) => {
      if (key !== undefined) this.insert(key, hashes[slot]!, counts[slot]!);
    });
  }

  private clear(): void {
    this.keys.fill(undefined);
    this.size = 0;
  }
}

const SPACE = 0x20;
/** `\s` for the characters text holds: a piece never starts after one of them. */
const isSpace = (code: number) => code === SPACE || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
